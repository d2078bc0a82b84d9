import type { Server } from 'node:http'
import { expect } from 'chai'
import { Hono } from 'hono'
import { createAdaptorServer } from '@hono/node-server'
import { createFetchHandler, createRoomWebhooks } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import { listen } from '../../../test/support/http.js'
import { CALLBACK_PATH, describeReceiverContract } from '../../../test/support/receiver-contract.js'

const sdkAppId = 1400000000
const quiet = { warn: () => {}, error: () => {} }
const endpoint = 'http://localhost/tencent/callback'

describe('createFetchHandler()', () => {
  describe('on a Hono app over a real socket', () => {
    describeReceiverContract((hooks) => {
      const receive = createFetchHandler(hooks)
      const app = new Hono().post(CALLBACK_PATH, (c) => receive(c.req.raw))
      return listen(createAdaptorServer({ fetch: app.fetch }) as Server)
    })
  })

  it("answers a web-standard Request with a Response, with Node's own Request and Response", async () => {
    let roomId: string | undefined
    const hooks = createRoomWebhooks({ sdkAppId, token: 't' }).on(
      'room.created',
      (event) => void (roomId = event.payload.RoomInfo.RoomId),
    )
    const callback = createTestCallback('room.created', { sdkAppId, token: 't' })
    const response = await createFetchHandler(hooks)(
      new Request(callback.url(endpoint), { method: 'POST', body: callback.body }),
    )
    expect(response).to.be.instanceOf(Response)
    expect(response.status).to.equal(200)
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8')
    expect(await response.json()).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    expect(roomId).to.equal('tandy-test-rest')
  })

  it('keeps big user IDs exact', async () => {
    let owner: string | undefined
    const hooks = createRoomWebhooks({ sdkAppId }).on(
      'live.destroyed',
      (event) => void (owner = event.payload.RoomInfo?.Owner_Account),
    )
    const callback = createTestCallback('live.destroyed', { sdkAppId })
    await createFetchHandler(hooks)(new Request(callback.url(endpoint), { method: 'POST', body: callback.body }))
    expect(owner).to.equal('144115216631667826')
  })

  it('refuses a body over the limit while reading a stream', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, bodyLimit: 1024, log: quiet })
    const callback = createTestCallback('room.created', { sdkAppId })
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(' '.repeat(512)))
      },
    })
    const response = await createFetchHandler(hooks)(
      new Request(callback.url(endpoint), { method: 'POST', body: stream, duplex: 'half' }),
    )
    expect(response.status).to.equal(413)
  })

  it('answers 405 to a GET and 404 outside its path', async () => {
    const handler = createFetchHandler(createRoomWebhooks({ sdkAppId, log: quiet }), { path: '/tencent/callback' })
    const get = await handler(new Request(endpoint))
    expect([get.status, get.headers.get('allow')]).to.deep.equal([405, 'POST'])
    expect((await handler(new Request('http://localhost/other', { method: 'POST', body: '{}' }))).status).to.equal(404)
  })
})

