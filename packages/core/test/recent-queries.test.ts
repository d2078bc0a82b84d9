import { expect } from 'chai'
import { createRoomWebhooks, type CallbackParameters } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'

// The receiver keeps the query strings it read lately (the platform sends the same ones over and over): what it
// keeps must never stand in for verifying each callback as it arrives.
describe('query strings read again', () => {
  const command = 'Room.CallbackAfterCreateRoom'
  const body = fixtureText(command)

  it('verifies a query string it has read before against the clock again', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: TOKEN, log: { warn: () => {}, info: () => {} } })
    const query = callbackQuery({ command, token: TOKEN })
    expect((await hooks.receive({ query, body })).status).to.equal(200)
    expect((await hooks.receive({ query, body })).status).to.equal(200)
    const realNow = Date.now
    Date.now = () => realNow() + 120_000
    try {
      const answer = await hooks.receive({ query, body })
      expect(answer.status).to.equal(401)
      expect(answer.body.ErrorInfo).to.match(/RequestTime/)
    } finally {
      Date.now = realNow
    }
  })

  it('reads each of many query strings as its own, past the number it keeps', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: '*' })
    const seen: (string | undefined)[] = []
    hooks.observe({ observe: () => ({ query: (parameters: CallbackParameters) => seen.push(parameters.sdkAppId) }) })
    const ids = Array.from({ length: 150 }, (_, i) => 1400000000 + (i % 100))
    for (const sdkAppId of ids) {
      const answer = await hooks.receive({ query: callbackQuery({ command, sdkAppId }), body })
      expect(answer.status).to.equal(200)
    }
    expect(seen).to.deep.equal(ids.map(String))
  })

  it('does not let an observer change what later callbacks with the same query string read', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
    const query = callbackQuery({ command })
    const told: CallbackParameters[] = []
    hooks.observe({
      observe: () => ({
        query: (parameters: CallbackParameters) => {
          told.push({ ...parameters })
          ;(parameters as { sdkAppId?: string }).sdkAppId = '1'
        },
      }),
    })
    for (let i = 0; i < 2; i++) expect((await hooks.receive({ query, body })).status).to.equal(200)
    expect(told[1]).to.deep.equal(told[0])
    expect(told[0]?.sdkAppId).to.equal(String(SDK_APP_ID))
  })
})
