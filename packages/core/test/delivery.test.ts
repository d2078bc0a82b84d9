import { createHash } from 'node:crypto'
import { expect } from 'chai'
import {
  createRoomWebhooks,
  DeliveryError,
  HandlerError,
  RoomhooksError,
  ValidationError,
  type AnyCallbackEvent,
  type CallbackDelivery,
  type CallbackResponse,
  type RoomWebhooksOptions,
  type StoredCallback,
} from '@roomhooks/core'
import {
  readStoredCallback,
  reportError,
  runStoredCallback,
  STORED_CALLBACK_VERSION,
  type StoredRunOutcome,
} from '@roomhooks/core/delivery'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'

// The delivery is a plain object that records what it is given; how it answers enqueue() is up to each test.
const SEAT = 'Mic.CallbackAfterSeatInfoChanged' // its sample has a bare 18-digit Member_Account
const CREATED = 'Room.CallbackAfterCreateRoom'
const GIFT = 'Live.CallbackBeforeSendGift'
const MESSAGE = 'Group.CallbackBeforeSendMsg'
const BIG_ID = '144115233775727695'
const CLIENT_IP = '203.0.113.7'
const OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }
const quiet = { warn: () => {}, error: () => {} }

interface Enqueued {
  readonly callback: StoredCallback
  readonly key: string
  readonly signal: AbortSignal
}

/** A delivery whose enqueue() records its arguments and answers with `answer()`. */
function fakeDelivery(answer: () => unknown = () => Promise.resolve(), more: Partial<CallbackDelivery> = {}) {
  const calls: Enqueued[] = []
  const delivery: CallbackDelivery = {
    enqueue: (callback, { key, signal }) => {
      calls.push({ callback, key, signal })
      return answer() as Promise<unknown>
    },
    ...more,
  }
  return { delivery, calls }
}

/** A receiver (with a delivery, or without one to compare with) recording the events its handlers get. */
function receiver(delivery: CallbackDelivery | undefined, options: Partial<RoomWebhooksOptions> = {}) {
  const runs: AnyCallbackEvent[] = []
  const errors: RoomhooksError[] = []
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery, log: quiet, ...options })
    .onAny((event) => void runs.push(event))
    .onError((error) => void errors.push(error))
  return { hooks, runs, errors }
}

/** The query string of `command`, without the parameters named in `without`; signed when `token` is given. */
function queryOf(command: string, without: readonly string[] = [], token?: string): string {
  const params = new URLSearchParams(callbackQuery({ command, ...(token !== undefined && { token }) }))
  for (const name of without) params.delete(name)
  return params.toString()
}

const request = (command: string, body: string | object | Uint8Array = fixtureText(command)) => ({
  query: queryOf(command),
  body,
})

/** The key the receiver is expected to give a body: command, SdkAppID and the body's SHA-256 in base64url. */
const expectedKey = (command: string, text: string) =>
  `${command}/${SDK_APP_ID}/${createHash('sha256').update(text, 'utf8').digest('base64url')}`

function deferred<T = unknown>() {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((yes, no) => {
    resolve = yes
    reject = no
  })
  return { promise, resolve, reject }
}

/** Lets every pending promise callback and timer of zero delay run. */
const turn = () => new Promise((resolve) => setImmediate(resolve))

/** The answer a receiver without a delivery gives to the same request. */
async function answerWithoutDelivery(req: ReturnType<typeof request>, options: Partial<RoomWebhooksOptions> = {}) {
  return (await receiver(undefined, options).hooks.receive(req)).body
}

