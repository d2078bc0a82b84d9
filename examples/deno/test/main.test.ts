// The example run by Deno as `npm start` runs it (allowed the network and the environment only), sent signed
// callbacks over HTTP.
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createTestCallback, type TestCallback } from '@roomhooks/core/testing'
import { startDeno, type RuntimeProcess } from '../../../test/support/runtimes.js'

const sdkAppId = 1400000000
const token = 'test-token'

describe('the Deno example', function () {
  this.timeout(30_000)
  let server: RuntimeProcess
  before(async () => {
    server = await startDeno('src/main.ts', {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { SDKAPPID: String(sdkAppId), CALLBACK_TOKEN: token, HOST: '127.0.0.1', PORT: '0' },
    })
  })
  after(() => server?.stop())

  async function send(callback: TestCallback) {
    const answer = await fetch(callback.url(`${server.url}/tencent/callback`), {
      method: 'POST',
      headers: callback.headers,
      body: callback.body,
    })
    return { status: answer.status, body: (await answer.json()) as { ErrorCode: number; ErrorInfo: string } }
  }

  it("answers a signed callback and prints a battle's room owners with every digit of their 18-digit IDs", async () => {
    const answer = await send(createTestCallback('battle.ended', { sdkAppId, token }))
    expect(answer).to.deep.equal({ status: 200, body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } })
    await server.waitForLine('battle ended: pk-3 of 144115245353757792 vs pk-5 of 144115245442327522')
  })

  it('refuses a gift over the limit and lets a small one through', async () => {
    const big = await send(createTestCallback('gift.beforeSend', { sdkAppId, token }))
    expect(big.body).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'Gifts are limited to 500 coins' })
    const small = createTestCallback('gift.beforeSend', { sdkAppId, token, overrides: { GiftWater: { Coins: 10 } } })
    expect((await send(small)).body.ErrorCode).to.equal(0)
  })

  it('refuses a callback signed with another token', async () => {
    const answer = await send(createTestCallback('room.created', { sdkAppId, token: 'guessed-token' }))
    expect(answer.status).to.equal(401)
    await server.waitForLine(/^refused or failed: .*Sign/)
  })
})