describe('createFetchHandler() and bodies it does not read', () => {
  /** A request whose body stream sends `first` and then nothing more, and tells when it is cancelled. */
  function hangingRequest(url: string, first: string, headers: Record<string, string> = {}) {
    const stream = { cancelled: false }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(first))
      },
      cancel() {
        stream.cancelled = true
      },
    })
    return { request: new Request(url, { method: 'POST', body, headers, duplex: 'half' }), stream }
  }

  it('answers 408 to a body that does not arrive within readTimeout, and cancels its stream', async () => {
    let runs = 0
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet }).onAny(() => void runs++)
    const callback = createTestCallback('room.created', { sdkAppId })
    const { request, stream } = hangingRequest(callback.url(endpoint), callback.body.slice(0, 20))
    const started = Date.now()
    const response = await createFetchHandler(hooks, { readTimeout: 100 })(request)
    expect(Date.now() - started).to.be.within(80, 1000)
    expect(response.status).to.equal(408)
    expect(response.headers.get('connection')).to.equal('close')
    expect(await response.json()).to.deep.equal({
      ActionStatus: 'FAIL',
      ErrorCode: 40801,
      ErrorInfo: 'The body did not arrive within 100 ms',
    })
    expect(stream.cancelled).to.equal(true)
    expect(runs).to.equal(0)
  })

  // Each read has a timer of its own (on Workers a timer belongs to the request that set it): none may be cut short
  // or forgotten, whatever other reads come and go.
  it('answers 408 to each stalled body at its own deadline, while other bodies come and go', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet })
    const receive = createFetchHandler(hooks, { readTimeout: 150 })
    const callback = createTestCallback('room.created', { sdkAppId })
    const timed = async (request: Request) => {
      const started = Date.now()
      const response = await receive(request)
      return { status: response.status, ms: Date.now() - started }
    }
    const whole = () => timed(new Request(callback.url(endpoint), { method: 'POST', body: callback.body }))
    const stalled = () => timed(hangingRequest(callback.url(endpoint), callback.body.slice(0, 20)).request)
    const first = stalled()
    expect((await Promise.all([whole(), whole(), whole()])).map((answer) => answer.status)).to.deep.equal([
      200, 200, 200,
    ])
    await new Promise((resolve) => setTimeout(resolve, 100))
    // Started 100 ms after the first: it must not expire with it.
    const second = stalled()
    // Another receiver's shorter timeout has a timer of its own, and expires first.
    const started = Date.now()
    const shorter = await createFetchHandler(hooks, { readTimeout: 50 })(
      hangingRequest(callback.url(endpoint), callback.body.slice(0, 20)).request,
    )
    expect(shorter.status).to.equal(408)
    expect(Date.now() - started).to.be.within(40, 140)
    const [one, two] = await Promise.all([first, second])
    expect(one.status).to.equal(408)
    expect(one.ms).to.be.within(140, 1000)
    expect(two.status).to.equal(408)
    expect(two.ms).to.be.within(140, 1000)
    // After every read is over, a new stalled body still gets its full time.
    const third = await stalled()
    expect([third.status, third.ms >= 140]).to.deep.equal([408, true])
  })

  it('refuses a readTimeout that is not a positive number of ms', () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet })
    for (const readTimeout of [0, -1, Number.NaN, 2 ** 31]) {
      expect(() => createFetchHandler(hooks, { readTimeout }), String(readTimeout)).to.throw(TypeError, /readTimeout/)
    }
  })

  it('cancels, unread, a body of unknown size it refuses before reading (403)', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet })
    const callback = createTestCallback('room.created', { sdkAppId: 1400000001 })
    const { request, stream } = hangingRequest(callback.url(endpoint), callback.body)
    const response = await createFetchHandler(hooks)(request)
    expect([response.status, response.headers.get('connection')]).to.deep.equal([403, 'close'])
    expect(stream.cancelled).to.equal(true)
  })

  it('cancels, unread, a body whose declared size is over the limit (413)', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, bodyLimit: 1024, log: quiet })
    const callback = createTestCallback('room.created', { sdkAppId })
    const { request, stream } = hangingRequest(callback.url(endpoint), callback.body, {
      'content-length': String(64 * 1024 * 1024),
    })
    const response = await createFetchHandler(hooks)(request)
    expect([response.status, response.headers.get('connection')]).to.deep.equal([413, 'close'])
    expect(stream.cancelled).to.equal(true)
  })
})

