import { expect } from 'chai'
import { createTestCallback, type TestCallback } from '@roomhooks/core/testing'
import type { RuntimeProcess } from './runtimes.js'

/** What every edge example (Bun, Deno, a Worker) is started with and shows. */
export const EXAMPLE_SETTINGS = { sdkAppId: 1400000000, token: 'test-token' } as const

/** The environment of an example run as a server process (Bun, Deno): the settings, on a free loopback port. */
export const EXAMPLE_SERVER_ENV = {
  SDKAPPID: String(EXAMPLE_SETTINGS.sdkAppId),
  CALLBACK_TOKEN: EXAMPLE_SETTINGS.token,
  HOST: '127.0.0.1',
  PORT: '0',
}

/** The first callback an example is sent, and the line its handler prints for it. */
export interface FirstCallback {
  readonly name: 'battle.ended' | 'room.created'
  readonly printed: string
  readonly title: string
}

/**
 * The behaviour the edge examples share, on the runtime `start` runs the example on: a signed callback answered
 * and handled, a gift over the limit refused and a small one allowed, a callback signed with another token refused
 * and reported. Call inside the example's `describe`.
 */
export function describeEdgeExample(start: () => Promise<RuntimeProcess>, first: FirstCallback): void {
  const { sdkAppId, token } = EXAMPLE_SETTINGS
  let server: RuntimeProcess
  before(async () => {
    server = await start()
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

  it(first.title, async () => {
    const answer = await send(createTestCallback(first.name, { sdkAppId, token }))
    expect(answer).to.deep.equal({ status: 200, body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } })
    await server.waitForLine(first.printed)
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
}

/** A battle's end, printed with both room owners' 18-digit IDs exact. */
export const BATTLE_ENDED: FirstCallback = {
  name: 'battle.ended',
  printed: 'battle ended: pk-3 of 144115245353757792 vs pk-5 of 144115245442327522',
  title: "answers a signed callback and prints a battle's room owners with every digit of their 18-digit IDs",
}
