import { AsyncLocalStorage } from 'node:async_hooks'
import { expect } from 'chai'
import {
  createMemoryDedupeStore,
  createRoomWebhooks,
  HandlerError,
  type CallbackAnswer,
  type CallbackDelivery,
  type CallbackObservation,
  type CallbackParameters,
  type CallbackStart,
  type RoomWebhooksOptions,
  type StoredCallback,
} from '@roomhooks/core'
import { runStoredCallback } from '@roomhooks/core/delivery'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const GIFT = 'Live.CallbackBeforeSendGift'
const quiet = { warn: () => {}, error: () => {} }

/** Every call an observer got, in order, with what it was given. */
type Call =
  | { readonly step: 'observe'; readonly start: CallbackStart }
  | { readonly step: 'read'; readonly command: string }
  | { readonly step: 'runHandlers' }
  | { readonly step: 'error'; readonly reason: string }
  | { readonly step: 'answered'; readonly answer: CallbackAnswer }
  | { readonly step: 'ended' }

/** A receiver with one observer that records every call (and carries `carried`), the handlers left to the test. */
function observed(options: Partial<RoomWebhooksOptions> = {}, carried?: Record<string, string>) {
  const calls: Call[] = []
  let endWatch!: () => void
  const ended = new Promise<void>((resolve) => (endWatch = resolve))
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, ...options }).observe({
    observe: (start) => {
      calls.push({ step: 'observe', start })
      return {
        read: (event) => void calls.push({ step: 'read', command: event.command }),
        runHandlers: (handlers) => {
          calls.push({ step: 'runHandlers' })
          return handlers()
        },
        error: (error) => void calls.push({ step: 'error', reason: error.reason }),
        ...(carried && { carry: () => carried }),
        answered: (answer) => void calls.push({ step: 'answered', answer }),
        ended: () => {
          calls.push({ step: 'ended' })
          endWatch()
        },
      }
    },
  })
  return { hooks, calls, ended }
}

const steps = (calls: readonly Call[]) => calls.map((call) => call.step)
const answerOf = (calls: readonly Call[]) =>
  (calls.find((call) => call.step === 'answered') as { answer: CallbackAnswer } | undefined)?.answer

