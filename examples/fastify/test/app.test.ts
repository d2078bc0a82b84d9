// How a user tests their app's callback handling: the testing kit builds the callbacks the platform would send,
// and Fastify's app.inject() sends them in memory.
import { expect } from 'chai'
import { createTestCallback, type TestCallback } from '@roomhooks/core/testing'
import { createApp } from '../src/app.js'

describe('the Fastify example app', () => {
  const printed: string[] = []
  const app = createApp({
    sdkAppId: 1400000000,
    token: 'test-token',
    muted: ['spammer'],
    print: (line) => void printed.push(line),
  })
  after(() => app.close())

  async function send(callback: TestCallback) {
    const answer = await app.inject({
      method: 'POST',
      url: callback.url('/tencent/callback'),
      headers: callback.headers,
      payload: callback.body,
    })
    return { status: answer.statusCode, body: answer.json<{ ErrorCode: number }>() }
  }

  it('drops the messages of muted users', async () => {
    const callback = createTestCallback('message.beforeSend', {
      sdkAppId: 1400000000,
      token: 'test-token',
      overrides: { From_Account: 'spammer' },
    })
    expect(await send(callback)).to.deep.equal({
      status: 200,
      body: { ActionStatus: 'OK', ErrorCode: 2, ErrorInfo: '' },
    })
    expect(printed).to.include('message from spammer dropped')
  })

  it('delivers the messages of everyone else', async () => {
    const callback = createTestCallback('message.beforeSend', { sdkAppId: 1400000000, token: 'test-token' })
    expect((await send(callback)).body.ErrorCode).to.equal(0)
  })

  it("prints a battle's room owners with every digit of their 18-digit IDs", async () => {
    const callback = createTestCallback('battle.ended', { sdkAppId: 1400000000, token: 'test-token' })
    expect((await send(callback)).status).to.equal(200)
    expect(printed).to.include('battle ended: pk-3 of 144115245353757792 vs pk-5 of 144115245442327522')
  })

  it('refuses a callback signed with another token', async () => {
    const callback = createTestCallback('live.member.state', { sdkAppId: 1400000000, token: 'guessed-token' })
    expect((await send(callback)).status).to.equal(401)
  })

  it('answers its own routes as before', async () => {
    const health = await app.inject({ method: 'GET', url: '/health' })
    expect([health.statusCode, health.body]).to.deep.equal([200, 'ok'])
  })
})
