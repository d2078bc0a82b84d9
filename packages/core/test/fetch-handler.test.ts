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
