// Callbacks that arrive while Redis stalls against a real redis-server, stopped with SIGSTOP for 1.5 s under load:
// those handled in the receiving process (the add was slow) are not run again by a worker once Redis is back.
// `npm run test:redis`.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { expect } from 'chai'
import { Redis } from 'ioredis'
import { countsOf, memberEnterBody, memberEnterQuery, useRedisServer, waitFor } from './queue-support.js'

const CALLBACKS = 150
const STALL = 1500

describe('a Redis stall under load, against redis-server', function () {
  this.timeout(60_000)
  const redis = useRedisServer()

  it('runs under 5 % of the callbacks handled in the process a second time in a worker', async () => {
    const { hooks, queue, queueName, errors } = redis.queueReceiver()
    const runs = new Map<string, number>()
    hooks.on('member.enter', (event) => void runs.set(event.payload.RoomId, (runs.get(event.payload.RoomId) ?? 0) + 1))
    // The worker in a process of its own, as in production: it takes jobs while this process answers.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./processes/counting-worker.ts', import.meta.url).pathname,
        String(redis.server.port),
        queueName,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    redis.closeAfterTest(async () => {
      child.kill('SIGKILL')
      if (child.exitCode === null) await once(child, 'exit')
    })
    const lines = createInterface({ input: child.stdout })
    const ready = new Promise<void>((resolve) =>
      lines.on('line', (line) => {
        if (line === 'ready') resolve()
        else {
          const room = line.slice('ran '.length)
          runs.set(room, (runs.get(room) ?? 0) + 1)
        }
      }),
    )
    await Promise.all([queue.waitUntilReady(), ready])
    const admin = new Redis(redis.connection)
    redis.closeAfterTest(async () => admin.disconnect())
    const pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1])

    // 150 callbacks over 1.2 s, Redis stopped from 0.1 s to 1.6 s.
    const answers: Promise<{ status: number }>[] = []
    const sending = (async () => {
      for (let i = 0; i < CALLBACKS; i++) {
        answers.push(hooks.receive({ query: memberEnterQuery(), body: memberEnterBody(`stall-${i}`) }))
        await new Promise((resolve) => setTimeout(resolve, 1200 / CALLBACKS))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 100))
    process.kill(pid, 'SIGSTOP')
    await new Promise((resolve) => setTimeout(resolve, STALL))
    process.kill(pid, 'SIGCONT')
    await sending
    expect((await Promise.all(answers)).map((answer) => answer.status)).to.deep.equal(Array(CALLBACKS).fill(200))

    await waitFor('every callback to be handled', () => runs.size === CALLBACKS, 20_000)
    await waitFor('the queue to be drained', async () => {
      const counts = await countsOf(queue)
      return (counts['waiting'] ?? 0) + (counts['active'] ?? 0) + (counts['delayed'] ?? 0) === 0
    })
    await new Promise((resolve) => setTimeout(resolve, 500))
    const handledHere = errors.filter((error) => error.reason === 'DELIVERY_FAILED').length
    const twice = [...runs.values()].filter((count) => count > 1).length
    expect(handledHere).to.be.above(20) // the stall did make the adds slow
    expect(twice / handledHere, `${twice} of the ${handledHere} handled in the process ran twice`).to.be.below(0.05)
  })
})