describe('createFetchHandler() and the size, encoding and pace of a body', () => {
  /** A request whose body arrives as `chunks` and then ends; `read` counts the chunks taken from it. */
  function streamedRequest(url: string, chunks: readonly string[], headers: Record<string, string> = {}) {
    const stream = { read: 0, cancelled: false }
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const chunk = chunks[stream.read]
          if (chunk === undefined) controller.close()
          else {
            stream.read++
            controller.enqueue(encoder.encode(chunk))
          }
        },
        cancel() {
          stream.cancelled = true
        },
      },
      { highWaterMark: 0 },
    ) // nothing is pulled before the handler reads
    return { request: new Request(url, { method: 'POST', body, headers, duplex: 'half' }), stream }
  }

  /** The body split into three pieces. */
  const thirds = (text: string) => [text.slice(0, 10), text.slice(10, 40), text.slice(40)]

  it('joins a body that arrives in several chunks in their order', async () => {
    let roomId: string | undefined
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet }).on(
      'room.created',
      (event) => void (roomId = event.payload.RoomInfo.RoomId),
    )
    const callback = createTestCallback('room.created', { sdkAppId })
    const { request } = streamedRequest(callback.url(endpoint), thirds(callback.body))
    expect((await createFetchHandler(hooks)(request)).status).to.equal(200)
    expect(roomId).to.equal('tandy-test-rest')
  })

  it('accepts a streamed body of exactly bodyLimit bytes, and refuses one of a byte more', async () => {
    const callback = createTestCallback('room.created', { sdkAppId })
    const size = Buffer.byteLength(callback.body)
    const statuses: number[] = []
    for (const bodyLimit of [size, size - 1]) {
      const handler = createFetchHandler(createRoomWebhooks({ sdkAppId, bodyLimit, log: quiet }))
      statuses.push((await handler(streamedRequest(callback.url(endpoint), thirds(callback.body)).request)).status)
    }
    expect(statuses).to.deep.equal([200, 413])
  })

  it('accepts a declared Content-Length of exactly bodyLimit, and refuses one of a byte more unread', async () => {
    const callback = createTestCallback('room.created', { sdkAppId })
    const size = Buffer.byteLength(callback.body)
    const handler = createFetchHandler(createRoomWebhooks({ sdkAppId, bodyLimit: size, log: quiet }))
    const exact = streamedRequest(callback.url(endpoint), [callback.body], { 'content-length': String(size) })
    expect((await handler(exact.request)).status).to.equal(200)
    const over = streamedRequest(callback.url(endpoint), [callback.body], { 'content-length': String(size + 1) })
    const response = await handler(over.request)
    expect([response.status, ((await response.json()) as { ErrorInfo: string }).ErrorInfo]).to.deep.equal([
      413,
      `The body is larger than ${size} bytes`,
    ])
    expect(over.stream.read).to.equal(0)
  })

  it('answers 415 to a compressed body, naming its Content-Encoding, and reads one declared identity', async () => {
    const callback = createTestCallback('room.created', { sdkAppId })
    const handler = createFetchHandler(createRoomWebhooks({ sdkAppId, log: quiet }))
    const send = (encoding: string) =>
      handler(streamedRequest(callback.url(endpoint), [callback.body], { 'content-encoding': encoding }).request)
    const gzip = await send('gzip')
    expect([gzip.status, await gzip.json()]).to.deep.equal([
      415,
      { ActionStatus: 'FAIL', ErrorCode: 41501, ErrorInfo: 'Content-Encoding "gzip" is not supported' },
    ])
    const long = await send(`br${'x'.repeat(100)}`)
    expect(((await long.json()) as { ErrorInfo: string }).ErrorInfo).to.equal(
      `Content-Encoding "br${'x'.repeat(30)}" is not supported`,
    )
    expect([(await send('identity')).status, (await send('IDENTITY')).status]).to.deep.equal([200, 200])
  })

  it('drains a small refused body so the connection stays open, and closes it for a large or chunked one', async () => {
    const handler = createFetchHandler(createRoomWebhooks({ sdkAppId, log: quiet }))
    const callback = createTestCallback('room.created', { sdkAppId: 1400000001 })
    const answers = []
    for (const headers of [
      { 'content-length': String(Buffer.byteLength(callback.body)) },
      { 'content-length': String(64 * 1024) },
      { 'content-length': String(64 * 1024 + 1) },
      { 'content-length': String(Buffer.byteLength(callback.body)), 'transfer-encoding': 'chunked' },
      {},
    ]) {
      const { request, stream } = streamedRequest(callback.url(endpoint), thirds(callback.body), headers)
      const response = await handler(request)
      answers.push([response.status, response.headers.get('connection'), stream.read, stream.cancelled])
    }
    expect(answers).to.deep.equal([
      [403, null, 3, false],
      [403, null, 3, false],
      [403, 'close', 0, true],
      [403, 'close', 0, true],
      [403, 'close', 0, true],
    ])
  })

  it('accepts any readTimeout from 1 ms to the longest timer, and refuses one given as text', () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet })
    for (const readTimeout of [1, 0.5, 2 ** 31 - 1]) {
      expect(() => createFetchHandler(hooks, { readTimeout }), String(readTimeout)).not.to.throw()
    }
    expect(() => createFetchHandler(hooks, { readTimeout: '100' as never })).to.throw(
      TypeError,
      '[@roomhooks/core] readTimeout must be a positive number of ms, at most 2147483647',
    )
  })
})

