// The receiving side against a real redis-server: callbacks stored before the answer, one job per callback, the
// refused kept, before-callbacks never queued, Redis down handled inline. `npm run test:redis`.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import express from 'express'
import { Redis } from 'ioredis'
import type { RoomWebhooks } from '@roomhooks/core'
import type { StoredCallback } from '@roomhooks/core/delivery'
import { createExpressMiddleware } from '@roomhooks/express'
import { createQueueDelivery, createRoomWorker, listFailedCallbacks } from '@roomhooks/bullmq'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { listen, post } from '../../../test/support/http.js'
import { startRedisServer } from '../../../test/support/redis-server.js'
import {
  countsOf,
  freshQueueName,
  MEMBER_ENTER,
  memberEnterBody,
  memberEnterQuery,
  useRedisServer,
  waitFor,
} from './queue-support.js'

describe('createQueueDelivery() against redis-server', function () {
  this.timeout(30_000)
  const redis = useRedisServer()

  /** A receiver with a queue delivery, served by Express over a real socket, and the queue to look into. */
  async function receiver({ token, ...options }: { deliveryTimeout?: number; token?: string } = {}) {
    const { hooks, queue, queueName, errors } = redis.queueReceiver(options, token === undefined ? {} : { token })
    const server = await listen(createServer(express().post('/callback', createExpressMiddleware(hooks))))
    redis.closeAfterTest(() => server.close())
    const send = (query: string, body: string) => post(`${server.url}/callback?${query}`, body)
    return { hooks, queue, queueName, errors, server, send }
  }

  function worker(hooks: RoomWebhooks, queueName: string, options: { attempts?: number } = {}) {
    const { connection } = redis
    const running = createRoomWorker(hooks, {
      connection,
      queueName,
      backoff: { type: 'fixed', delay: 10 },
      ...options,
    })
    redis.closeAfterTest(() => running.close())
    return running
  }

  it('answers 200 once the callback is stored, as plain JSON with its raw body, under its key', async () => {
    const { queue, send, errors } = await receiver()
    const body = memberEnterBody('room-1')
    const answer = await send(memberEnterQuery(), body)
    expect(answer.status).to.equal(200)
    expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    const [job] = await queue.getWaiting()
    const stored = job?.data as StoredCallback
    expect(stored).to.include({ version: 1, command: MEMBER_ENTER, sdkAppId: SDK_APP_ID, clientIp: '203.0.113.7' })
    expect(stored.body).to.equal(body).and.to.include('"Operator_Account": 144115212345678901')
    expect(stored.receivedAt).to.be.within(Date.now() - 5000, Date.now())
    expect(job?.id).to.match(new RegExp(`^${MEMBER_ENTER}/${SDK_APP_ID}/[\\w-]{43}$`))
    expect(errors).to.deep.equal([])
  })

  it('sends the adds of callbacks enqueued together to Redis in one write, and stores each', async () => {
    const delivery = createQueueDelivery({ connection: redis.connection, queueName: freshQueueName() })
    redis.closeAfterTest(() => delivery.close())
    await delivery.queue.waitUntilReady()
    const socket = ((await delivery.queue.getBackend().client) as unknown as Redis).stream
    let writes = 0
    for (const method of ['_write', '_writev'] as const) {
      const original = (socket[method] as (...args: unknown[]) => void).bind(socket)
      socket[method] = (...args: unknown[]) => {
        writes++
        original(...args)
      }
    }
    const rooms = ['room-a', 'room-b', 'room-c']
    const ids = await Promise.all(
      rooms.map((room) => {
        const callback: StoredCallback = {
          version: 1,
          command: MEMBER_ENTER,
          sdkAppId: SDK_APP_ID,
          receivedAt: Date.now(),
          body: memberEnterBody(room),
        }
        return delivery.enqueue(callback, { key: `key-${room}`, signal: new AbortController().signal })
      }),
    )
    expect(ids).to.deep.equal(['key-room-a', 'key-room-b', 'key-room-c'])
    expect(writes).to.equal(1)
    const waiting = await delivery.queue.getWaiting()
    expect(waiting.map((job) => JSON.parse(job.data.body).RoomId as string).sort()).to.deep.equal(rooms)
  })

  it('makes one job of a callback delivered three times, and runs its handler once', async () => {
    const { hooks, queue, queueName, send } = await receiver()
    const runs: string[] = []
    hooks.on('member.enter', (event) => void runs.push(event.payload.RoomId))
    const body = memberEnterBody('room-once')
    for (let copy = 0; copy < 3; copy++) expect((await send(memberEnterQuery(), body)).status).to.equal(200)
    expect((await countsOf(queue)).waiting).to.equal(1)
    worker(hooks, queueName)
    await waitFor('the job to complete', async () => (await countsOf(queue)).completed === 1)
    // A fourth copy while the completed job is kept is still the same job.
    expect((await send(memberEnterQuery(), body)).status).to.equal(200)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(runs).to.deep.equal(['room-once'])
    expect(await countsOf(queue)).to.include({ completed: 1, waiting: 0, active: 0 })
  })

  it('never queues a before-callback: its handlers decide the answer in the request', async () => {
    const { hooks, queue, send } = await receiver()
    hooks.on('gift.beforeSend', (event) => event.reject('Gift too large'))
    const command = 'Live.CallbackBeforeSendGift'
    const answer = await send(callbackQuery({ command }), fixtureText(command))
    expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'Gift too large' })
    expect(Object.values(await countsOf(queue)).reduce((a, b) => a + b)).to.equal(0)
  })

  it('answers 400 to a signed body that fails its schema and keeps it as one failed job holding the body', async () => {
    const { hooks, queue, queueName, send } = await receiver({ token: TOKEN })
    const runs: unknown[] = []
    hooks.on('member.enter', (event) => void runs.push(event))
    const body = fixtureText(MEMBER_ENTER).replace('"MemberList_Account": ["user1"],', '')
    const answer = await send(callbackQuery({ command: MEMBER_ENTER, token: TOKEN }), body)
    expect(answer.status).to.equal(400)
    expect(answer.envelope.ErrorInfo).to.equal(
      `${MEMBER_ENTER} payload is invalid at /MemberList_Account: Expected required property`,
    )
    worker(hooks, queueName)
    await waitFor('the job to fail', async () => (await countsOf(queue)).failed === 1)
    const [failed] = await queue.getFailed()
    expect((failed?.data as StoredCallback).body).to.equal(body)
    expect((failed?.data as StoredCallback).refusal).to.deep.equal({
      reason: 'INVALID_PAYLOAD',
      message: `${MEMBER_ENTER} payload is invalid at /MemberList_Account: Expected required property`,
    })
    expect(failed?.attemptsMade).to.equal(1) // refused for good at once, not retried
    expect(runs).to.deep.equal([])
    const [listed] = await listFailedCallbacks({ connection: redis.connection, queueName })
    expect(listed).to.include({ command: MEMBER_ENTER, refused: true, attempts: 1 })
  })

  it('handles a callback in the process when Redis is slower than deliveryTimeout, and takes the late job back', async () => {
    const { hooks, queue, queueName, send, errors } = await receiver({ deliveryTimeout: 200 })
    const inline: string[] = []
    hooks.on('member.enter', (event) => void inline.push(event.payload.RoomId))
    await queue.waitUntilReady()
    const admin = new Redis(redis.connection)
    redis.closeAfterTest(async () => admin.disconnect())
    await admin.call('CLIENT', 'PAUSE', '700', 'ALL')
    const started = Date.now()
    const answer = await send(memberEnterQuery(), memberEnterBody('slow-redis'))
    expect(answer.status).to.equal(200)
    expect(Date.now() - started).to.be.below(650)
    expect(inline).to.deep.equal(['slow-redis'])
    expect(errors.map((error) => error.reason)).to.deep.equal(['DELIVERY_FAILED'])
    // Once Redis answers, the add lands, and the job is removed: the callback was handled already.
    const events = async () => (await admin.xrange(`bull:${queueName}:events`, '-', '+')).map(([, fields]) => fields[1])
    await waitFor('the late job to be taken back', async () => (await events()).includes('removed'))
    expect(await events()).to.deep.equal(['added', 'waiting', 'removed'])
    expect(await countsOf(queue)).to.include({ waiting: 0, active: 0, completed: 0 })
  })

  it('keeps a job stored late when the handlers failed in the process, for a worker to run', async () => {
    const { hooks, queue, queueName, send } = await receiver({ deliveryTimeout: 200 })
    hooks.on('member.enter', () => {
      throw new Error('database unavailable')
    })
    await queue.waitUntilReady()
    const admin = new Redis(redis.connection)
    redis.closeAfterTest(async () => admin.disconnect())
    await admin.call('CLIENT', 'PAUSE', '500', 'ALL')
    expect((await send(memberEnterQuery(), memberEnterBody('failed-here'))).status).to.equal(500)
    const events = async () => (await admin.xrange(`bull:${queueName}:events`, '-', '+')).map(([, fields]) => fields[1])
    await waitFor('the late job to land', async () => (await events()).includes('added'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await events()).to.deep.equal(['added', 'waiting'])
    expect((await countsOf(queue)).waiting).to.equal(1)
  })

  it("never takes back an earlier copy's job when a copy stored late was handled in the process", async () => {
    const { hooks, queue, send } = await receiver({ deliveryTimeout: 200 })
    const inline: number[] = []
    hooks.on('member.enter', (event) => void inline.push(event.receivedAt))
    const body = memberEnterBody('copied')
    expect((await send(memberEnterQuery(), body)).status).to.equal(200) // queued; no worker runs it yet
    const [first] = await queue.getWaiting()
    const admin = new Redis(redis.connection)
    redis.closeAfterTest(async () => admin.disconnect())
    await admin.call('CLIENT', 'PAUSE', '500', 'ALL')
    expect((await send(memberEnterQuery(), body)).status).to.equal(200) // handled here, successfully
    expect(inline).to.have.length(1)
    await new Promise((resolve) => setTimeout(resolve, 700))
    const waiting = await queue.getWaiting()
    expect(waiting.map((job) => (job.data as StoredCallback).receivedAt)).to.deep.equal([
      (first?.data as StoredCallback).receivedAt,
    ])
  })

  it('handles callbacks in the process while Redis is down at start-up, and adds none of them later', async () => {
    await redis.server.stop()
    const { hooks, queue, send, errors } = await receiver({ deliveryTimeout: 200 })
    const inline: string[] = []
    hooks.on('member.enter', (event) => void inline.push(event.payload.RoomId))
    const rooms = ['cold-1', 'cold-2', 'cold-3']
    for (const room of rooms) expect((await send(memberEnterQuery(), memberEnterBody(room))).status).to.equal(200)
    expect(inline).to.deep.equal(rooms)
    expect(errors.map((error) => error.reason)).to.deep.equal(['DELIVERY_FAILED', 'DELIVERY_FAILED', 'DELIVERY_FAILED'])
    expect((errors[0]?.cause as Error).message).to.equal(`Redis was not reached within 200 ms (queue ${queue.name})`)

    await redis.server.start()
    await waitFor('the queue to take callbacks again', async () => {
      await send(memberEnterQuery(), memberEnterBody(`warm-${Date.now()}`))
      return (await countsOf(queue).catch(() => ({ waiting: 0 }))).waiting > 0
    })
    const queued = (await queue.getWaiting()).map(
      (job) => (JSON.parse((job.data as StoredCallback).body) as { RoomId: string }).RoomId,
    )
    expect(queued.filter((room) => room.startsWith('cold-'))).to.deep.equal([])
  })

  it('handles callbacks in the process while Redis is down, tells onError, and queues again once it is back', async function () {
    const { hooks, queue, send, errors } = await receiver({ deliveryTimeout: 300 })
    const inline: string[] = []
    hooks.on('member.enter', (event) => void inline.push(event.payload.RoomId))
    expect((await send(memberEnterQuery(), memberEnterBody('before'))).status).to.equal(200)
    expect(inline).to.deep.equal([])

    await redis.server.stop()
    const started = Date.now()
    const answers = await Promise.all(
      ['down-1', 'down-2', 'down-3'].map((room) => send(memberEnterQuery(), memberEnterBody(room))),
    )
    expect(Date.now() - started).to.be.below(2000)
    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200])
    expect(inline.sort()).to.deep.equal(['down-1', 'down-2', 'down-3'])
    expect(errors.map((error) => error.reason)).to.deep.equal(['DELIVERY_FAILED', 'DELIVERY_FAILED', 'DELIVERY_FAILED'])
    expect(errors[0]?.message).to.equal(
      `[@roomhooks/core] The delivery of ${MEMBER_ENTER} failed or was slow; the callback was handled in this process`,
    )

    await redis.server.start()
    await waitFor('the queue to take callbacks again', async () => {
      await send(memberEnterQuery(), memberEnterBody(`after-${Date.now()}`))
      return (await countsOf(queue).catch(() => ({ waiting: 0 }))).waiting > 0
    })
    const handledInline = inline.length
    expect((await send(memberEnterQuery(), memberEnterBody('after'))).status).to.equal(200)
    expect(inline.length).to.equal(handledInline)
  })
  it('lets the process end after hooks.close() while Redis hangs (stopped, its connections open)', async function () {
    this.timeout(45_000) // a child process to start, on a machine that may be busy
    const hung = await startRedisServer() // a server of its own, stopped by this test
    const admin = new Redis({ host: '127.0.0.1', port: hung.port })
    const pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1])
    admin.disconnect()
    redis.closeAfterTest(async () => {
      process.kill(pid, 'SIGCONT')
      await hung.stop()
    })
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./processes/closing-receiver.ts', import.meta.url)),
        String(hung.port),
        '1000',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    redis.closeAfterTest(async () => void child.kill('SIGKILL'))
    const lines: string[] = []
    child.stdout.on('data', (chunk: Buffer) => lines.push(...String(chunk).trim().split('\n')))
    await waitFor('the receiver to connect', () => lines.includes('ready'), 20_000)
    // As a network partition does: Redis answers nothing, and no connection is closed.
    process.kill(pid, 'SIGSTOP')
    child.stdin.end('close\n')
    await waitFor('hooks.close() to resolve', () => lines.includes('closed'))
    const exited = once(child, 'exit')
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8000, 'still running'))])
    expect(code).to.deep.equal([0, null])
  })

  it('lets the process end after hooks.close() while Redis is gone', async () => {
    const gone = await startRedisServer() // a server of its own, stopped by this test
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./processes/closing-receiver.ts', import.meta.url)),
        String(gone.port),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    redis.closeAfterTest(async () => void child.kill('SIGKILL'))
    const lines: string[] = []
    child.stdout.on('data', (chunk: Buffer) => lines.push(...String(chunk).trim().split('\n')))
    await waitFor('the receiver to connect', () => lines.includes('ready'))
    await gone.stop()
    child.stdin.end('close\n')
    await waitFor('hooks.close() to resolve', () => lines.includes('closed'))
    const exited = once(child, 'exit')
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8000, 'still running'))])
    expect(code).to.deep.equal([0, null])
  })
})
