import { expect } from 'chai'
import { createRoomWebhooks, type RoomhooksError, type RoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from './support/callbacks.js'
import { listen, post, type RunningServer } from './support/http.js'
import { allTransports } from './support/transports.js'

const PATH = '/tencent/callback'

// Before-callback decisions are the money path: a decision counts when it is made, and an answer that cannot be
// sent becomes the documented failure decision, whichever transport carries it.

const GIFT = 'Live.CallbackBeforeSendGift'
const MESSAGE = 'Group.CallbackBeforeSendMsg'

for (const [transport, mount] of Object.entries(allTransports)) {
  const start = async (hooks: RoomWebhooks) => listen(await mount(hooks, { path: PATH }))
  describe(`before-callback decisions over ${transport}`, () => {
    let server: RunningServer | undefined
    afterEach(async () => {
      await server?.close()
      server = undefined
    })

    async function send(hooks: RoomWebhooks, command: string, body = fixtureText(command)) {
      server ??= await start(hooks)
      return post(`${server.url}${PATH}?${callbackQuery({ command })}`, body)
    }

    function receiver() {
      const errors: RoomhooksError[] = []
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn: () => {}, error: () => {} } }).onError(
        (error) => void errors.push(error),
      )
      return { hooks, errors }
    }

    it('rejects a gift when reject() is called and not returned', async () => {
      const { hooks } = receiver()
      hooks.on('gift.beforeSend', async (event) => {
        if (event.payload.GiftWater.Coins > 100) event.reject('too big')
      })
      const answer = await send(hooks, GIFT)
      expect([answer.status, answer.envelope]).to.deep.equal([
        200,
        { ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'too big' },
      ])
    })

    it('drops a message when drop() is called and not returned', async () => {
      const { hooks } = receiver()
      hooks.on('message.beforeSend', (event) => {
        event.drop()
      })
      expect((await send(hooks, MESSAGE)).envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 2, ErrorInfo: '' })
    })

    for (const [kind, body] of [
      ['a BigInt', () => [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi', Seq: 10n } }]],
      [
        'a cycle',
        () => {
          const content: Record<string, unknown> = { Text: 'hi' }
          content['self'] = content
          return [{ MsgType: 'TIMTextElem', MsgContent: content }]
        },
      ],
    ] as const) {
      it(`answers the failure decision, as JSON, when allow({ MsgBody }) holds ${kind}, and keeps serving`, async () => {
        const { hooks, errors } = receiver()
        hooks.on('message.beforeSend', (event) => event.allow({ MsgBody: body() as never }))
        const answer = await send(hooks, MESSAGE)
        expect([answer.status, answer.envelope]).to.deep.equal([
          200,
          { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' },
        ])
        expect(errors.map((error) => error.reason)).to.deep.equal(['HANDLER_FAILED'])
        expect((await send(hooks, GIFT)).status).to.equal(200)
      })
    }
  })
}
