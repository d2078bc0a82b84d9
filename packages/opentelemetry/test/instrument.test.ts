import { createServer } from 'node:http'
import { context, createTraceState, metrics, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { expect } from 'chai'
import {
  createMemoryDedupeStore,
  createNodeHandler,
  createRoomWebhooks,
  type CallbackDelivery,
  type RoomWebhooks,
  type RoomWebhooksOptions,
  type StoredCallback,
} from '@roomhooks/core'
import { runStoredCallback } from '@roomhooks/core/delivery'
import { instrumentRoomWebhooks } from '@roomhooks/opentelemetry'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { listen, post, type RunningServer } from '../../../test/support/http.js'
import { summarize, useTelemetry } from './telemetry-support.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const quiet = { warn: () => {}, error: () => {} }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('instrumentRoomWebhooks()', () => {
  const telemetry = useTelemetry()
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  function instrumented(options: Partial<RoomWebhooksOptions> = {}): RoomWebhooks {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: TOKEN, log: quiet, ...options })
    return instrumentRoomWebhooks(hooks, {
      tracerProvider: telemetry.tracerProvider,
      meterProvider: telemetry.meterProvider,
    })
  }

  /** Serves `hooks` with createNodeHandler and POSTs `command`'s sample, signed with `token`. */
  async function send(hooks: RoomWebhooks, command = CREATED, token = TOKEN) {
    server ??= await listen(createServer(createNodeHandler(hooks, { path: '/tencent/callback' })))
    const query = callbackQuery({ command, token })
    const answer = await post(`${server.url}/tencent/callback?${query}`, fixtureText(command))
    return { ...answer, sign: new URLSearchParams(query).get('Sign') as string }
  }

  /** The spans of one request, once the HTTP server span has ended. */
  async function serverSpan() {
    for (let tries = 0; tries < 50 && !telemetry.spans().some((span) => span.kind === SpanKind.SERVER); tries++) {
      await sleep(10)
    }
    return telemetry.spans().find((span) => span.kind === SpanKind.SERVER)
  }

  describe('an accepted callback', () => {
    it('is one INTERNAL span named for its command, a child of the HTTP server span, with its attributes', async () => {
      const hooks = instrumented().on('room.created', () => {})
      expect((await send(hooks)).status).to.equal(200)
      const http = await serverSpan()
      const span = telemetry.span(`roomhooks ${CREATED}`)
      expect(span.kind).to.equal(SpanKind.INTERNAL)
      expect(span.parentSpanContext?.spanId).to.equal(http?.spanContext().spanId).and.be.a('string')
      expect(span.spanContext().traceId).to.equal(http?.spanContext().traceId)
      expect(span.attributes).to.deep.equal({
        'roomhooks.command': CREATED,
        'roomhooks.event': 'room.created',
        'roomhooks.sdk_app_id': SDK_APP_ID,
        'roomhooks.outcome': 'ok',
        'http.response.status_code': 200,
      })
      expect(span.status.code).to.equal(SpanStatusCode.UNSET)
      expect(span.events).to.deep.equal([])
    })

    it('is the parent of what the handlers trace, after an await too', async () => {
      const tracer = telemetry.tracerProvider.getTracer('the app')
      const hooks = instrumented().on('room.created', async () => {
        await sleep(5)
        await tracer.startActiveSpan('INSERT rooms', async (query) => {
          await sleep(5)
          query.end()
        })
      })
      await send(hooks)
      const span = telemetry.span(`roomhooks ${CREATED}`)
      const query = telemetry.span('INSERT rooms')
      expect(query.parentSpanContext?.spanId).to.equal(span.spanContext().spanId)
      // Ended once the handler had finished (to the clock's rounding: each span converts its own times).
      const ms = ([seconds, nanos]: readonly [number, number]) => seconds * 1e3 + nanos / 1e6
      expect(ms(span.endTime)).to.be.at.least(ms(query.endTime) - 1)
    })

    it('is counted in roomhooks.callbacks and timed in roomhooks.callback.duration, in seconds', async () => {
      const hooks = instrumented().on('room.created', () => sleep(20))
      await send(hooks)
      await send(hooks)
      expect(summarize(await telemetry.points('roomhooks.callbacks'))).to.deep.equal([
        { attributes: { 'roomhooks.outcome': 'ok', 'roomhooks.command': CREATED }, value: 2 },
      ])
      const metrics = await telemetry.metrics()
      const duration = metrics.find((metric) => metric.descriptor.name === 'roomhooks.callback.duration')
      expect(duration?.descriptor.unit).to.equal('s')
      const [point] = summarize(duration?.dataPoints ?? [])
      expect(point?.attributes).to.deep.equal({ 'roomhooks.outcome': 'ok', 'roomhooks.command': CREATED })
      const { count, sum } = point?.value as { count: number; sum: number }
      expect(count).to.equal(2)
      expect(sum).to.be.above(0.035).and.below(2)
      // Buckets in seconds, with one at the platform's 2 s deadline (the SDK's default ones suit milliseconds).
      const { boundaries } = (duration?.dataPoints[0]?.value as { buckets: { boundaries: number[] } }).buckets
      expect(boundaries).to.deep.equal([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10])
    })
  })

  describe('a refused callback', () => {
    it('is a span named roomhooks with status ERROR, its reason and the status answered, and no command', async () => {
      const hooks = instrumented().on('room.created', () => {})
      expect((await send(hooks, CREATED, 'a rotated token')).status).to.equal(401)
      const span = telemetry.span('roomhooks')
      expect(span.attributes).to.deep.equal({
        'roomhooks.outcome': 'refused',
        'roomhooks.error.reason': 'SIGN_MISMATCH',
        'http.response.status_code': 401,
      })
      expect(span.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'SIGN_MISMATCH' })
      expect(span.events.map((event) => [event.name, event.attributes])).to.deep.equal([
        [
          'exception',
          {
            'exception.type': 'RoomhooksError',
            'exception.message': '[@roomhooks/core] Sign does not match the configured token',
          },
        ],
      ])
      expect(summarize(await telemetry.points('roomhooks.callbacks'))).to.deep.equal([
        { attributes: { 'roomhooks.outcome': 'refused', 'roomhooks.error.reason': 'SIGN_MISMATCH' }, value: 1 },
      ])
      const timed = await telemetry.points('roomhooks.callback.duration')
      expect(timed.map((point) => point.attributes)).to.deep.equal([{ 'roomhooks.outcome': 'refused' }])
    })

    it('is named for the command of a verified body refused for its shape', async () => {
      const hooks = instrumented({ token: undefined })
      server = await listen(createServer(createNodeHandler(hooks)))
      await post(`${server.url}/?${callbackQuery({ command: CREATED })}`, `{"CallbackCommand":"${CREATED}"}`)
      const span = telemetry.span(`roomhooks ${CREATED}`)
      expect(span.attributes).to.deep.equal({
        'roomhooks.command': CREATED,
        'roomhooks.outcome': 'refused',
        'roomhooks.error.reason': 'INVALID_PAYLOAD',
        'http.response.status_code': 400,
      })
      expect(span.status.code).to.equal(SpanStatusCode.ERROR)
    })
  })

  describe('a failing callback', () => {
    it("is ERROR with HANDLER_FAILED and one exception event per failed handler, each with the handler's error", async () => {
      const hooks = instrumented()
        .on('room.created', () => Promise.reject(new Error('database unavailable')))
        .on('room.created', () => {
          throw new TypeError('cannot read RoomId')
        })
        .on('room.created', () => {})
      expect((await send(hooks)).status).to.equal(500)
      const span = telemetry.span(`roomhooks ${CREATED}`)
      expect(span.attributes).to.include({
        'roomhooks.outcome': 'failed',
        'roomhooks.error.reason': 'HANDLER_FAILED',
        'http.response.status_code': 500,
      })
      expect(span.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'HANDLER_FAILED' })
      const exceptions = span.events.map((event) => event.attributes)
      expect(exceptions.map((event) => [event?.['exception.type'], event?.['exception.message']])).to.deep.equal([
        ['Error', 'database unavailable'],
        ['TypeError', 'cannot read RoomId'],
      ])
      expect(exceptions[0]?.['exception.stacktrace']).to.match(/database unavailable\n\s+at /)
      expect(summarize(await telemetry.points('roomhooks.callbacks'))).to.deep.equal([
        {
          attributes: {
            'roomhooks.command': CREATED,
            'roomhooks.outcome': 'failed',
            'roomhooks.error.reason': 'HANDLER_FAILED',
          },
          value: 1,
        },
      ])
      const timed = await telemetry.points('roomhooks.callback.duration')
      expect(timed.map((point) => point.attributes)).to.deep.equal([
        { 'roomhooks.command': CREATED, 'roomhooks.outcome': 'failed' },
      ])
    })

    it('records a thrown value that is not an Error as text', async () => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what a careless handler does
      const hooks = instrumented().on('room.created', () => Promise.reject({ code: 'E_DB' }))
      await send(hooks)
      const [event] = telemetry.span(`roomhooks ${CREATED}`).events
      expect(event?.attributes).to.include({ 'exception.type': 'NonError', 'exception.message': '{"code":"E_DB"}' })
      telemetry.reset()
      await server?.close()
      server = undefined
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- one JSON cannot write
      await send(instrumented().on('room.created', () => Promise.reject(10n)))
      const [bigint] = telemetry.span(`roomhooks ${CREATED}`).events
      expect(bigint?.attributes).to.include({ 'exception.type': 'NonError', 'exception.message': '[object BigInt]' })
    })
  })

  it('marks a callback answered without its handlers as late, and ends its span when they finish', async () => {
    let fail!: () => void
    const hooks = instrumented({ handlerTimeout: 20 }).on(
      'room.created',
      () => new Promise<void>((_resolve, reject) => (fail = () => reject(new Error('finally failed')))),
    )
    expect((await send(hooks)).status).to.equal(200)
    await serverSpan()
    expect(telemetry.spans().map((span) => span.name)).to.not.include(`roomhooks ${CREATED}`)
    fail()
    await sleep(10)
    const span = telemetry.span(`roomhooks ${CREATED}`)
    expect(span.attributes).to.include({ 'roomhooks.outcome': 'late', 'http.response.status_code': 200 })
    expect(span.status.code).to.equal(SpanStatusCode.UNSET)
    expect(span.events.map((event) => event.attributes?.['exception.message'])).to.deep.equal(['finally failed'])
  })

  it('names no span and no metric after a command outside the catalog, which anyone may make up', async () => {
    const hooks = instrumented({ token: undefined }).onAny(() => {})
    const made = 'Attacker.CallbackAfterSomething12345'
    server = await listen(createServer(createNodeHandler(hooks)))
    const body = JSON.stringify({ CallbackCommand: made, EventTime: 1 })
    expect(
      (await post(`${server.url}/?SdkAppid=${SDK_APP_ID}&CallbackCommand=${made}&contenttype=json`, body)).status,
    ).to.equal(200)
    const span = telemetry.span('roomhooks')
    expect(span.attributes).to.include({ 'roomhooks.command': made, 'roomhooks.outcome': 'ok' })
    expect(span.attributes).to.not.have.property('roomhooks.event')
    expect(summarize(await telemetry.points('roomhooks.callbacks'))).to.deep.equal([
      { attributes: { 'roomhooks.command': '_OTHER', 'roomhooks.outcome': 'ok' }, value: 1 },
    ])
  })

  it('keeps handlers traced beneath it for a before-callback, and when a failed delivery leaves it to this process', async () => {
    const tracer = telemetry.tracerProvider.getTracer('the app')
    const traced = () => tracer.startActiveSpan('SELECT', (query) => query.end())
    const delivery: CallbackDelivery = { enqueue: () => Promise.reject(new Error('redis down')) }
    await send(
      instrumented().on('gift.beforeSend', (event) => (traced(), event.allow())),
      'Live.CallbackBeforeSendGift',
    )
    await server?.close()
    server = undefined
    await send(instrumented({ delivery }).on('room.created', traced))
    const parents = telemetry
      .spans()
      .filter((span) => span.name === 'SELECT')
      .map((query) => telemetry.spans().find((span) => span.spanContext().spanId === query.parentSpanContext?.spanId))
    expect(parents.map((span) => [span?.name, span?.attributes['roomhooks.outcome']])).to.deep.equal([
      ['roomhooks Live.CallbackBeforeSendGift', 'ok'],
      [`roomhooks ${CREATED}`, 'ok'],
    ])
  })

  it("records a before-callback's decision on its span and in roomhooks.callbacks: a rejected gift is not counted as let through", async () => {
    const gift = 'Live.CallbackBeforeSendGift'
    let reject = false
    const hooks = instrumented().on('gift.beforeSend', (event) => (reject ? event.reject('Too large') : event.allow()))
    await send(hooks, gift)
    reject = true
    await send(hooks, gift)
    await send(hooks, gift)
    await send(hooks)
    const decisions = telemetry.spans().flatMap((span) => span.attributes['roomhooks.decision'] ?? [])
    expect(decisions).to.deep.equal(['allowed', 'rejected', 'rejected'])
    expect(summarize(await telemetry.points('roomhooks.callbacks'))).to.deep.equal([
      {
        attributes: { 'roomhooks.command': gift, 'roomhooks.outcome': 'ok', 'roomhooks.decision': 'allowed' },
        value: 1,
      },
      {
        attributes: { 'roomhooks.command': gift, 'roomhooks.outcome': 'ok', 'roomhooks.decision': 'rejected' },
        value: 2,
      },
      { attributes: { 'roomhooks.command': CREATED, 'roomhooks.outcome': 'ok' }, value: 1 },
    ])
  })

  it('marks a copy the dedupe store had already handled as duplicate', async () => {
    const hooks = instrumented({ dedupe: { store: createMemoryDedupeStore() } }).on('room.created', () => {})
    await send(hooks)
    await send(hooks)
    const outcomes = telemetry.spans().flatMap((span) => span.attributes['roomhooks.outcome'] ?? [])
    expect(outcomes).to.deep.equal(['ok', 'duplicate'])
  })

  describe('with a delivery and a worker', () => {
    it("marks a stored callback queued, and links the worker's span to the request's through the record", async () => {
      const stored: StoredCallback[] = []
      const delivery: CallbackDelivery = { enqueue: (callback) => Promise.resolve(void stored.push(callback)) }
      const receiver = instrumented({ delivery }).on('room.created', () => {})
      await send(receiver)
      const received = telemetry.span(`roomhooks ${CREATED}`)
      expect(received.attributes['roomhooks.outcome']).to.equal('queued')
      const { traceId, spanId } = received.spanContext()
      expect(stored[0]?.traceContext).to.deep.equal({ traceparent: `00-${traceId}-${spanId}-01` })

      const worker = instrumented().on('room.created', () => Promise.reject(new Error('not yet')))
      expect(await runStoredCallback(worker, stored[0], { attempt: 3, timeout: 1000 })).to.include({ ok: false })
      const run = telemetry.span(`roomhooks.worker ${CREATED}`)
      expect(run.kind).to.equal(SpanKind.INTERNAL)
      expect(run.links.map((link) => link.context)).to.deep.include({
        traceId,
        spanId,
        traceFlags: 1,
        isRemote: true,
      })
      expect(run.parentSpanContext).to.equal(undefined)
      expect(run.attributes).to.deep.equal({
        'roomhooks.attempt': 3,
        'roomhooks.command': CREATED,
        'roomhooks.event': 'room.created',
        'roomhooks.sdk_app_id': SDK_APP_ID,
        'roomhooks.outcome': 'failed',
        'roomhooks.error.reason': 'HANDLER_FAILED',
      })
      expect(run.status.code).to.equal(SpanStatusCode.ERROR)
      expect(summarize(await telemetry.points('roomhooks.worker.runs'))).to.deep.equal([
        {
          attributes: {
            'roomhooks.outcome': 'failed',
            'roomhooks.command': CREATED,
            'roomhooks.error.reason': 'HANDLER_FAILED',
          },
          value: 1,
        },
      ])
      const timed = await telemetry.points('roomhooks.worker.duration')
      expect(timed.map((point) => point.attributes)).to.deep.equal([
        { 'roomhooks.command': CREATED, 'roomhooks.outcome': 'failed' },
      ])
    })

    it("carries the request's tracestate to the worker's link", async () => {
      const stored: StoredCallback[] = []
      const delivery: CallbackDelivery = { enqueue: (callback) => Promise.resolve(void stored.push(callback)) }
      const receiver = instrumented({ delivery, token: undefined })
      const upstream = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
        isRemote: true,
        traceState: createTraceState('vendor=abc,other=1'),
      })
      await context.with(upstream, () =>
        receiver.receive({ query: callbackQuery({ command: CREATED }), body: fixtureText(CREATED) }),
      )
      const received = telemetry.span(`roomhooks ${CREATED}`)
      expect(received.spanContext().traceId).to.equal('0af7651916cd43dd8448eb211c80319c')
      expect(stored[0]?.traceContext).to.deep.equal({
        traceparent: `00-0af7651916cd43dd8448eb211c80319c-${received.spanContext().spanId}-01`,
        tracestate: 'vendor=abc,other=1',
      })
      await runStoredCallback(instrumented(), stored[0], { attempt: 1, timeout: 1000 })
      const [link] = telemetry.span(`roomhooks.worker ${CREATED}`).links
      expect(link?.context.traceState?.get('vendor')).to.equal('abc')
      expect(link?.context.traceState?.serialize()).to.equal('vendor=abc,other=1')
    })

    it('runs a stored callback without a trace context, or with one it cannot read, unlinked', async () => {
      const worker = instrumented().on('room.created', () => {})
      const record: StoredCallback = {
        version: 1,
        command: CREATED,
        sdkAppId: SDK_APP_ID,
        receivedAt: Date.now(),
        body: fixtureText(CREATED),
      }
      const unreadable = [
        { traceparent: 'not a traceparent' },
        { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' },
        { tracestate: 'vendor=abc' },
      ]
      for (const traceContext of [undefined, ...unreadable]) {
        telemetry.reset()
        const run = await runStoredCallback(worker, { ...record, traceContext }, { attempt: 1, timeout: 1000 })
        expect(run.ok).to.equal(true)
        expect(telemetry.span(`roomhooks.worker ${CREATED}`).links).to.deep.equal([])
      }
    })
  })

  it('uses the global providers when given none, registered before or after it', async () => {
    const early = instrumentRoomWebhooks(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }))
    const registered = trace.setGlobalTracerProvider(telemetry.tracerProvider)
    metrics.setGlobalMeterProvider(telemetry.meterProvider)
    try {
      expect(registered).to.equal(true)
      const late = instrumentRoomWebhooks(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }))
      for (const hooks of [early, late]) {
        await hooks.receive({ query: callbackQuery({ command: CREATED }), body: fixtureText(CREATED) })
      }
      expect(telemetry.spans().map((span) => span.attributes['roomhooks.outcome'])).to.deep.equal(['ok', 'ok'])
      expect(summarize(await telemetry.points('roomhooks.callbacks'))).to.deep.equal([
        { attributes: { 'roomhooks.command': CREATED, 'roomhooks.outcome': 'ok' }, value: 2 },
      ])
    } finally {
      trace.disable()
      metrics.disable()
    }
  })

  it('exports neither the token nor the Sign, whatever the outcome', async () => {
    const delivery: CallbackDelivery = { enqueue: () => Promise.resolve() }
    const cases = [
      instrumented().on('room.created', () => {}),
      instrumented().on('room.created', () => Promise.reject(new Error('failed'))),
      instrumented({ delivery }),
    ]
    const signs: string[] = []
    for (const hooks of cases) {
      for (const token of [TOKEN, 'a rotated token']) signs.push((await send(hooks, CREATED, token)).sign)
      await server?.close()
      server = undefined
    }
    await sleep(20)
    const exported = await telemetry.exported()
    expect(telemetry.spans().length).to.be.at.least(12)
    expect(exported).to.include('Sign=REDACTED') // the HTTP instrumentation, set up as docs/operations.md says
    for (const secret of [TOKEN, ...signs]) expect(exported).to.not.include(secret)
  })
})
