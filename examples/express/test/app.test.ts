// How a user tests their app's callback handling: the testing kit builds the callbacks the platform would send.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { createTestCallback, type TestCallback } from '@roomhooks/core/testing'
import { createApp } from '../src/app.js'

describe('the Express example app', () => {
  const printed: string[] = []
  const server = createServer(
    createApp({ sdkAppId: 1400000000, token: 'test-token', print: (line) => void printed.push(line) }),
  )
  let endpoint: string

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tencent/callback`
  })
  after(() => server.close())

  async function send(callback: TestCallback) {
    const response = await fetch(callback.url(endpoint), {
      method: 'POST',
      headers: callback.headers,
      body: callback.body,
    })
    return { status: response.status, body: (await response.json()) as { ErrorCode: number } }
  }

  it('rejects gifts over 500 coins', async () => {
    const callback = createTestCallback('gift.beforeSend', {
      sdkAppId: 1400000000,
      token: 'test-token',
      overrides: { GiftWater: { Coins: 501 } },
    })
    expect(await send(callback)).to.deep.equal({
      status: 200,
      body: { ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'Gifts over 500 coins need approval' },
    })
  })

  it('lets smaller gifts through', async () => {
    const callback = createTestCallback('gift.beforeSend', {
      sdkAppId: 1400000000,
      token: 'test-token',
      overrides: { GiftWater: { Coins: 500 } },
    })
    expect((await send(callback)).body.ErrorCode).to.equal(0)
  })

  it('logs who entered which room', async () => {
    const callback = createTestCallback('member.enter', {
      sdkAppId: 1400000000,
      token: 'test-token',
      overrides: { RoomId: 'room-1', MemberList_Account: ['alice'] },
    })
    expect((await send(callback)).status).to.equal(200)
    expect(printed).to.include('alice entered room-1')
  })
})