const request = (command: string, token?: string) => ({
  query: callbackQuery({ command, ...(token && { token }) }),
  body: fixtureText(command),
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('hooks.observe()', () => {
  it('follows an accepted callback from its arrival to its end, in order, with its timings', async () => {
    const { hooks, calls, ended } = observed()
    hooks.on('room.created', () => sleep(30))
    const response = await hooks.receive(request(CREATED))
    await ended
    expect(response.status).to.equal(200)
    expect(steps(calls)).to.deep.equal(['observe', 'read', 'runHandlers', 'answered', 'ended'])
    expect(calls[0]).to.deep.equal({ step: 'observe', start: { source: 'receiver', attempt: 1, carried: undefined } })
    expect(calls[1]).to.deep.equal({ step: 'read', command: CREATED })
    const answer = answerOf(calls)!
    expect(answer).to.deep.include({ outcome: 'ok', status: 200, errorCode: 0, reason: undefined })
    const { verification, handlers, total } = answer.durations
    expect(verification).to.be.a('number').at.least(0).and.below(total)
    expect(handlers).to.be.at.least(25)
    expect(total).to.be.at.least(handlers! + verification!)
  })

  it('answers a callback nobody handles as ok, with no handler time', async () => {
    const { hooks, calls, ended } = observed()
    await hooks.receive(request(CREATED))
    await ended
    expect(steps(calls)).to.deep.equal(['observe', 'read', 'answered', 'ended'])
    expect(answerOf(calls)?.durations.handlers).to.equal(undefined)
  })

  it('reports a refused callback as refused with its reason, never read', async () => {
    const { hooks, calls, ended } = observed({ token: TOKEN })
    const response = await hooks.receive(request(CREATED, 'another-token'))
    await ended
    expect(response.status).to.equal(401)
    expect(steps(calls)).to.deep.equal(['observe', 'error', 'answered', 'ended'])
    expect(answerOf(calls)).to.deep.include({
      outcome: 'refused',
      status: 401,
      errorCode: 40106,
      reason: 'SIGN_MISMATCH',
    })
    expect(answerOf(calls)?.durations.verification).to.equal(undefined)
  })

  it('reports an invalid body as refused once verified, with its time to verify', async () => {
    const { hooks, calls, ended } = observed()
    await hooks.receive({ query: callbackQuery({ command: CREATED }), body: '{"CallbackCommand":"' + CREATED + '"}' })
    await ended
    expect(answerOf(calls)).to.deep.include({ outcome: 'refused', status: 400, reason: 'INVALID_PAYLOAD' })
    expect(answerOf(calls)?.durations.verification).to.be.a('number')
  })

  it('reports a failing handler as failed, with the handler error', async () => {
    const { hooks, calls, ended } = observed()
    hooks.on('room.created', () => {
      throw new Error('database unavailable')
    })
    const response = await hooks.receive(request(CREATED))
    await ended
    expect(response.status).to.equal(500)
    expect(steps(calls)).to.deep.equal(['observe', 'read', 'runHandlers', 'error', 'answered', 'ended'])
    expect(answerOf(calls)).to.deep.include({ outcome: 'failed', status: 500, reason: 'HANDLER_FAILED' })
  })

  it("reports a before-callback answered with its failure decision as failed, with the decision's code", async () => {
    const { hooks, calls, ended } = observed()
    hooks.on('gift.beforeSend', () => Promise.reject(new Error('down')))
    const response = await hooks.receive(request(GIFT))
    await ended
    expect(response.status).to.equal(200)
    expect(answerOf(calls)).to.deep.include({
      outcome: 'failed',
      decision: 'rejected',
      status: 200,
      reason: 'HANDLER_FAILED',
    })
    expect(answerOf(calls)?.errorCode).to.equal(response.body.ErrorCode).and.not.equal(0)
  })

  it('reports a before-callback decided by its handler as ok, with the decision code', async () => {
    const { hooks, calls, ended } = observed()
    hooks.on('gift.beforeSend', (event) => event.reject('Out of coins', 102150))
    await hooks.receive(request(GIFT))
    await ended
    expect(answerOf(calls)).to.deep.include({ outcome: 'ok', status: 200, errorCode: 102150, reason: undefined })
  })

  it("tells a before-callback's decision apart from its outcome: a rejected gift is ok and rejected", async () => {
    const answers: CallbackAnswer[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      .observe({ observe: () => ({ answered: (answer) => void answers.push(answer) }) })
      .on('gift.beforeSend', (event) => (event.payload.GiftWater.Coins > 100 ? event.reject('Too large') : undefined))
    const gift = (coins: number) =>
      JSON.stringify({
        ...JSON.parse(fixtureText(GIFT)),
        GiftWater: { ...JSON.parse(fixtureText(GIFT)).GiftWater, Coins: coins },
      })
    await hooks.receive({ query: callbackQuery({ command: GIFT }), body: gift(1) })
    await hooks.receive({ query: callbackQuery({ command: GIFT }), body: gift(1000) })
    await hooks.receive(request(CREATED))
    expect(answers.map(({ outcome, decision, errorCode }) => ({ outcome, decision, errorCode }))).to.deep.equal([
      { outcome: 'ok', decision: 'allowed', errorCode: 0 },
      { outcome: 'ok', decision: 'rejected', errorCode: 1 },
      { outcome: 'ok', decision: undefined, errorCode: 0 },
    ])
  })

  it('reports a callback answered without its handlers as late, and ends only once they have finished', async () => {
    const { hooks, calls, ended } = observed({ handlerTimeout: 20 })
    let finish!: () => void
    hooks.on('room.created', () => new Promise<void>((resolve) => (finish = resolve)))
    hooks.on('room.created', () => sleep(60).then(() => Promise.reject(new Error('too slow and broken'))))
    const response = await hooks.receive(request(CREATED))
    expect(response.status).to.equal(200)
    expect(steps(calls)).to.deep.equal(['observe', 'read', 'runHandlers', 'answered'])
    expect(answerOf(calls)).to.deep.include({ outcome: 'late', reason: undefined })
    const { handlers, total } = answerOf(calls)!.durations
    expect(handlers).to.be.at.least(15).and.at.most(total) // to the answer, not to the handlers' end
    await sleep(90)
    expect(steps(calls)).to.deep.equal(['observe', 'read', 'runHandlers', 'answered'])
    finish()
    await ended
    expect(steps(calls)).to.deep.equal(['observe', 'read', 'runHandlers', 'answered', 'error', 'ended'])
  })

  it('reports copies of a handled callback as duplicate: answered OK once done, 409 while running', async () => {
    const { hooks, calls } = observed({ dedupe: { store: createMemoryDedupeStore() } })
    let finish!: () => void
    hooks.on('room.created', () => new Promise<void>((resolve) => (finish = resolve)))
    const first = hooks.receive(request(CREATED))
    await sleep(5)
    expect((await hooks.receive(request(CREATED))).status).to.equal(409)
    finish()
    await first
    expect((await hooks.receive(request(CREATED))).status).to.equal(200)
    const answers = calls.filter((call) => call.step === 'answered').map((call) => call.answer)
    expect(answers.map(({ outcome, status, reason }) => ({ outcome, status, reason }))).to.deep.equal([
      { outcome: 'duplicate', status: 409, reason: 'DUPLICATE_IN_PROGRESS' },
      { outcome: 'ok', status: 200, reason: undefined },
      { outcome: 'duplicate', status: 200, reason: undefined },
    ])
  })

  it('reports a callback shut out by close() as refused', async () => {
    const { hooks, calls, ended } = observed()
    await hooks.close()
    await hooks.receive(request(CREATED))
    await ended
    expect(answerOf(calls)).to.deep.include({ outcome: 'refused', status: 503, reason: 'SHUTTING_DOWN' })
  })

  it('runs the handlers inside the wrapper, so they see what the observer made current', async () => {
    const storage = new AsyncLocalStorage<string>()
    const seen: (string | undefined)[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      .observe({ observe: () => ({ runHandlers: (handlers) => storage.run('span-1', handlers) }) })
      .on('room.created', async () => {
        seen.push(storage.getStore())
        await sleep(1)
        seen.push(storage.getStore())
      })
    await hooks.receive(request(CREATED))
    expect(seen).to.deep.equal(['span-1', 'span-1'])
  })

  it('tells several observers alike, and skips one that declines a callback', async () => {
    const answered: string[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      .observe({ observe: () => ({ answered: () => void answered.push('first') }) })
      .observe({ observe: () => undefined })
      .observe({ observe: () => ({ answered: () => void answered.push('third') }) })
    await hooks.receive(request(CREATED))
    expect(answered).to.deep.equal(['first', 'third'])
  })

  it('tells nothing more to an observer once removeObserver() removed it, and keeps telling the others', async () => {
    const told: string[] = []
    const first = { observe: () => void told.push('first') }
    const second = { observe: () => void told.push('second') }
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).observe(first).observe(second)
    await hooks.receive(request(CREATED))
    expect(hooks.removeObserver(first).removeObserver(first)).to.equal(hooks)
    await hooks.receive(request(CREATED))
    hooks.removeObserver(second)
    expect((await hooks.receive(request(CREATED))).status).to.equal(200)
    expect(told).to.deep.equal(['first', 'second', 'second'])
  })

  it('still tells the next observer of a callback when an observer removes itself as it is told', async () => {
    const told: string[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
    const once = {
      observe: () => void (told.push('once'), hooks.removeObserver(once)),
    }
    const always = { observe: () => void told.push('always') }
    hooks.observe(once).observe(always)
    await hooks.receive(request(CREATED))
    await hooks.receive(request(CREATED))
    expect(told).to.deep.equal(['once', 'always', 'always'])
  })

  it('tells nothing more to an observer added twice once removeObserver() removed it, as removeListener() does', async () => {
    let told = 0
    const observer = { observe: () => void told++ }
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).observe(observer).observe(observer)
    hooks.removeObserver(observer)
    await hooks.receive(request(CREATED))
    expect(told).to.equal(0)
  })

  it('refuses an observer without an observe() method', () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
    expect(() => hooks.observe({} as never)).to.throw(TypeError, /observe\(start\)/)
    expect(() => hooks.observe(null as never)).to.throw(TypeError)
  })

  describe('an observer that misbehaves never changes an answer', () => {
    const failing = (where: keyof CallbackObservation | 'observe') => {
      const fail = () => {
        throw new Error(`observer broke in ${where}`)
      }
      const observation: CallbackObservation = {
        query: where === 'query' ? fail : () => {},
        body: where === 'body' ? fail : () => {},
        read: where === 'read' ? fail : () => {},
        runHandlers: where === 'runHandlers' ? fail : (handlers) => handlers(),
        error: where === 'error' ? fail : () => {},
        carry: where === 'carry' ? fail : () => undefined,
        answered: where === 'answered' ? fail : () => {},
        ended: where === 'ended' ? fail : () => {},
      }
      return { observe: where === 'observe' ? fail : () => observation }
    }

    for (const where of [
      'observe',
      'query',
      'body',
      'read',
      'runHandlers',
      'error',
      'carry',
      'answered',
      'ended',
    ] as const) {
      it(`answers as usual, runs the handlers once and logs, when it throws in ${where}()`, async () => {
        const logged: unknown[] = []
        let runs = 0
        const stored: unknown[] = []
        const hooks = createRoomWebhooks({
          sdkAppId: SDK_APP_ID,
          log: { warn: () => {}, error: (error: unknown, message?: string) => void logged.push([message, error]) },
          // carry() is asked of a callback handed to a delivery; the handlers then run in a worker
          ...(where === 'carry' && {
            delivery: { enqueue: (callback) => Promise.resolve(void stored.push(callback)) },
          }),
        })
          .observe(failing(where))
          .on('room.created', () => {
            runs++
            if (where === 'error') throw new Error('handler failed')
          })
        const response = await hooks.receive(request(CREATED))
        expect(response.status).to.equal(where === 'error' ? 500 : 200)
        expect(runs).to.equal(where === 'carry' ? 0 : 1)
        expect(stored).to.have.length(where === 'carry' ? 1 : 0)
        const observerLines = logged.filter(([message]: any) => /An observer failed/.test(message))
        expect(observerLines).to.have.length(1)
        expect((observerLines[0] as [string, Error])[1].message).to.equal(`observer broke in ${where}`)
      })
    }

    it('runs the handlers exactly once when a wrapper forgets them, or calls them twice', async () => {
      for (const runHandlers of [() => undefined, (handlers: () => unknown) => (handlers(), handlers())]) {
        const logged: string[] = []
        let runs = 0
        const hooks = createRoomWebhooks({
          sdkAppId: SDK_APP_ID,
          log: { warn: () => {}, error: (message: string) => void logged.push(message) },
        })
          .observe({ observe: () => ({ runHandlers: runHandlers as never }) })
          .on('room.created', () => void runs++)
        expect((await hooks.receive(request(CREATED))).status).to.equal(200)
        expect(runs).to.equal(1)
        expect(logged.some((line) => /did not run the handlers/.test(line))).to.equal(runHandlers.length === 0)
      }
    })

    it('ignores an observe() that returns something other than an object', async () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
        .observe({ observe: () => 'yes' as never })
        .on('room.created', () => {})
      expect((await hooks.receive(request(CREATED))).status).to.equal(200)
    })
  })

  describe('with a delivery and a worker', () => {
    function storing() {
      const stored: StoredCallback[] = []
      const delivery: CallbackDelivery = {
        enqueue: (callback) => {
          stored.push(callback)
          return Promise.resolve()
        },
      }
      return { delivery, stored }
    }

    it('reports a stored callback as queued, and stores what the observer carries with it', async () => {
      const { delivery, stored } = storing()
      const { hooks, calls, ended } = observed({ delivery }, { traceparent: '00-abc-def-01' })
      hooks.on('room.created', () => {})
      await hooks.receive(request(CREATED))
      await ended
      expect(answerOf(calls)).to.deep.include({ outcome: 'queued', status: 200, reason: undefined })
      expect(stored[0]?.traceContext).to.deep.equal({ traceparent: '00-abc-def-01' })
      expect(steps(calls)).to.not.include('runHandlers')
    })

    it('stores no traceContext when no observer carries anything', async () => {
      const { delivery, stored } = storing()
      const { hooks } = observed({ delivery })
      await hooks.receive(request(CREATED))
      expect(stored[0]).to.not.have.property('traceContext')
    })

    it('reports a callback the delivery failed to store as handled here, with DELIVERY_FAILED', async () => {
      const delivery: CallbackDelivery = { enqueue: () => Promise.reject(new Error('redis down')) }
      const { hooks, calls, ended } = observed({ delivery })
      hooks.on('room.created', () => {})
      await hooks.receive(request(CREATED))
      await ended
      expect(answerOf(calls)).to.deep.include({ outcome: 'ok', status: 200, reason: 'DELIVERY_FAILED' })
    })

    it("gives a worker's observer the carried fields and the attempt, and no status", async () => {
      const { delivery, stored } = storing()
      const receiving = observed({ delivery }, { traceparent: '00-abc-def-01' })
      await receiving.hooks.receive(request(CREATED))
      const worker = observed()
      worker.hooks.on('room.created', () => {})
      const outcome = await runStoredCallback(worker.hooks, stored[0], { attempt: 2, timeout: 1000 })
      await worker.ended
      expect(outcome.ok).to.equal(true)
      expect(worker.calls[0]).to.deep.equal({
        step: 'observe',
        start: { source: 'worker', attempt: 2, carried: { traceparent: '00-abc-def-01' } },
      })
      expect(steps(worker.calls)).to.deep.equal(['observe', 'read', 'runHandlers', 'answered', 'ended'])
      expect(answerOf(worker.calls)).to.deep.include({ outcome: 'ok', status: undefined, errorCode: undefined })
      expect(answerOf(worker.calls)?.durations.verification).to.equal(undefined)
    })

    it("reports a worker's failed, late and unreadable runs as failed, late and refused", async () => {
      const record = (command = CREATED): StoredCallback => ({
        version: 1,
        command,
        sdkAppId: SDK_APP_ID,
        receivedAt: Date.now(),
        body: fixtureText(command),
      })
      const failing = observed()
      failing.hooks.on('room.created', () => Promise.reject(new Error('down')))
      await runStoredCallback(failing.hooks, record(), { attempt: 1, timeout: 1000 })
      await failing.ended
      expect(answerOf(failing.calls)).to.deep.include({ outcome: 'failed', reason: 'HANDLER_FAILED' })
      expect(failing.calls.find((call) => call.step === 'error')).to.deep.equal({
        step: 'error',
        reason: 'HANDLER_FAILED',
      })

      const slow = observed()
      let finish!: () => void
      slow.hooks.on('room.created', () => new Promise<void>((resolve) => (finish = resolve)))
      await runStoredCallback(slow.hooks, record(), { attempt: 3, timeout: 10 })
      expect(steps(slow.calls)).to.not.include('ended')
      finish()
      await slow.ended
      expect(answerOf(slow.calls)).to.deep.include({ outcome: 'late', reason: 'HANDLER_TIMEOUT' })

      const unreadable = observed()
      await runStoredCallback(unreadable.hooks, { ...record(), version: 99 }, { attempt: 1, timeout: 1000 })
      await unreadable.ended
      expect(steps(unreadable.calls)).to.deep.equal(['observe', 'error', 'answered', 'ended'])
      expect(answerOf(unreadable.calls)).to.deep.include({ outcome: 'refused', reason: 'UNREADABLE_CALLBACK' })
    })

    it("runs a stored record whatever its traceContext holds, giving the worker's observers its strings only", async () => {
      const record = {
        version: 1,
        command: CREATED,
        sdkAppId: SDK_APP_ID,
        receivedAt: Date.now(),
        body: fixtureText(CREATED),
      }
      for (const [traceContext, carried] of [
        [{ traceparent: '00-abc-def-01', sampled: 1 }, { traceparent: '00-abc-def-01' }],
        [{ sampled: 1 }, undefined],
        ['00-abc-def-01', undefined],
        [null, undefined],
      ] as const) {
        const worker = observed()
        worker.hooks.on('room.created', () => {})
        const outcome = await runStoredCallback(
          worker.hooks,
          { ...record, traceContext },
          { attempt: 1, timeout: 1000 },
        )
        expect(outcome.ok).to.equal(true)
        expect(worker.calls[0]).to.deep.equal({ step: 'observe', start: { source: 'worker', attempt: 1, carried } })
      }
    })

    it('stores the strings an observer carries, drops the rest and logs it', async () => {
      const { delivery, stored } = storing()
      const logged: string[] = []
      const hooks = createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        delivery,
        log: { warn: () => {}, error: (error: unknown) => void logged.push(String(error)) },
      })
        .observe({ observe: () => ({ carry: () => ({ traceparent: '00-abc-def-01', sampled: 1 }) as never }) })
        .observe({ observe: () => ({ carry: () => 'not an object' as never }) })
        .observe({ observe: () => ({ carry: () => ({ baggage: 'k=v' }) }) })
      expect((await hooks.receive(request(CREATED))).status).to.equal(200)
      expect(stored[0]?.traceContext).to.deep.equal({ traceparent: '00-abc-def-01', baggage: 'k=v' })
      expect(logged).to.have.length(2)
      expect(logged[0]).to.match(/sampled as non-strings/)
      expect(logged[1]).to.match(/neither an object nor undefined/)
    })

    it('keeps the reason of the refusal when the refused body then fails to be stored', async () => {
      const delivery: CallbackDelivery = { enqueue: () => Promise.reject(new Error('redis down')) }
      const { hooks, calls, ended } = observed({ delivery, token: TOKEN }) // refused bodies are kept only when signed
      const body = `{"CallbackCommand":"${CREATED}"}`
      const query = callbackQuery({ command: CREATED, token: TOKEN })
      expect((await hooks.receive({ query, body })).status).to.equal(400)
      await ended
      const reasons = calls.flatMap((call) => (call.step === 'error' ? [call.reason] : []))
      expect(reasons).to.deep.equal(['INVALID_PAYLOAD', 'DELIVERY_FAILED'])
      expect(answerOf(calls)).to.deep.include({ outcome: 'refused', status: 400, reason: 'INVALID_PAYLOAD' })
    })

    it('gives the reason of the failed handler, not of the failed delivery before it', async () => {
      const delivery: CallbackDelivery = { enqueue: () => Promise.reject(new Error('redis down')) }
      const { hooks, calls, ended } = observed({ delivery })
      hooks.on('room.created', () => Promise.reject(new Error('database down too')))
      expect((await hooks.receive(request(CREATED))).status).to.equal(500)
      await ended
      expect(answerOf(calls)).to.deep.include({ outcome: 'failed', status: 500, reason: 'HANDLER_FAILED' })
    })
  })

  describe('what it is shown of the request and the answer', () => {
    /** A receiver whose observer keeps the parameters, body texts and envelopes it is given. */
    function seeing(options: Partial<RoomWebhooksOptions> = {}) {
      const parameters: CallbackParameters[] = []
      const bodies: string[] = []
      const answers: CallbackAnswer[] = []
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, ...options }).observe({
        observe: () => ({
          query: (given) => void parameters.push(given),
          body: (text) => void bodies.push(text),
          answered: (answer) => void answers.push(answer),
        }),
      })
      return { hooks, parameters, bodies, answers }
    }

    it('gives the query parameters as sent, never the Sign, also for a callback refused for its Sign', async () => {
      const { hooks, parameters, answers } = seeing({ token: TOKEN })
      await hooks.receive(request(CREATED, TOKEN))
      await hooks.receive(request(CREATED, 'another-token'))
      expect(answers.map((answer) => answer.status)).to.deep.equal([200, 401])
      for (const given of parameters) {
        expect(given).to.include({ sdkAppId: String(SDK_APP_ID), command: CREATED, clientIp: '203.0.113.7' })
        expect(given.requestTime).to.match(/^\d+$/)
        expect(Object.keys(given).map((name) => name.toLowerCase())).to.not.include('sign')
        expect(JSON.stringify(given)).to.not.match(/[0-9a-f]{64}/)
      }
      expect(parameters).to.have.length(2)
    })

    it('gives the body text as received, 18-digit IDs exact, before its handlers run', async () => {
      const { hooks, bodies } = seeing()
      const seen: number[] = []
      hooks.on('live.destroyed', () => void seen.push(bodies.length))
      const text = fixtureText('Live.CallbackAfterDestroyRoom')
      expect(text).to.include('144115216631667826')
      await hooks.receive({ query: callbackQuery({ command: 'Live.CallbackAfterDestroyRoom' }), body: text })
      expect(bodies).to.deep.equal([text])
      expect(seen).to.deep.equal([1])
    })

    it('gives the text of a body refused as not JSON, so that what arrived can be shown', async () => {
      const { hooks, bodies, answers } = seeing()
      await hooks.receive({ query: callbackQuery({ command: CREATED }), body: new TextEncoder().encode('{"Room') })
      expect(answers[0]).to.deep.include({ outcome: 'refused', reason: 'INVALID_JSON' })
      expect(bodies).to.deep.equal(['{"Room'])
    })

    it('gives no body text when a body parser had already made an object of the body', async () => {
      const { hooks, bodies, answers } = seeing()
      await hooks.receive({ query: callbackQuery({ command: CREATED }), body: JSON.parse(fixtureText(CREATED)) })
      expect(answers[0]).to.deep.include({ outcome: 'ok' })
      expect(bodies).to.deep.equal([])
    })

    it("gives the envelope answered: a rejected gift's code and text, a refusal's FAIL", async () => {
      const { hooks, answers } = seeing()
      hooks.on('gift.beforeSend', (event) => event.reject('Out of coins', 102150))
      const gift = await hooks.receive(request(GIFT))
      await hooks.receive({ query: callbackQuery({ command: CREATED }), body: '[]' })
      expect(answers[0]?.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 102150, ErrorInfo: 'Out of coins' })
      expect(answers[0]?.envelope).to.deep.equal(gift.body)
      expect(answers[1]?.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40003 })
    })

    it("gives a worker's observer the stored body text, no query parameters and no envelope", async () => {
      const { hooks, parameters, bodies, answers } = seeing()
      hooks.on('room.created', () => {})
      const stored: StoredCallback = {
        version: 1,
        command: CREATED,
        sdkAppId: SDK_APP_ID,
        receivedAt: Date.now(),
        body: fixtureText(CREATED),
      }
      const outcome = await runStoredCallback(hooks, stored, { attempt: 2, timeout: 1000 })
      expect(outcome.ok).to.equal(true)
      expect(bodies).to.deep.equal([stored.body])
      expect(parameters).to.deep.equal([])
      expect(answers[0]).to.deep.include({ outcome: 'ok', envelope: undefined })
    })
  })

  it('tells no error after the end: a dedupe store failing to record the outcome once all is done', async () => {
    const store = createMemoryDedupeStore()
    const failing = {
      claim: store.claim.bind(store),
      release: store.release.bind(store),
      complete: () => new Promise<void>((_resolve, reject) => setTimeout(() => reject(new Error('store down')), 10)),
    }
    const errors: string[] = []
    const { hooks, calls, ended } = observed({ dedupe: { store: failing } })
    hooks.on('room.created', () => {}).onError((error) => void errors.push(error.reason))
    await hooks.receive(request(CREATED))
    await ended
    await sleep(30)
    expect(errors).to.deep.equal(['DEDUPE_FAILED'])
    expect(steps(calls)).to.deep.equal(['observe', 'read', 'runHandlers', 'answered', 'ended'])
  })

  it('leaves the HandlerError of a late handler to the observer with every failure on it', async () => {
    const errors: unknown[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, handlerTimeout: 5 })
      .observe({ observe: () => ({ error: (error) => void errors.push(error) }) })
      .on('room.created', () => sleep(20).then(() => Promise.reject(new Error('one'))))
      .on('room.created', () => sleep(20).then(() => Promise.reject(new Error('two'))))
    await hooks.receive(request(CREATED))
    await sleep(40)
    expect(errors).to.have.length(1)
    expect(errors[0]).to.be.instanceOf(HandlerError)
    expect((errors[0] as HandlerError).errors.map((error) => (error as Error).message)).to.deep.equal(['one', 'two'])
    expect((errors[0] as HandlerError).late).to.equal(true)
  })
})
