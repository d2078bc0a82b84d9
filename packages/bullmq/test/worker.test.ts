// The worker side against a real redis-server: the same handlers and events as inline, retries with backoff, the
// dead letter, recovery of a job whose worker was killed, a clean close. `npm run test:redis`.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { expect } from 'chai'
import express from 'express'
import { createRoomWebhooks, HandlerError, type AnyCallbackEvent, type RoomWebhooks } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createRoomWorker, listFailedCallbacks, replayFailedCallbacks, type RoomWorkerOptions } from '@roomhooks/bullmq'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post } from '../../../test/support/http.js'
import { freePort } from '../../../test/support/redis-server.js'
import { countsOf, memberEnterBody, memberEnterQuery, useRedisServer, waitFor } from './queue-support.js'

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

  it('loses nothing when a worker process is killed mid-job: another worker takes the job again', async () => {
    const { hooks, queue, queueName, receive } = setup()
    await receive(memberEnterBody('killed'))
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

    const rooms: string[] = []
    hooks.on('member.enter', (event) => void rooms.push(event.payload.RoomId))
    worker(hooks, { queueName, stalledInterval: 300 })
    await waitFor('the job to complete', async () => (await countsOf(queue)).completed === 1, 15_000)
    expect(rooms).to.deep.equal(['killed'])
    expect(await countsOf(queue)).to.include({ waiting: 0, active: 0, failed: 0, delayed: 0 })
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
