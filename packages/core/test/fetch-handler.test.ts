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
    const hooks = createRoomWebhooks({ sdkAppId, token: 't' }).on('room.created', (event) => void (roomId = event.payload.RoomInfo.RoomId))
    const callback = createTestCallback('room.created', { sdkAppId, token: 't' })
    const response = await createFetchHandler(hooks)(new Request(callback.url(endpoint), { method: 'POST', body: callback.body }))
    expect(response).to.be.instanceOf(Response)
    expect(response.status).to.equal(200)
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8')
    expect(await response.json()).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    expect(roomId).to.equal('tandy-test-rest')
  })

  it('keeps big user IDs exact', async () => {
    let owner: string | undefined
    const hooks = createRoomWebhooks({ sdkAppId }).on('live.destroyed', (event) => void (owner = event.payload.RoomInfo?.Owner_Account))
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
      new Request(callback.url(endpoint), { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
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
