// `roomhooks failed` and `roomhooks replay`, the built CLI run as a child process against a real redis-server:
// callbacks whose handler kept failing are listed, then replayed once it is fixed. `npm run test:redis`.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { Redis } from 'ioredis'
import { createRoomWorker, listFailedCallbacks, type FailedCallback } from '@roomhooks/bullmq'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import {
  countsOf,
  freshQueueName,
  MEMBER_ENTER,
  memberEnterBody,
  memberEnterQuery,
  useRedisServer,
  waitFor,
} from './queue-support.js'

const bin = fileURLToPath(new URL('../../cli/bin/roomhooks.js', import.meta.url))
const MEMBER_LEAVE = 'Room.CallbackAfterMemberLeave'
const HANDLER_ERROR = 'the rooms database is down'

/** Runs the built `roomhooks` binary; a ROOMHOOKS_REDIS_URL of the shell running the tests never leaks in. */
function roomhooks(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env }
  delete env['ROOMHOOKS_REDIS_URL']
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** What `failed` says of the default queue when it is empty. */
const EMPTY_DEFAULT_QUEUE =
  "No failed callbacks in queue roomhooks (the default queue: name the delivery's with --queue <name>)."

/** The lines of an output, without the final newline. */
const linesOf = (stdout: string): string[] => stdout.replace(/\n$/, '').split('\n')

