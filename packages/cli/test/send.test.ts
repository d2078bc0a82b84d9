import { createServer } from 'node:http'
import { expect } from 'chai'
import { createNodeHandler, createRoomWebhooks } from '@roomhooks/core'
import { sendCallback } from '@roomhooks/cli'
import { listen } from '../../../test/support/http.js'

const sdkAppId = 1400000000

describe('sendCallback()', () => {
  it("names a before-callback's decision from its answer, and none for an after-callback", async () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: { warn: () => {} } })
      .on('gift.beforeSend', (event) => (event.payload.GiftWater.Coins > 1 ? event.reject('Too large') : undefined))
      .on('message.beforeSend', (event) =>
        event.payload.MsgBody.length > 1 ? event.drop() : event.allow({ MsgBody: [] }),
      )
    const server = await listen(createServer(createNodeHandler(hooks)))
    try {
      const url = `${server.url}/cb`
      const twoTexts = [
        { MsgType: 'TIMTextElem', MsgContent: { Text: 'a' } },
        { MsgType: 'TIMTextElem', MsgContent: { Text: 'b' } },
      ]
      const results = [
        await sendCallback('gift.beforeSend', { url, sdkAppId, overrides: { GiftWater: { Coins: 1 } } }),
        await sendCallback('gift.beforeSend', { url, sdkAppId, overrides: { GiftWater: { Coins: 1000 } } }),
        await sendCallback('message.beforeSend', { url, sdkAppId }),
        await sendCallback('message.beforeSend', { url, sdkAppId, overrides: { MsgBody: twoTexts } }),
        await sendCallback('room.destroyed', { url, sdkAppId }),
        await sendCallback('gift.beforeSend', { url, sdkAppId: 1, overrides: { GiftWater: { Coins: 1 } } }),
      ]
      expect(results.map(({ status, refused, decision }) => [status, refused, decision])).to.deep.equal([
        [200, false, 'allowed'],
        [200, true, 'rejected'],
        [200, false, 'replaced'],
        [200, true, 'dropped'],
        [200, false, undefined],
        [403, false, undefined],
      ])
    } finally {
      await server.close()
    }
  })
})