describe('delivery: the receiver', () => {
  it('answers an after-callback 200 only once enqueue() has resolved, and runs none of its handlers', async () => {
    const stored = deferred()
    const { delivery, calls } = fakeDelivery(() => stored.promise)
    const { hooks, runs, errors } = receiver(delivery)
    let answer: CallbackResponse | undefined
    const answering = hooks.receive(request(CREATED)).then((response) => (answer = response))
    await turn()
    expect(calls).to.have.length(1)
    expect(answer).to.equal(undefined)
    stored.resolve('job-1')
    await answering
    expect(answer).to.deep.equal({ status: 200, body: OK })
    expect(runs).to.deep.equal([])
    expect(errors).to.deep.equal([])
  })

  it('takes a promise-like answer of enqueue() that is not a native promise', async () => {
    const { delivery, calls } = fakeDelivery(() => ({ then: (stored: (value: string) => void) => stored('job-1') }))
    const { hooks, runs, errors } = receiver(delivery)
    expect(await hooks.receive(request(CREATED))).to.deep.equal({ status: 200, body: OK })
    expect([calls.length, runs.length, errors.length]).to.deep.equal([1, 0, 0])
  })

  it('stores the version, command, SdkAppID, client address, platform, arrival time and the raw body text', async () => {
    const { delivery, calls } = fakeDelivery()
    const { hooks } = receiver(delivery)
    const text = fixtureText(SEAT)
    expect(text).to.match(new RegExp(`"Member_Account": ${BIG_ID},`)) // a bare number, beyond 2^53
    const before = Date.now()
    expect((await hooks.receive(request(SEAT, text))).status).to.equal(200)
    const after = Date.now()
    const [{ callback, key, signal }] = calls as [Enqueued]
    expect(callback.receivedAt).to.be.within(before, after)
    expect(callback).to.deep.equal({
      version: 1,
      command: SEAT,
      sdkAppId: SDK_APP_ID,
      clientIp: CLIENT_IP,
      platform: 'RESTAPI',
      receivedAt: callback.receivedAt,
      body: text,
    })
    expect(key).to.equal(expectedKey(SEAT, text))
    expect(signal.aborted).to.equal(false)
  })

  it('stores the text of a body given as bytes, and leaves out the client address and platform not sent', async () => {
    const { delivery, calls } = fakeDelivery()
    const { hooks } = receiver(delivery)
    const text = fixtureText(SEAT)
    const query = queryOf(SEAT, ['OptPlatform', 'ClientIP'])
    await hooks.receive({ query, body: new TextEncoder().encode(text) })
    const [{ callback, key }] = calls as [Enqueued]
    expect(callback.body).to.equal(text)
    expect(callback).to.not.have.any.keys('platform', 'clientIp')
    expect(key).to.equal(expectedKey(SEAT, text))

    await hooks.receive({ query: queryOf(SEAT, ['OptPlatform']), body: text })
    expect(calls[1]?.callback).to.include({ clientIp: CLIENT_IP }).and.not.have.property('platform')
  })

  it('stores a body a body parser already parsed as JSON text, keyed by that text', async () => {
    const { delivery, calls } = fakeDelivery()
    const { hooks, runs } = receiver(delivery)
    const parsed = JSON.parse(fixtureText(CREATED)) as Record<string, unknown>
    const copy = structuredClone(parsed)
    expect((await hooks.receive(request(CREATED, parsed))).status).to.equal(200)
    const [{ callback, key }] = calls as [Enqueued]
    expect(typeof callback.body).to.equal('string')
    expect(callback.body).to.equal(JSON.stringify(copy))
    expect(key).to.equal(expectedKey(CREATED, callback.body))
    expect(runs).to.deep.equal([])
  })

  it('never enqueues before-callbacks, whose answer is the decision, nor commands it does not know', async () => {
    const { delivery, calls } = fakeDelivery()
    const { hooks, runs } = receiver(delivery)
    hooks.on('gift.beforeSend', (event) => event.reject('no gifts today'))
    const gift = await hooks.receive(request(GIFT))
    const message = await hooks.receive(request(MESSAGE))
    const unknown = 'Room.CallbackAfterSomethingNew'
    const novel = await hooks.receive({
      query: `SdkAppid=${SDK_APP_ID}&CallbackCommand=${unknown}&ClientIP=${CLIENT_IP}`,
      body: JSON.stringify({ CallbackCommand: unknown, RoomId: 'r1' }),
    })
    expect(calls).to.deep.equal([])
    expect(runs.map((event) => event.command)).to.deep.equal([GIFT, MESSAGE, unknown])
    const inline = receiver(undefined).hooks.on('gift.beforeSend', (event) => event.reject('no gifts today'))
    expect(gift).to.deep.equal(await inline.receive(request(GIFT)))
    expect(gift.body.ErrorCode).to.not.equal(0)
    expect(message).to.deep.equal(await inline.receive(request(MESSAGE)))
    expect(novel).to.deep.equal({ status: 200, body: OK })
  })

  describe('when the delivery fails or is slow', () => {
    const failures: readonly (readonly [string, () => unknown])[] = [
      ['rejects', () => Promise.reject(new Error('queue unreachable'))],
      [
        'throws synchronously',
        () => {
          throw new Error('queue unreachable')
        },
      ],
      ['returns undefined instead of a promise', () => undefined],
      ['returns a value that is not a promise', () => 'job-1'],
      ['never settles', () => new Promise(() => {})],
    ]

    for (const [what, answer] of failures) {
      it(`handles the callback in the process when enqueue() ${what}, and reports DELIVERY_FAILED`, async () => {
        const { delivery, calls } = fakeDelivery(answer, { timeout: 50 })
        const { hooks, runs, errors } = receiver(delivery)
        const response = await hooks.receive(request(SEAT))
        expect(response).to.deep.equal({ status: 200, body: OK })
        expect(runs.map((event) => [event.command, event.attempt])).to.deep.equal([[SEAT, 1]])
        expect(errors).to.have.length(1)
        const [error] = errors as [DeliveryError]
        expect(error).to.be.instanceOf(DeliveryError)
        expect(error.reason).to.equal('DELIVERY_FAILED')
        const [{ callback, signal }] = calls as [Enqueued]
        expect(error.callback).to.equal(callback)
        expect(error.callback.body).to.equal(fixtureText(SEAT))
        expect(signal.aborted).to.equal(true)
      })
    }

    it('passes on what the delivery threw as the cause', async () => {
      const thrown = new Error('READONLY')
      const { delivery } = fakeDelivery(() => Promise.reject(thrown))
      const { hooks, errors } = receiver(delivery)
      await hooks.receive(request(SEAT))
      expect(errors[0]?.cause).to.equal(thrown)
    })

    it('has aborted the signal by the time it answers when enqueue() resolves after the timeout', async () => {
      const late = deferred()
      const { delivery, calls } = fakeDelivery(() => late.promise, { timeout: 50 })
      const { hooks, runs, errors } = receiver(delivery)
      const started = Date.now()
      const response = await hooks.receive(request(CREATED))
      expect(Date.now() - started).to.be.at.least(45)
      expect(response).to.deep.equal({ status: 200, body: OK })
      expect(calls[0]?.signal.aborted).to.equal(true)
      expect(runs).to.have.length(1)
      expect(errors.map((error) => error.reason)).to.deep.equal(['DELIVERY_FAILED'])
      late.resolve('job-1')
      await turn()
      expect([runs.length, errors.length]).to.deep.equal([1, 1])
    })

    it('aborts the signal only once the handlers run in the process have all succeeded', async () => {
      const finish = deferred()
      const { delivery, calls } = fakeDelivery(() => new Promise(() => {}), { timeout: 20 })
      const { hooks } = receiver(delivery, { handlerTimeout: 50 })
      hooks.on('room.created', () => finish.promise)
      const response = await hooks.receive(request(CREATED))
      expect(response).to.deep.equal({ status: 200, body: OK }) // answered at the deadline, the handler still running
      expect(calls[0]?.signal.aborted).to.equal(false)
      finish.resolve(undefined)
      await turn()
      expect(calls[0]?.signal.aborted).to.equal(true)
    })

    it('leaves the signal alone when a handler fails in the process: what the delivery stored late is kept', async () => {
      const { delivery, calls } = fakeDelivery(() => new Promise(() => {}), { timeout: 20 })
      const { hooks } = receiver(delivery)
      hooks.on('room.created', () => {
        throw new Error('database unavailable')
      })
      expect((await hooks.receive(request(CREATED))).status).to.equal(500)
      await turn()
      expect(calls[0]?.signal.aborted).to.equal(false)
    })

    it('ignores an enqueue() that rejects after the timeout, leaving no unhandled rejection', async () => {
      const late = deferred()
      const unhandled: unknown[] = []
      const onUnhandled = (reason: unknown) => void unhandled.push(reason)
      process.on('unhandledRejection', onUnhandled)
      try {
        const { delivery } = fakeDelivery(() => late.promise, { timeout: 50 })
        const { hooks, runs, errors } = receiver(delivery)
        expect((await hooks.receive(request(CREATED))).status).to.equal(200)
        late.reject(new Error('stored too late, then failed'))
        await turn()
        expect([runs.length, errors.map((error) => error.reason)]).to.deep.equal([1, ['DELIVERY_FAILED']])
        expect(unhandled).to.deep.equal([])
      } finally {
        process.off('unhandledRejection', onUnhandled)
      }
    })

    it('answers a failing handler as it would without a delivery', async () => {
      const { delivery } = fakeDelivery(() => Promise.reject(new Error('queue unreachable')))
      const thrown = new Error('database down')
      const { hooks, errors } = receiver(delivery)
      hooks.on('room.created', () => {
        throw thrown
      })
      const inline = receiver(undefined).hooks.on('room.created', () => {
        throw thrown
      })
      const response = await hooks.receive(request(CREATED))
      expect(response).to.deep.equal(await inline.receive(request(CREATED)))
      expect(response.status).to.equal(500)
      expect(errors.map((error) => error.reason)).to.deep.equal(['DELIVERY_FAILED', 'HANDLER_FAILED'])
    })
  })

  describe('an authentic body that fails its schema', () => {
    const invalidText = JSON.stringify({ ...(JSON.parse(fixtureText(CREATED)) as object), RoomInfo: 'gone' })
    const signed = { token: TOKEN }
    const invalid = () => ({ query: queryOf(CREATED, [], TOKEN), body: invalidText })

    it('is answered 400 as without a delivery, and kept in the delivery with its refusal', async () => {
      const { delivery, calls } = fakeDelivery()
      const { hooks, runs, errors } = receiver(delivery, signed)
      const expected = await answerWithoutDelivery(invalid(), signed)
      const response = await hooks.receive(invalid())
      expect(response).to.deep.equal({ status: 400, body: expected })
      expect(expected).to.include({ ActionStatus: 'FAIL', ErrorCode: 40006 })
      expect(runs).to.deep.equal([])
      expect(errors).to.have.length(1)
      expect(errors[0]).to.be.instanceOf(ValidationError)
      const [{ callback, key }] = calls as [Enqueued]
      expect(callback).to.deep.equal({
        version: 1,
        command: CREATED,
        sdkAppId: SDK_APP_ID,
        clientIp: CLIENT_IP,
        platform: 'RESTAPI',
        receivedAt: callback.receivedAt,
        body: invalidText,
        refusal: { reason: 'INVALID_PAYLOAD', message: expected.ErrorInfo },
      })
      expect(key).to.equal(expectedKey(CREATED, invalidText))
    })

    it('is still answered 400 when that enqueue() fails, and DELIVERY_FAILED is reported', async () => {
      const { delivery, calls } = fakeDelivery(() => Promise.reject(new Error('queue unreachable')))
      const { hooks, runs, errors } = receiver(delivery, signed)
      const response = await hooks.receive(invalid())
      expect(response).to.deep.equal({ status: 400, body: await answerWithoutDelivery(invalid(), signed) })
      expect(errors.map((error) => error.reason)).to.deep.equal(['INVALID_PAYLOAD', 'DELIVERY_FAILED'])
      expect((errors[1] as DeliveryError).callback).to.equal(calls[0]?.callback)
      expect(runs).to.deep.equal([])
    })

    it('is not kept when it is a before-callback', async () => {
      const { delivery, calls } = fakeDelivery()
      const { hooks } = receiver(delivery, signed)
      const giftText = JSON.stringify({ ...(JSON.parse(fixtureText(GIFT)) as object), GiftWater: 'gone' })
      const gift = { query: queryOf(GIFT, [], TOKEN), body: giftText }
      const response = await hooks.receive(gift)
      expect(response).to.deep.equal({ status: 400, body: await answerWithoutDelivery(gift, signed) })
      expect(calls).to.deep.equal([])
    })

    it('is not kept when no token is set, as nothing proves who sent it: answered 400 and reported whole', async () => {
      const { delivery, calls } = fakeDelivery()
      const { hooks, errors } = receiver(delivery)
      const unsigned = request(CREATED, invalidText)
      const response = await hooks.receive(unsigned)
      expect(response).to.deep.equal({ status: 400, body: await answerWithoutDelivery(unsigned) })
      expect(calls).to.deep.equal([])
      expect(errors).to.have.length(1)
      expect(errors[0]).to.be.instanceOf(ValidationError)
      expect((errors[0] as ValidationError).body).to.equal(invalidText)
    })
  })

  describe('hooks.close()', () => {
    it('waits for an enqueue() in flight, then closes the delivery once', async () => {
      const stored = deferred()
      const steps: string[] = []
      const { delivery } = fakeDelivery(() => stored.promise.then(() => void steps.push('stored')), {
        close: async () => void steps.push('closed'),
      })
      const { hooks } = receiver(delivery)
      const answer = hooks.receive(request(CREATED))
      const closing = hooks.close()
      expect(hooks.close()).to.equal(closing)
      await turn()
      expect(steps).to.deep.equal([])
      stored.resolve(undefined)
      expect(await closing).to.deep.equal({ drained: true, running: 0 })
      expect(steps).to.deep.equal(['stored', 'closed'])
      expect((await answer).status).to.equal(200)
      await hooks.close()
      expect(steps).to.deep.equal(['stored', 'closed'])
    })

    it('calls enqueue() and close() as methods of the delivery', async () => {
      class Queue implements CallbackDelivery {
        readonly jobs: string[] = []
        closed = false
        enqueue(_callback: StoredCallback, { key }: { key: string }) {
          this.jobs.push(key)
          return Promise.resolve()
        }
        close() {
          this.closed = true
          return Promise.resolve()
        }
      }
      const queue = new Queue()
      const { hooks, runs, errors } = receiver(queue)
      expect(await hooks.receive(request(CREATED))).to.deep.equal({ status: 200, body: OK })
      await hooks.close()
      expect([queue.jobs, queue.closed, runs, errors]).to.deep.equal([
        [expectedKey(CREATED, fixtureText(CREATED))],
        true,
        [],
        [],
      ])
    })

    it('enqueues nothing that arrives once closing has begun', async () => {
      const { delivery, calls } = fakeDelivery()
      const { hooks, runs } = receiver(delivery)
      const closing = hooks.close()
      const response = await hooks.receive(request(CREATED))
      await closing
      expect([response.status, response.body.ErrorCode]).to.deep.equal([503, 50302])
      expect([calls, runs]).to.deep.equal([[], []])
    })

    const closeFailures: readonly (readonly [string, () => Promise<unknown>])[] = [
      ['rejects', () => Promise.reject(new Error('connection reset'))],
      [
        'throws',
        () => {
          throw new Error('connection reset')
        },
      ],
    ]
    for (const [what, close] of closeFailures) {
      it(`still resolves when the delivery's close() ${what}, and logs it`, async () => {
        const logged: unknown[][] = []
        const { delivery } = fakeDelivery(undefined, { close })
        const { hooks } = receiver(delivery, {
          log: { warn: () => {}, error: (...line: unknown[]) => void logged.push(line) },
        })
        expect(await hooks.close()).to.deep.equal({ drained: true, running: 0 })
        expect(logged).to.have.length(1)
        expect(logged[0]?.[1]).to.equal('[@roomhooks/core] The delivery failed to close')
        expect((logged[0]?.[0] as Error).message).to.equal('connection reset')
      })
    }

    it("gives up on a delivery's close() that never settles after the close timeout, and logs it", async () => {
      const logged: unknown[][] = []
      const { delivery } = fakeDelivery(undefined, { close: () => new Promise(() => {}) })
      const { hooks } = receiver(delivery, {
        log: { warn: () => {}, error: (...line: unknown[]) => void logged.push(line) },
      })
      expect(await hooks.close({ timeout: 50 })).to.deep.equal({ drained: true, running: 0 })
      expect(logged.map(([error, message]) => [message, (error as Error).message])).to.deep.equal([
        ['[@roomhooks/core] The delivery failed to close', 'No answer within 50 ms'],
      ])
    })
  })

  describe('options', () => {
    it('refuses a delivery without enqueue(), saying what to pass', () => {
      for (const delivery of [{}, null, 'queue', { enqueue: 'yes' }]) {
        expect(() => createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery: delivery as never })).to.throw(
          TypeError,
          /delivery needs an enqueue\(\) method, e\.g\. createQueueDelivery\(\)/,
        )
      }
    })

    it('refuses a timeout that is not a positive number', () => {
      // 2^31 ms and more: setTimeout() would fire at once, and every callback be handled in the process.
      for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 3e9, '500']) {
        const delivery = { enqueue: () => Promise.resolve(), timeout } as never
        expect(() => createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery }), String(timeout)).to.throw(
          TypeError,
          /delivery\.timeout must be a positive number of ms, at most 2147483647, got/,
        )
      }
      for (const timeout of [1, 2 ** 31 - 1]) {
        const { delivery } = fakeDelivery(undefined, { timeout })
        expect(() => createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery })).to.not.throw()
      }
    })

    it("warns at start-up when the delivery's timeout and handlerTimeout add up to more than the platform waits", () => {
      const warnings: string[] = []
      const log = { warn: (message: string) => void warnings.push(message) }
      createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery: fakeDelivery().delivery, log })
      createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        delivery: fakeDelivery(undefined, { timeout: 600 }).delivery,
        log,
        handlerTimeout: 1400,
      })
      expect(warnings).to.deep.equal([])
      createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery: fakeDelivery(undefined, { timeout: 800 }).delivery, log })
      expect(warnings).to.deep.equal([
        "[@roomhooks/core] delivery.timeout (800 ms) and handlerTimeout (1500 ms) add up to more than the platform's 2000 ms: when the delivery is slow, the callback handled in the process may be answered too late. Keep their sum under 2000.",
      ])
    })
  })
})