describe('createFetchHandler() and handlers that outlive the answer', () => {
  const callback = createTestCallback('room.created', { sdkAppId })
  const post = () => new Request(callback.url(endpoint), { method: 'POST', body: callback.body })

  /** A receiver whose room.created handler outlives handlerTimeout until `finish()` is called. */
  function lateReceiver() {
    let finish!: () => void
    const finishing = new Promise<void>((resolve) => (finish = resolve))
    const state = { handled: false, finish }
    const hooks = createRoomWebhooks({ sdkAppId, handlerTimeout: 10, log: quiet }).on('room.created', async () => {
      await finishing
      state.handled = true
    })
    return { hooks, state }
  }

  it("gives hooks.idle() to the first argument with waitUntil(), as a Worker's fetch(request, env, ctx) passes it", async () => {
    const { hooks, state } = lateReceiver()
    const kept: Promise<unknown>[] = []
    const env = { SDKAPPID: String(sdkAppId) }
    const ctx = { waitUntil: (promise: Promise<unknown>) => void kept.push(promise) }
    const response = await createFetchHandler(hooks)(post(), env, ctx)
    expect(response.status).to.equal(200)
    expect(kept).to.have.length(1)
    let settled = false
    void kept[0]!.then(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect([settled, state.handled]).to.deep.equal([false, false])
    state.finish()
    await kept[0]
    expect(state.handled).to.equal(true)
  })

  it("answers as usual when the context's waitUntil() throws, and the handler still finishes", async () => {
    const { hooks, state } = lateReceiver()
    const ctx = {
      waitUntil: () => {
        throw new Error('waitUntil() called too late')
      },
    }
    const response = await createFetchHandler(hooks)(post(), ctx)
    expect(response.status).to.equal(200)
    expect(await response.json()).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    state.finish()
    await hooks.idle()
    expect(state.handled).to.equal(true)
  })

  it('answers as usual when no argument after the request has a waitUntil()', async () => {
    const { hooks, state } = lateReceiver()
    const response = await createFetchHandler(hooks)(post(), null, 'x', { waitUntil: 'not a function' })
    expect(response.status).to.equal(200)
    state.finish()
    await hooks.idle()
    expect(state.handled).to.equal(true)
  })
})

describe('createFetchHandler() and the work of onError after the answer', () => {
  // docs/nothing-lost.md: "store it from onError, send it again later", with an async onError that awaits a write.
  // On a Worker, what is not in the promise given to waitUntil() is cut off once the answer is sent.
  it("keeps the platform's context alive until an async onError storing a refused body has finished", async () => {
    let finishStore!: () => void
    const storing = new Promise<void>((resolve) => (finishStore = resolve))
    let stored = false
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet }).onError(async () => {
      await storing
      stored = true
    })
    const kept: Promise<unknown>[] = []
    const ctx = { waitUntil: (promise: Promise<unknown>) => void kept.push(promise) }
    const callback = createTestCallback('room.created', { sdkAppId })
    const refusedBody = JSON.stringify({ CallbackCommand: 'Room.CallbackAfterCreateRoom', RoomInfo: 'not an object' })
    const response = await createFetchHandler(hooks)(
      new Request(callback.url(endpoint), { method: 'POST', body: refusedBody }),
      {},
      ctx,
    )
    expect(response.status).to.equal(400)
    expect(kept).to.have.length(1)
    let settled = false
    void kept[0]!.then(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    // The onError write is still running: the platform must not be told the receiver is idle.
    expect({ settled, stored }).to.deep.equal({ settled: false, stored: false })
    finishStore()
  })

  it("keeps the platform's context alive until an async onError told of a late handler's failure has finished", async () => {
    let finishStore!: () => void
    const storing = new Promise<void>((resolve) => (finishStore = resolve))
    let stored = false
    const hooks = createRoomWebhooks({ sdkAppId, handlerTimeout: 10, log: quiet })
      .on('room.created', async () => {
        await new Promise((resolve) => setTimeout(resolve, 30))
        throw new Error('the write failed')
      })
      .onError(async () => {
        await storing
        stored = true
      })
    const kept: Promise<unknown>[] = []
    const ctx = { waitUntil: (promise: Promise<unknown>) => void kept.push(promise) }
    const callback = createTestCallback('room.created', { sdkAppId })
    const response = await createFetchHandler(hooks)(
      new Request(callback.url(endpoint), { method: 'POST', body: callback.body }),
      {},
      ctx,
    )
    expect(response.status).to.equal(200)
    let settled = false
    void kept[0]!.then(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect({ settled, stored }).to.deep.equal({ settled: false, stored: false })
    finishStore()
  })
})
