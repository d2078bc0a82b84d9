// The Worker bundled as wrangler bundles it and run by workerd (through Miniflare) with wrangler.toml's
// compatibility date and vars, and no compatibility flags; sent signed callbacks over HTTP.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createTestCallback, type TestCallback } from '@roomhooks/core/testing'
import { startWorker, type RuntimeProcess } from '../../../test/support/runtimes.js'

const wrangler = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8')
const sdkAppId = 1400000000
const token = 'test-token'

describe('the Cloudflare Worker example', function () {
  this.timeout(30_000)
  let server: RuntimeProcess
  before(async () => {
    server = await startWorker(fileURLToPath(new URL('../src/index.ts', import.meta.url)), {
      compatibilityDate: /^compatibility_date = "(.+)"$/m.exec(wrangler)![1]!,
      vars: { SDKAPPID: /^SDKAPPID = "(.+)"$/m.exec(wrangler)![1]!, CALLBACK_TOKEN: token },
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

  it('declares no compatibility flags in wrangler.toml', () => {
    expect(wrangler).not.to.match(/compatibility_flags\s*=/)
    expect(wrangler).to.match(/^SDKAPPID = "1400000000"$/m)
  })

  it('answers a signed callback', async () => {
    const answer = await send(createTestCallback('room.created', { sdkAppId, token }))
    expect(answer).to.deep.equal({ status: 200, body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } })
    await server.waitForLine('room tandy-test-rest created')
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