describe('delivery: the worker (runStoredCallback)', () => {
  /** What a receiver with a delivery stored for `req`. */
  async function storedFor(req: ReturnType<typeof request>): Promise<StoredCallback> {
    const { delivery, calls } = fakeDelivery()
    await receiver(delivery).hooks.receive(req)
    expect(calls).to.have.length(1)
    return (calls[0] as Enqueued).callback
  }

  const withPlatform = { query: queryOf(SEAT), body: fixtureText(SEAT) }
  const withoutPlatform = { query: queryOf(SEAT, ['OptPlatform', 'ClientIP']), body: fixtureText(SEAT) }
  const fields = ({ name, command, payload, sdkAppId, clientIp, platform, eventTime }: AnyCallbackEvent) => ({
    name,
    command,
    payload,
    sdkAppId,
    clientIp,
    platform,
    eventTime,
  })

  for (const [what, req] of [
    ['', withPlatform],
    [' (no platform or client address sent)', withoutPlatform],
  ] as const) {
    it(`gives the handlers the event an inline receive() makes, with the stored receivedAt and the attempt${what}`, async () => {
      const stored = await storedFor(req)
      const inline = receiver(undefined)
      await inline.hooks.receive(req)
      const [inlineEvent] = inline.runs as [AnyCallbackEvent]
      const worker = receiver(undefined)
      const outcome = await runStoredCallback(worker.hooks, stored, { attempt: 3, timeout: 1000 })
      expect(outcome.ok).to.equal(true)
      const { event } = outcome as Extract<StoredRunOutcome, { ok: true }>
      expect(worker.runs).to.have.length(1)
      expect(worker.runs[0]).to.equal(event)
      expect(fields(event)).to.deep.equal(fields(inlineEvent))
      expect((event.payload as { SeatList: { Member_Account: unknown }[] }).SeatList[0]?.Member_Account).to.equal(
        BIG_ID,
      )
      expect([event.receivedAt, event.attempt, inlineEvent.attempt]).to.deep.equal([stored.receivedAt, 3, 1])
      expect(worker.errors).to.deep.equal([])
    })
  }

  it('fails with retry when a handler throws, telling onError of the HandlerError', async () => {
    const thrown = new Error('database down')
    const worker = receiver(undefined)
    worker.hooks.on('seat.changed', () => {
      throw thrown
    })
    const outcome = await runStoredCallback(worker.hooks, await storedFor(withPlatform), { attempt: 1, timeout: 1000 })
    expect(outcome).to.include({ ok: false, retry: true })
    const { error } = outcome as Extract<StoredRunOutcome, { ok: false }>
    expect(error).to.be.instanceOf(HandlerError)
    expect((error as HandlerError).errors).to.deep.equal([thrown])
    expect((error as HandlerError).late).to.equal(false)
    expect(worker.errors).to.deep.equal([error])
  })

  it('fails with HANDLER_TIMEOUT and retry when handlers are slower than the timeout, and reports their later failure', async () => {
    const slow = deferred()
    const worker = receiver(undefined)
    worker.hooks.on('seat.changed', () => slow.promise)
    const started = Date.now()
    const outcome = await runStoredCallback(worker.hooks, await storedFor(withPlatform), { attempt: 2, timeout: 50 })
    expect(Date.now() - started).to.be.at.least(45)
    expect(outcome).to.include({ ok: false, retry: true })
    const { error } = outcome as Extract<StoredRunOutcome, { ok: false }>
    expect(error.reason).to.equal('HANDLER_TIMEOUT')
    expect(worker.errors).to.deep.equal([error])
    const late = new Error('finally failed')
    slow.reject(late)
    await worker.hooks.close()
    expect(worker.errors).to.have.length(2)
    const failure = worker.errors[1] as HandlerError
    expect(failure).to.be.instanceOf(HandlerError)
    expect([failure.late, failure.errors[0], failure.event.attempt]).to.deep.equal([true, late, 2])
  })

  it('runs a stored refusal whose body now passes its schema', async () => {
    const stored: StoredCallback = {
      ...(await storedFor(withPlatform)),
      refusal: { reason: 'INVALID_PAYLOAD', message: 'Mic.CallbackAfterSeatInfoChanged payload is invalid at /' },
    }
    const worker = receiver(undefined)
    const outcome = await runStoredCallback(worker.hooks, stored, { attempt: 1, timeout: 1000 })
    expect(outcome.ok).to.equal(true)
    expect(worker.runs.map((event) => event.command)).to.deep.equal([SEAT])
  })

  it('fails without retry, with the ValidationError, when a stored refusal is still invalid', async () => {
    const { delivery, calls } = fakeDelivery()
    const invalidText = JSON.stringify({ ...(JSON.parse(fixtureText(CREATED)) as object), RoomInfo: 'gone' })
    await receiver(delivery, { token: TOKEN }).hooks.receive({ query: queryOf(CREATED, [], TOKEN), body: invalidText })
    const stored = calls[0]?.callback
    expect(stored?.refusal?.reason).to.equal('INVALID_PAYLOAD')
    const worker = receiver(undefined)
    const outcome = await runStoredCallback(worker.hooks, stored, { attempt: 1, timeout: 1000 })
    expect(outcome).to.include({ ok: false, retry: false })
    const { error } = outcome as Extract<StoredRunOutcome, { ok: false }>
    expect(error).to.be.instanceOf(ValidationError)
    expect(error.info).to.equal(stored?.refusal?.message)
    expect(worker.errors).to.deep.equal([error])
    expect(worker.runs).to.deep.equal([])
  })

  it('fails without retry, as UNREADABLE_CALLBACK, for a record it cannot read or run', async () => {
    const valid = await storedFor(withPlatform)
    const gift = { ...valid, command: GIFT, body: fixtureText(GIFT) }
    const records: readonly unknown[] = [
      { ...valid, version: 2 },
      { ...valid, version: undefined },
      null,
      'Mic.CallbackAfterSeatInfoChanged',
      { version: 1, command: SEAT },
      { ...valid, sdkAppId: String(SDK_APP_ID) },
      { ...valid, body: JSON.parse(valid.body) as unknown },
      { ...valid, clientIp: 7 },
      gift,
    ]
    for (const record of records) {
      const worker = receiver(undefined)
      const outcome = await runStoredCallback(worker.hooks, record, { attempt: 1, timeout: 1000 })
      expect(outcome, JSON.stringify(record)).to.include({ ok: false, retry: false })
      const { error } = outcome as Extract<StoredRunOutcome, { ok: false }>
      expect(error).to.be.instanceOf(RoomhooksError)
      expect(error.reason, JSON.stringify(record)).to.equal('UNREADABLE_CALLBACK')
      expect(worker.errors).to.deep.equal([error])
      expect(worker.runs).to.deep.equal([])
    }
  })

  it('fails without retry, as UNKNOWN_SDKAPPID, for a record of an SdkAppID the receiver does not accept', async () => {
    const stored = { ...(await storedFor(withPlatform)), sdkAppId: 1400000999 }
    const worker = receiver(undefined)
    const outcome = await runStoredCallback(worker.hooks, stored, { attempt: 1, timeout: 1000 })
    expect(outcome).to.include({ ok: false, retry: false })
    const { error } = outcome as Extract<StoredRunOutcome, { ok: false }>
    expect([error.reason, error.info]).to.deep.equal([
      'UNKNOWN_SDKAPPID',
      'The stored callback is for SdkAppid 1400000999, which this receiver does not accept: give each app a queue of its own',
    ])
    expect(worker.errors).to.deep.equal([error])
    expect(worker.runs).to.deep.equal([])
  })

  it("runs a record of any SdkAppID on a receiver that accepts every app (sdkAppId '*')", async () => {
    const stored = { ...(await storedFor(withPlatform)), sdkAppId: 1400000999 }
    const runs: number[] = []
    const hooks = createRoomWebhooks({ sdkAppId: '*', log: quiet }).on('seat.changed', (event) => {
      runs.push(event.sdkAppId)
    })
    const outcome = await runStoredCallback(hooks, stored, { attempt: 1, timeout: 1000 })
    expect([outcome.ok, runs]).to.deep.equal([true, [1400000999]])
  })

  it('fails without retry, as UNREADABLE_CALLBACK, for a command that is not a known after-callback', async () => {
    const valid = await storedFor(withPlatform)
    const command = 'Room.CallbackAfterSomethingNew'
    const body = JSON.stringify({ ...(JSON.parse(valid.body) as object), CallbackCommand: command })
    const worker = receiver(undefined)
    const outcome = await runStoredCallback(worker.hooks, { ...valid, command, body }, { attempt: 1, timeout: 1000 })
    expect(outcome).to.include({ ok: false, retry: false })
    const { error } = outcome as Extract<StoredRunOutcome, { ok: false }>
    expect(error.info).to.equal(
      `${command} is not an after-callback this version knows: a receiver handles such commands itself and never queues them`,
    )
    expect(worker.runs).to.deep.equal([])
  })

  it("makes hooks.close() wait for a worker's run still in its handlers", async () => {
    const slow = deferred()
    const worker = receiver(undefined)
    worker.hooks.on('seat.changed', () => slow.promise)
    const run = runStoredCallback(worker.hooks, await storedFor(withPlatform), { attempt: 1, timeout: 5000 })
    await turn()
    let closed = false
    const closing = worker.hooks.close().then((result) => {
      closed = true
      return result
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(closed).to.equal(false)
    slow.resolve(undefined)
    expect((await run).ok).to.equal(true)
    expect(await closing).to.deep.equal({ drained: true, running: 0 })
  })

  it('gives a late outcome a promise that settles once the late handlers have ended', async () => {
    const slow = deferred()
    const worker = receiver(undefined)
    worker.hooks.on('seat.changed', () => slow.promise)
    const outcome = await runStoredCallback(worker.hooks, await storedFor(withPlatform), { attempt: 1, timeout: 20 })
    const { late } = outcome as Extract<StoredRunOutcome, { ok: false }>
    let ended = false
    void late?.then(() => (ended = true))
    await turn()
    expect(ended).to.equal(false)
    slow.resolve(undefined)
    await late
    expect(ended).to.equal(true)
  })

  it('reads a record of its version and refuses others (readStoredCallback)', async () => {
    const valid = await storedFor(withPlatform)
    expect(STORED_CALLBACK_VERSION).to.equal(1)
    expect(readStoredCallback(JSON.parse(JSON.stringify(valid)))).to.deep.equal(valid)
    expect(() => readStoredCallback({ ...valid, version: 2 })).to.throw(TypeError, /version 2/)
    expect(() => readStoredCallback({ ...valid, receivedAt: 'yesterday' })).to.throw(TypeError, /receivedAt/)
  })

  it("reportError() tells the receiver's onError handlers, or its logger when it has none", () => {
    const error = new RoomhooksError('HANDLER_TIMEOUT', 'A worker gave up', { cause: new Error('stalled') })
    const withHandler = receiver(undefined)
    reportError(withHandler.hooks, error)
    expect(withHandler.errors).to.deep.equal([error])

    const warnings: unknown[][] = []
    const bare = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      log: { warn: (...line: unknown[]) => void warnings.push(line) },
    })
    reportError(bare, error)
    expect(warnings).to.deep.equal([[error.cause, error.message]])
  })
})