describe('roomhooks failed and replay against redis-server', function () {
  this.timeout(60_000)
  const redis = useRedisServer()
  const redisUrl = () => `redis://127.0.0.1:${redis.server.port}`

  /**
   * A receiver queueing into a queue of its own and a worker (2 attempts) whose member.enter and member.leave
   * handler throws until `fix()`: three member.enter callbacks and one member.leave fail both attempts, and one
   * member.enter whose body fails its schema is refused at once. Resolves once all five are in the failed set.
   */
  async function deadLetter() {
    // Signed: a receiver keeps refused bodies only when a token proves where they came from.
    const { hooks, queue, queueName, errors } = redis.queueReceiver({}, { token: TOKEN })
    const { connection } = redis
    const signedQuery = (command: string) => callbackQuery({ command, token: TOKEN })
    let broken = true
    const handled: string[] = []
    const handle = (roomId: string) => {
      if (broken) throw new Error(HANDLER_ERROR)
      handled.push(roomId)
    }
    hooks.on('member.enter', (event) => handle(event.payload.RoomId))
    hooks.on('member.leave', (event) => handle(event.payload.RoomId))
    const worker = createRoomWorker(hooks, {
      connection,
      queueName,
      attempts: 2,
      backoff: { type: 'fixed', delay: 10 },
    })
    redis.closeAfterTest(() => worker.close())

    for (const room of ['enter-1', 'enter-2', 'enter-3']) {
      const answer = await hooks.receive({ query: signedQuery(MEMBER_ENTER), body: memberEnterBody(room) })
      expect(answer.status, room).to.equal(200)
    }
    const leave = fixtureText(MEMBER_LEAVE).replace('"rid-123"', '"leave-1"')
    expect((await hooks.receive({ query: signedQuery(MEMBER_LEAVE), body: leave })).status).to.equal(200)
    const invalid = memberEnterBody('enter-invalid').replace('"MemberList_Account": ["user1"],', '')
    expect((await hooks.receive({ query: signedQuery(MEMBER_ENTER), body: invalid })).status).to.equal(400)

    await waitFor('five failed callbacks', async () => (await countsOf(queue)).failed === 5)
    expect(errors.map((error) => error.reason)).to.include('HANDLER_FAILED')
    return {
      queue,
      queueName,
      handled,
      fix: () => {
        broken = false
      },
    }
  }

  it('lists each failed callback: command, SDKAppID, attempts, last error and age, refused bodies marked', async () => {
    const { queue, queueName } = await deadLetter()
    // One failed 3 minutes ago and one 5 hours ago: their job's finishedOn is when BullMQ failed them.
    const [latest, second] = (await queue.getFailed()).filter(
      (job) => job.name === MEMBER_ENTER && job.attemptsMade > 1,
    )
    const store = new Redis(redis.connection)
    redis.closeAfterTest(() => store.quit())
    await store.hset(`bull:${queueName}:${latest?.id}`, 'finishedOn', Date.now() - 3 * 60_000 - 5000)
    await store.hset(`bull:${queueName}:${second?.id}`, 'finishedOn', Date.now() - 5 * 60 * 60_000)

    const { code, stdout, stderr } = await roomhooks('failed', '--redis', redisUrl(), '--queue', queueName)
    expect([code, stderr]).to.deep.equal([0, ''])
    const lines = linesOf(stdout)
    expect(lines).to.have.length(6)
    expect(lines.at(-1)).to.equal(`5 failed callbacks in queue ${queueName} (1 refused)`)
    const failedLine = (command: string, attempts: string, age: string) =>
      new RegExp(`^${command}  ${SDK_APP_ID}  ${attempts}  failed ${age}  \\S.*: ${HANDLER_ERROR}$`)
    const rows = lines.slice(0, -1)
    expect(rows.filter((line) => failedLine(MEMBER_ENTER, '2 attempts', '\\d+s ago').test(line))).to.have.length(1)
    expect(rows.filter((line) => failedLine(MEMBER_ENTER, '2 attempts', '3m ago').test(line))).to.have.length(1)
    expect(rows.filter((line) => failedLine(MEMBER_ENTER, '2 attempts', '5h ago').test(line))).to.have.length(1)
    expect(rows.filter((line) => failedLine(MEMBER_LEAVE, '2 attempts', '\\d+s ago').test(line))).to.have.length(1)
    const refused = rows.filter((line) => line.includes('refused:'))
    expect(refused).to.have.length(1)
    expect(refused[0]).to.match(
      new RegExp(
        `^${MEMBER_ENTER}  ${SDK_APP_ID}  1 attempt   failed \\d+s ago  refused: .*payload is invalid at /MemberList_Account`,
      ),
    )
  })

  it('prints the FailedCallback objects with --json, and narrows the list with --command and --limit', async () => {
    const { queueName } = await deadLetter()
    const where = ['--redis', redisUrl(), '--queue', queueName]

    const json = await roomhooks('failed', ...where, '--json')
    expect(json.code).to.equal(0)
    const printed = JSON.parse(json.stdout) as FailedCallback[]
    expect(printed).to.deep.equal(await listFailedCallbacks({ connection: redis.connection, queueName }))
    expect(printed.map((callback) => [callback.command, callback.attempts, callback.refused]).sort()).to.deep.equal([
      [MEMBER_ENTER, 1, true],
      [MEMBER_ENTER, 2, false],
      [MEMBER_ENTER, 2, false],
      [MEMBER_ENTER, 2, false],
      [MEMBER_LEAVE, 2, false],
    ])
    for (const callback of printed.filter(({ refused }) => !refused)) {
      expect(callback.error).to.contain(HANDLER_ERROR)
      expect(callback).to.include({ sdkAppId: SDK_APP_ID })
      expect(callback.failedAt).to.be.within(Date.now() - 60_000, Date.now())
      expect(callback.receivedAt).to.be.at.most(callback.failedAt as number)
    }

    const leaving = await roomhooks('failed', ...where, '--command', MEMBER_LEAVE)
    expect(leaving.code).to.equal(0)
    const leavingLines = linesOf(leaving.stdout)
    expect(leavingLines).to.have.length(2)
    expect(leavingLines[0]).to.match(new RegExp(`^${MEMBER_LEAVE}  ${SDK_APP_ID}  2 attempts  failed `))
    expect(leavingLines[1]).to.equal(`1 failed callback of ${MEMBER_LEAVE} in queue ${queueName}`)
    // An event name stands for its command, as in roomhooks send.
    // (The age may have turned a second between the two runs.)
    const withoutAge = (stdout: string) => stdout.replace(/failed \d+s ago/g, 'failed …')
    const byEvent = await roomhooks('failed', ...where, '--command', 'member.leave')
    expect(withoutAge(byEvent.stdout)).to.equal(withoutAge(leaving.stdout))
    const entering = JSON.parse((await roomhooks('failed', ...where, '--command', MEMBER_ENTER, '--json')).stdout)
    expect(entering).to.have.length(4)

    const limited = await roomhooks('failed', ...where, '--limit', '2')
    const limitedLines = linesOf(limited.stdout)
    expect(limitedLines).to.have.length(3)
    expect(limitedLines[2]).to.equal(
      `2 failed callbacks in queue ${queueName}: the 2 most recent, raise --limit to see more`,
    )
    const mostRecent = printed.slice(0, 2).map(({ command }) => command)
    expect(limitedLines.slice(0, 2).map((line) => line.split(' ')[0])).to.deep.equal(mostRecent)
    const limitedJson = JSON.parse((await roomhooks('failed', ...where, '--limit', '2', '--json')).stdout)
    expect(limitedJson).to.deep.equal(printed.slice(0, 2))
    // A --limit that takes them all leaves nothing out.
    const exact = linesOf((await roomhooks('failed', ...where, '--limit', '5')).stdout)
    expect(exact).to.have.length(6)
    expect(exact.at(-1)).to.equal(`5 failed callbacks in queue ${queueName} (1 refused)`)
  })

  it('replays them once the handler is fixed, and the worker completes them; a refused body fails again', async () => {
    const { queue, queueName, handled, fix } = await deadLetter()
    const where = ['--redis', redisUrl(), '--queue', queueName]
    fix()

    const leave = await roomhooks('replay', ...where, '--command', 'member.leave')
    expect([leave.code, leave.stderr]).to.deep.equal([0, ''])
    const [leaveTitle, leaveLine, ...rest] = linesOf(leave.stdout)
    expect(leaveTitle).to.equal(`Replayed 1 failed callback of ${MEMBER_LEAVE} in queue ${queueName}:`)
    expect(leaveLine).to.match(
      new RegExp(`^↻ ${MEMBER_LEAVE}  ${SDK_APP_ID}  received \\d+s ago  id ${MEMBER_LEAVE}/${SDK_APP_ID}/[\\w-]{43}$`),
    )
    expect(rest).to.deep.equal([])
    await waitFor('the member.leave to complete', async () => (await countsOf(queue)).completed === 1)
    expect(handled).to.deep.equal(['leave-1'])
    expect(await countsOf(queue)).to.include({ failed: 4 })

    // The two most recent: the refused body may be one of them, and fails again at once.
    const two = await roomhooks('replay', ...where, '--limit', '2')
    const [twoTitle, ...twoLines] = linesOf(two.stdout)
    expect(twoTitle).to.equal(`Replayed 2 failed callbacks in queue ${queueName}:`)
    expect(twoLines).to.have.length(2)
    const refusedInTwo = twoLines.filter((line) => line.includes('refused body, id ')).length
    await waitFor('the two to run', async () => {
      const counts = await countsOf(queue)
      return counts.completed === 3 - refusedInTwo && counts.failed === 2 + refusedInTwo
    })

    const all = await roomhooks('replay', ...where)
    expect(all.code).to.equal(0)
    const [title, ...lines] = linesOf(all.stdout)
    expect(title).to.equal(`Replayed ${2 + refusedInTwo} failed callbacks in queue ${queueName}:`)
    expect(lines).to.have.length(2 + refusedInTwo)
    expect(lines.every((line) => line.startsWith(`↻ ${MEMBER_ENTER}  ${SDK_APP_ID}  received `))).to.equal(true)
    expect(lines.filter((line) => line.includes('refused body, id '))).to.have.length(1)

    await waitFor('the four to complete', async () => (await countsOf(queue)).completed === 4)
    await waitFor('the refused body to fail again', async () => (await countsOf(queue)).failed === 1)
    expect([...handled].sort()).to.deep.equal(['enter-1', 'enter-2', 'enter-3', 'leave-1'])
    const after = await roomhooks('failed', ...where)
    expect(linesOf(after.stdout)).to.have.length(2)
    expect(linesOf(after.stdout)[0]).to.contain('refused: ')
  })

  it('reads a queue under the key prefix it is given, as on a Redis Cluster (--prefix)', async () => {
    const prefix = '{roomhooks-test}'
    const { hooks, queue, queueName } = redis.queueReceiver({ prefix })
    hooks.on('member.enter', () => {
      throw new Error(HANDLER_ERROR)
    })
    const worker = createRoomWorker(hooks, { connection: redis.connection, queueName, prefix, attempts: 1 })
    redis.closeAfterTest(() => worker.close())
    await hooks.receive({ query: memberEnterQuery(), body: memberEnterBody('prefixed') })
    await waitFor('the job to fail', async () => (await countsOf(queue)).failed === 1)
    const where = ['--redis', redisUrl(), '--queue', queueName]
    expect((await roomhooks('failed', ...where)).stdout).to.equal(`No failed callbacks in queue ${queueName}.\n`)
    const listed = await roomhooks('failed', ...where, '--prefix', prefix)
    expect(linesOf(listed.stdout)).to.have.length(2)
    expect(linesOf(listed.stdout)[1]).to.equal(`1 failed callback in queue ${queueName}`)
    const replayed = await roomhooks('replay', ...where, '--prefix', prefix)
    expect(linesOf(replayed.stdout)[0]).to.equal(`Replayed 1 failed callback in queue ${queueName}:`)
  })

  it('hints at --queue when the default queue, taken for want of --queue, has no failed callbacks', async () => {
    const { code, stdout } = await roomhooks('failed', '--redis', redisUrl())
    expect([code, stdout]).to.deep.equal([0, `${EMPTY_DEFAULT_QUEUE}\n`])
  })

  it('writes the control characters of a failure (ESC, CR, BEL) escaped, so they cannot rewrite the terminal', async () => {
    const { hooks, queue, queueName } = redis.queueReceiver()
    // A handler error quoting a sender's RoomId: erase the line, go back to its start, and fake an empty dead letter.
    const forged = `\u001b[2K\rNo failed callbacks in queue roomhooks.\u0007\u009b`
    hooks.on('member.enter', (event) => {
      throw new Error(`room ${event.payload.RoomId} not found`)
    })
    const worker = createRoomWorker(hooks, { connection: redis.connection, queueName, attempts: 1 })
    redis.closeAfterTest(() => worker.close())
    await hooks.receive({ query: memberEnterQuery(), body: memberEnterBody(forged) })
    await waitFor('the job to fail', async () => (await countsOf(queue)).failed === 1)

    const where = ['--redis', redisUrl(), '--queue', queueName]
    const listed = await roomhooks('failed', ...where)
    expect(listed.code).to.equal(0)
    // Nothing below U+0020 but the line ends, nothing from U+007F to U+009F.
    const raw = [...listed.stdout].filter(
      (char) => char !== '\n' && (char < ' ' || (char >= '\u007f' && char <= '\u009f')),
    )
    expect(raw).to.deep.equal([])
    expect(linesOf(listed.stdout)[0]).to.match(
      /: room \\x1B\[2K\\x0DNo failed callbacks in queue roomhooks\.\\x07\\x9B not found$/,
    )
    const json = await roomhooks('failed', ...where, '--json')
    expect((JSON.parse(json.stdout) as FailedCallback[])[0]?.error).to.contain(`room ${forged} not found`)
  })

  it('skips failed jobs whose data is not JSON, says how many, and lists and replays the others', async () => {
    const { queue, queueName } = await deadLetter()
    const [corrupt] = await queue.getFailed(0, 0)
    const store = new Redis(redis.connection)
    redis.closeAfterTest(() => store.quit())
    await store.hset(`bull:${queueName}:${corrupt?.id}`, 'data', '{"version": 1, "command": ')
    const where = ['--redis', redisUrl(), '--queue', queueName]
    const skipped = `Skipped 1 failed job whose data is not JSON (not written by a receiver; remove with redis-cli): ${corrupt?.id}\n`

    const listed = await roomhooks('failed', ...where)
    expect([listed.code, listed.stderr]).to.deep.equal([0, skipped])
    expect(linesOf(listed.stdout).at(-1)).to.match(new RegExp(`^4 failed callbacks in queue ${queueName}`))
    const json = await roomhooks('failed', ...where, '--json')
    expect([json.code, json.stderr, (JSON.parse(json.stdout) as unknown[]).length]).to.deep.equal([0, skipped, 4])

    const replayed = await roomhooks('replay', ...where)
    expect([replayed.code, replayed.stderr]).to.deep.equal([0, skipped])
    expect(linesOf(replayed.stdout)[0]).to.equal(`Replayed 4 failed callbacks in queue ${queueName}:`)
    expect(await queue.getRanges(['failed'], 0, -1)).to.include(corrupt?.id) // left where it was
  })

  it('says so when the dead letter is empty', async () => {
    const queueName = freshQueueName()
    const failed = await roomhooks('failed', '--redis', redisUrl(), '--queue', queueName)
    expect([failed.code, failed.stdout]).to.deep.equal([0, `No failed callbacks in queue ${queueName}.\n`])
    expect((await roomhooks('failed', '--redis', redisUrl(), '--queue', queueName, '--json')).stdout).to.equal('[]\n')
    const replayed = await roomhooks('replay', '--redis', redisUrl(), '--queue', queueName, '--command', 'member.enter')
    expect([replayed.code, replayed.stdout]).to.deep.equal([
      0,
      `No failed callbacks of ${MEMBER_ENTER} in queue ${queueName}: nothing replayed.\n`,
    ])
  })

  it("prints Redis's answer when it refuses the client, and never the password of the URL", async () => {
    const admin = new Redis(redis.connection)
    redis.closeAfterTest(() => admin.quit())
    await admin.config('SET', 'requirepass', 'cli-test-password')
    redis.closeAfterTest(() => admin.config('SET', 'requirepass', ''))
    const refused = await roomhooks('failed', '--redis', redisUrl())
    expect([refused.code, refused.stdout]).to.deep.equal([1, ''])
    expect(refused.stderr).to.match(new RegExp(`^Redis at ${redisUrl()} answered: NOAUTH [^\\n]*\\n$`))
    const wrong = await roomhooks('failed', '--redis', `redis://:wrong-password@127.0.0.1:${redis.server.port}`)
    expect(wrong.code).to.equal(1)
    expect(wrong.stderr).to.match(new RegExp(`^Redis at ${redisUrl()} answered: WRONGPASS [^\\n]*\\n$`))
    expect(wrong.stderr).not.to.contain('wrong-password')
    const signedIn = await roomhooks('failed', '--redis', `redis://:cli-test-password@127.0.0.1:${redis.server.port}`)
    expect([signedIn.code, signedIn.stdout]).to.deep.equal([0, `${EMPTY_DEFAULT_QUEUE}\n`])
  })
})
