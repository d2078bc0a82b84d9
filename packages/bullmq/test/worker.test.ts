// The worker side against a real redis-server: the same handlers and events as inline, retries with backoff, the
// dead letter, recovery of a job whose worker was killed, a clean close. `npm run test:redis`.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { expect } from 'chai'
import type { Queue } from 'bullmq'
import express from 'express'
import { Redis } from 'ioredis'
import { createRoomWebhooks, HandlerError, type AnyCallbackEvent, type RoomWebhooks } from '@roomhooks/core'
import type { StoredCallback } from '@roomhooks/core/delivery'
import { createExpressMiddleware } from '@roomhooks/express'
import { createRoomWorker, listFailedCallbacks, replayFailedCallbacks, type RoomWorkerOptions } from '@roomhooks/bullmq'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post } from '../../../test/support/http.js'
import { freePort } from '../../../test/support/redis-server.js'
import { countsOf, MEMBER_ENTER, memberEnterBody, memberEnterQuery, useRedisServer, waitFor } from './queue-support.js'

describe('createRoomWorker() against redis-server', function () {
  this.timeout(60_000)
  const redis = useRedisServer()

  /** A receiver with a queue delivery, its queue, what its onError heard, and a member.enter sender. */
  function setup() {
    const receiver = redis.queueReceiver()
    const receive = (body: string) => receiver.hooks.receive({ query: memberEnterQuery(), body })
    return { ...receiver, receive }
  }

  function worker(hooks: RoomWebhooks, options: Omit<RoomWorkerOptions, 'connection'> & { queueName: string }) {
    const { connection } = redis
    const running = createRoomWorker(hooks, { connection, backoff: { type: 'fixed', delay: 10 }, ...options })
    redis.closeAfterTest(() => running.close())
    return running
  }

  it('runs 1,000 callbacks received through Express with no worker running, each exactly once, IDs exact', async () => {
    const { hooks, queue, queueName } = setup()
    const server = await listen(createServer(express().post('/callback', createExpressMiddleware(hooks))))
    redis.closeAfterTest(() => server.close())
    const rooms = Array.from({ length: 1000 }, (_, i) => `room-${i}`)
    const statuses: number[] = []
    for (let i = 0; i < rooms.length; i += 25) {
      const batch = rooms.slice(i, i + 25)
      const answers = await Promise.all(
        batch.map((room) => post(`${server.url}/callback?${memberEnterQuery()}`, memberEnterBody(room))),
      )
      statuses.push(...answers.map((answer) => answer.status))
    }
    expect(statuses.filter((status) => status === 200)).to.have.length(1000)
    expect((await countsOf(queue)).waiting).to.equal(1000)

    const runs = new Map<string, number>()
    const operators = new Set<unknown>()
    hooks.on('member.enter', (event) => {
      runs.set(event.payload.RoomId, (runs.get(event.payload.RoomId) ?? 0) + 1)
      operators.add(event.payload.Operator_Account)
    })
    worker(hooks, { queueName, concurrency: 20 })
    await waitFor('1,000 jobs to complete', async () => (await countsOf(queue)).completed === 1000, 30_000)
    expect([...runs.keys()].sort()).to.deep.equal([...rooms].sort())
    expect([...runs.values()].every((count) => count === 1)).to.equal(true)
    expect([...operators]).to.deep.equal(['144115212345678901'])
    expect(await countsOf(queue)).to.include({ waiting: 0, active: 0, failed: 0, delayed: 0 })
  })

  it('gives handlers the event they get inline, with the attempt', async () => {
    const inline = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
    let inlineEvent: AnyCallbackEvent | undefined
    inline.onAny((event) => void (inlineEvent = event))
    const body = memberEnterBody('same-event')
    await inline.receive({ query: memberEnterQuery(), body })

    const { hooks, queue, queueName, receive } = setup()
    let queuedEvent: AnyCallbackEvent | undefined
    hooks.onAny((event) => void (queuedEvent = event))
    await receive(body)
    const [job] = await queue.getWaiting()
    worker(hooks, { queueName })
    await waitFor('the job to complete', async () => (await countsOf(queue)).completed === 1)

    expect(queuedEvent).to.deep.equal({ ...inlineEvent, receivedAt: job?.data.receivedAt, attempt: 1 })
    expect((queuedEvent?.payload as { Operator_Account?: unknown }).Operator_Account).to.equal('144115212345678901')
  })

  it('retries a failing handler with backoff and completes it on attempt 3, telling onError of each failure', async () => {
    const { hooks, queue, queueName, errors, receive } = setup()
    const attempts: { attempt: number; at: number }[] = []
    hooks.on('member.enter', (event) => {
      attempts.push({ attempt: event.attempt, at: Date.now() })
      if (event.attempt < 3) throw new Error(`database unavailable (attempt ${event.attempt})`)
    })
    await receive(memberEnterBody('flaky'))
    worker(hooks, { queueName, attempts: 5, backoff: { type: 'fixed', delay: 200 } })
    await waitFor('the job to complete', async () => (await countsOf(queue)).completed === 1)
    expect(attempts.map((run) => run.attempt)).to.deep.equal([1, 2, 3])
    expect(attempts[1]!.at - attempts[0]!.at).to.be.at.least(190)
    expect(attempts[2]!.at - attempts[1]!.at).to.be.at.least(190)
    expect(errors).to.have.length(2)
    expect(errors.every((error) => error instanceof HandlerError)).to.equal(true)
    expect((errors[1] as HandlerError).event.attempt).to.equal(2)
    expect(((errors[1] as HandlerError).errors[0] as Error).message).to.equal('database unavailable (attempt 2)')
  })

  it('keeps a callback whose handler always fails in the failed set after the last attempt, with every error', async () => {
    const { hooks, queue, queueName, errors, receive } = setup()
    let runs = 0
    hooks.on('member.enter', () => {
      runs++
      throw new Error(`database unavailable (run ${runs})`)
    })
    await receive(memberEnterBody('doomed'))
    const running = worker(hooks, { queueName, attempts: 3 })
    await waitFor('the job to fail', async () => (await countsOf(queue)).failed === 1)
    const [job] = await queue.getFailed()
    expect(runs).to.equal(3)
    expect(job?.attemptsMade).to.equal(3)
    expect(job?.failedReason).to.equal(
      'A handler for Room.CallbackAfterMemberEnter failed: database unavailable (run 3)',
    )
    expect(job?.stacktrace).to.have.length(3)
    expect(job?.stacktrace?.[0]).to.match(/^Error: database unavailable \(run 1\)/)
    expect(errors).to.have.length(3)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(runs).to.equal(3) // not tried again

    await running.close()
    const [replayed] = await replayFailedCallbacks({ connection: redis.connection, queueName })
    expect(replayed).to.include({
      command: 'Room.CallbackAfterMemberEnter',
      attempts: 3,
      error: 'A handler for Room.CallbackAfterMemberEnter failed: database unavailable (run 3)',
    })
    const [waiting] = await queue.getWaiting()
    expect(waiting?.attemptsMade).to.equal(0)
  })

  it('fails the attempt when handlers run past handlerTimeout', async () => {
    const { hooks, queue, queueName, errors, receive } = setup()
    hooks.on('member.enter', async (event) => {
      if (event.attempt === 1) await new Promise((resolve) => setTimeout(resolve, 500))
    })
    await receive(memberEnterBody('slow'))
    worker(hooks, { queueName, handlerTimeout: 100 })
    await waitFor('the job to complete', async () => (await countsOf(queue)).completed === 1)
    expect(errors.map((error) => error.reason)).to.deep.equal(['HANDLER_TIMEOUT'])
    expect(errors[0]?.message).to.equal(
      '[@roomhooks/core] Handlers for Room.CallbackAfterMemberEnter did not finish within 100 ms (attempt 1)',
    )
  })

  it('never runs more handler runs at once than its concurrency, counting those still running past handlerTimeout', async () => {
    const { hooks, queue, queueName, receive } = setup()
    let running = 0
    let most = 0
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    hooks.on('member.enter', async () => {
      most = Math.max(most, ++running)
      await released // a downstream that hangs until the test ends
      running--
    })
    for (let i = 0; i < 5; i++) await receive(memberEnterBody(`hung-${i}`))
    worker(hooks, { queueName, concurrency: 1, attempts: 3, handlerTimeout: 200 })
    redis.closeAfterTest(async () => release()) // before the worker's close(), which waits for the runs
    await waitFor('every job to fail', async () => (await countsOf(queue)).failed === 5, 20_000)
    expect(most).to.equal(1)
    const errors = (await queue.getFailed()).flatMap((job) =>
      (job.stacktrace ?? []).map((stack) => stack.split('\n')[0]),
    )
    expect(errors).to.have.length(15)
    expect(errors).to.include(
      'Error: Handlers for Room.CallbackAfterMemberEnter did not finish within 200 ms (attempt 1)',
    )
    const waited = errors.filter((error) => / are still running past handlerTimeout$/.test(error ?? ''))
    expect(waited).to.have.length(14)
  })

  it('runs as many callbacks at once as its concurrency once it is raised at run time (worker.concurrency = n)', async () => {
    const { hooks, queue, queueName, receive } = setup()
    let running = 0
    let most = 0
    hooks.on('member.enter', async () => {
      most = Math.max(most, ++running)
      await new Promise((resolve) => setTimeout(resolve, 300))
      running--
    })
    const raised = worker(hooks, { queueName, concurrency: 1, attempts: 1, handlerTimeout: 500, autorun: false })
    raised.concurrency = 5 // BullMQ's way to change a worker's concurrency while it runs
    for (let i = 0; i < 5; i++) await receive(memberEnterBody(`raised-${i}`))
    void raised.run()
    await waitFor('every job to end', async () => {
      const counts = await countsOf(queue)
      return (counts['completed'] ?? 0) + (counts['failed'] ?? 0) === 5
    })
    expect(await countsOf(queue)).to.include({ completed: 5, failed: 0 })
    expect(most).to.equal(5)
  })

  it('waits on close() for handlers still running after their attempt failed at handlerTimeout', async () => {
    const { hooks, queue, queueName, receive } = setup()
    let release: () => void = () => {}
    let ended = false
    hooks.on('member.enter', async () => {
      await new Promise<void>((resolve) => (release = resolve))
      ended = true
    })
    await receive(memberEnterBody('late'))
    const running = worker(hooks, { queueName, attempts: 1, handlerTimeout: 100 })
    await waitFor('the attempt to fail', async () => (await countsOf(queue)).failed === 1)
    let closed = false
    const closing = running.close().then(() => (closed = true))
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(closed).to.equal(false)
    release()
    await closing
    expect(ended).to.equal(true)
  })

  /** Starts a worker process that takes the queue's job and never finishes it, and kills it (SIGKILL) mid-job. */
  async function killWorkerMidJob(queue: Queue, queueName: string): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./processes/stalling-worker.ts', import.meta.url).pathname,
        String(redis.server.port),
        queueName,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const started = new Promise<string>((resolve) => child.stdout.on('data', (chunk: Buffer) => resolve(String(chunk))))
    expect((await started).trim()).to.equal('started 1')
    expect((await countsOf(queue)).active).to.equal(1)
    child.kill('SIGKILL')
    await once(child, 'exit')
  }

  it('loses nothing when a worker process is killed mid-job: another worker takes the job again', async () => {
    const { hooks, queue, queueName, receive } = setup()
    await receive(memberEnterBody('killed'))
    await killWorkerMidJob(queue, queueName)

    const rooms: string[] = []
    hooks.on('member.enter', (event) => void rooms.push(event.payload.RoomId))
    worker(hooks, { queueName, stalledInterval: 300 })
    await waitFor('the job to complete', async () => (await countsOf(queue)).completed === 1, 15_000)
    expect(rooms).to.deep.equal(['killed'])
    expect(await countsOf(queue)).to.include({ waiting: 0, active: 0, failed: 0, delayed: 0 })
  })

  it('counts a run cut short by a killed worker as an attempt: the run after it is attempt 2', async () => {
    const { hooks, queue, queueName, receive } = setup()
    await receive(memberEnterBody('killed'))
    await killWorkerMidJob(queue, queueName)

    const attempts: number[] = []
    hooks.on('member.enter', (event) => void attempts.push(event.attempt))
    worker(hooks, { queueName, stalledInterval: 300 })
    await waitFor('the job to complete', async () => (await countsOf(queue)).completed === 1, 15_000)
    expect(attempts).to.deep.equal([2])
  })

  it("refuses another app's callbacks on a shared queue, and records forged with a foreign SdkAppID or an unknown command, running no handler", async () => {
    const { queue, queueName, receive } = setup() // app A: SDK_APP_ID
    const appB = createRoomWebhooks({ sdkAppId: 1400000999, token: 'app-b-token', log: { warn() {}, error() {} } })
    const runs: string[] = []
    const errors: string[] = []
    appB.onAny((event) => void runs.push(event.command)).onError((error) => void errors.push(error.reason))
    redis.closeAfterTest(async () => appB.close())
    await receive(memberEnterBody('app-a'))
    const record = (await queue.getWaiting())[0]?.data as StoredCallback
    await queue.add(MEMBER_ENTER, { ...record, sdkAppId: 1400000001 }, { jobId: 'forged-app' })
    const unknown = { ...record, sdkAppId: 1400000999, command: 'Room.CallbackAfterSomethingNew' }
    const unknownBody = JSON.parse(record.body) as Record<string, unknown>
    await queue.add('Room.CallbackAfterSomethingNew', {
      ...unknown,
      body: JSON.stringify({ ...unknownBody, CallbackCommand: 'Room.CallbackAfterSomethingNew' }),
    })
    worker(appB, { queueName, attempts: 5 })
    await waitFor('every job to fail', async () => (await countsOf(queue)).failed === 3)
    const failed = await queue.getFailed()
    expect(runs).to.deep.equal([])
    expect(failed.map((job) => job.attemptsMade)).to.deep.equal([1, 1, 1])
    expect(failed.map((job) => job.failedReason).sort()).to.deep.equal([
      'Room.CallbackAfterSomethingNew is not an after-callback this version knows: a receiver handles such commands itself and never queues them',
      `The stored callback is for SdkAppid ${SDK_APP_ID}, which this receiver does not accept: give each app a queue of its own`,
      'The stored callback is for SdkAppid 1400000001, which this receiver does not accept: give each app a queue of its own',
    ])
    expect(errors.sort()).to.deep.equal(['UNKNOWN_SDKAPPID', 'UNKNOWN_SDKAPPID', 'UNREADABLE_CALLBACK'])
  })

  it('fails a job whose stored data is not JSON, telling onError, rather than leaving it active', async () => {
    const { hooks, queue, queueName, errors, receive } = setup()
    const runs: string[] = []
    hooks.on('member.enter', (event) => void runs.push(event.payload.RoomId))
    await receive(memberEnterBody('corrupt'))
    const [job] = await queue.getWaiting()
    const store = new Redis(redis.connection)
    redis.closeAfterTest(() => store.quit())
    await store.hset(`bull:${queueName}:${job?.id}`, 'data', '{"version": 1, "command": ')
    worker(hooks, { queueName, lockDuration: 1000, stalledInterval: 300 })
    await waitFor('the job to fail', async () => (await countsOf(queue)).failed === 1, 5000)
    expect(await countsOf(queue)).to.include({ active: 0, waiting: 0, failed: 1 })
    const reason = await store.hget(`bull:${queueName}:${job?.id}`, 'failedReason')
    expect(reason).to.match(
      new RegExp(
        `^Job ${job?.id} of queue ${queueName} holds data that is not JSON \\(.+\\): no receiver wrote it; remove it$`,
      ),
    )
    expect(errors.map((error) => error.reason)).to.deep.equal(['UNREADABLE_CALLBACK'])
    expect(runs).to.deep.equal([])
  })

  it('lists and replays the failed set around a job that cannot be read, telling of it', async () => {
    const { hooks, queue, queueName, receive } = setup()
    hooks.on('member.enter', () => {
      throw new Error('database down')
    })
    for (const room of ['first', 'second']) await receive(memberEnterBody(room))
    const running = worker(hooks, { queueName, attempts: 1 })
    await waitFor('both jobs to fail', async () => (await countsOf(queue)).failed === 2)
    await running.close()
    const [corrupt] = await queue.getRanges(['failed'], 0, 0)
    const store = new Redis(redis.connection)
    redis.closeAfterTest(() => store.quit())
    await store.hset(`bull:${queueName}:${corrupt}`, 'data', 'not json')

    const unreadable: string[] = []
    const filter = { connection: redis.connection, queueName, onUnreadable: (id: string) => void unreadable.push(id) }
    expect(await listFailedCallbacks(filter)).to.have.length(1)
    expect(await replayFailedCallbacks(filter)).to.have.length(1)
    expect(unreadable).to.deep.equal([corrupt, corrupt])
    expect(await queue.getRanges(['failed'], 0, -1)).to.deep.equal([corrupt])
  })

  it('replays the rest of the failed set when a failed job is removed or run again meanwhile', async () => {
    const { hooks, queue, queueName, receive } = setup()
    hooks.on('member.enter', () => {
      throw new Error('database down')
    })
    const rooms = Array.from({ length: 600 }, (_, i) => `room-${i}`)
    for (let i = 0; i < rooms.length; i += 50)
      await Promise.all(rooms.slice(i, i + 50).map((room) => receive(memberEnterBody(room))))
    const running = worker(hooks, { queueName, attempts: 1, concurrency: 50 })
    await waitFor('every job to fail', async () => (await countsOf(queue)).failed === rooms.length, 20_000)
    await running.close()
    const failed = await queue.getRanges(['failed'], 0, -1) // the most recent first, as replayed
    const [removed, retried] = [failed.at(-1) as string, failed.at(-2) as string]

    // Once the replay has begun putting jobs back, two of those it listed leave the failed set on their own: one
    // removed (a receiver's bound, a dashboard), one run again (a copy of the callback delivered meanwhile).
    const replaying = replayFailedCallbacks({ connection: redis.connection, queueName, limit: rooms.length })
    await waitFor('the replay to begin', async () => ((await countsOf(queue))['waiting'] ?? 0) > 0)
    expect(await queue.remove(removed)).to.equal(1)
    await (await queue.getJob(retried))?.retry('failed')
    const replayed = await replaying
    expect(replayed.map((callback) => callback.id)).to.have.members(failed.slice(0, -2))
    expect((await countsOf(queue)).waiting).to.equal(rooms.length - 1)
    expect((await countsOf(queue)).failed).to.equal(0)
  })

  it('lists and replays nothing, rejecting at once, when Redis cannot be reached', async () => {
    const unreachable = { connection: { host: '127.0.0.1', port: await freePort() } }
    const started = Date.now()
    const failure = (answer: Promise<unknown>) =>
      answer.then(
        () => undefined,
        (error: Error) => error,
      )
    expect((await failure(listFailedCallbacks(unreachable)))?.message).to.match(/ECONNREFUSED/)
    expect((await failure(replayFailedCallbacks(unreachable)))?.message).to.match(/ECONNREFUSED/)
    expect(Date.now() - started).to.be.below(5000)
  })

  it('finishes the job it runs on close() and takes no new one', async () => {
    const { hooks, queue, queueName, receive } = setup()
    let release: () => void = () => {}
    const finished: string[] = []
    hooks.on('member.enter', async (event) => {
      if (event.payload.RoomId === 'first') await new Promise<void>((resolve) => (release = resolve))
      finished.push(event.payload.RoomId)
    })
    await receive(memberEnterBody('first'))
    const running = worker(hooks, { queueName, concurrency: 1 })
    await waitFor('the job to start', async () => (await countsOf(queue)).active === 1)
    await receive(memberEnterBody('second'))
    const closed = running.close()
    setTimeout(() => release(), 100)
    await closed
    expect(finished).to.deep.equal(['first'])
    expect(await countsOf(queue)).to.include({ completed: 1, waiting: 1, active: 0 })
  })
})
