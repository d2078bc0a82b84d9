import { expect } from 'chai'
import { createRoomWebhooks, type AnyCallbackEvent, type RoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from './support/callbacks.js'
import { listen, post, type RunningServer } from './support/http.js'
import { allTransports } from './support/transports.js'

const PATH = '/tencent/callback'

// Bodies the second hardening round found mishandled, through each transport that carries them.

const BIG = '144115216631667826'

for (const [transport, mount] of Object.entries(allTransports)) {
  const start = async (hooks: RoomWebhooks) => listen(await mount(hooks, { path: PATH }))
  describe(`bodies over ${transport}`, () => {
    let server: RunningServer | undefined
    let hooks: RoomWebhooks
    let events: AnyCallbackEvent[]
    beforeEach(async () => {
      events = []
      hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn: () => {}, error: () => {} } }).onAny(
        (event) => void events.push(event),
      )
      server = await start(hooks)
    })
    afterEach(async () => {
      await server?.close()
      server = undefined
    })

    const send = (command: string, body: string | Uint8Array, query = callbackQuery({ command })) =>
      post(`${server!.url}${PATH}?${query}`, body)

    it('keeps integers above 2^53 exact in string fields that are not *_Account (RoomId, BattleId, GroupId, UserId)', async () => {
      const bodies: [string, string][] = [
        [
          'Room.CallbackAfterDestroyRoom',
          fixtureText('Room.CallbackAfterDestroyRoom').replace('"tandy-test-rest"', BIG),
        ],
        [
          'Live.CallbackAfterEndBattle',
          fixtureText('Live.CallbackAfterEndBattle').replace(/"BattleId": "[^"]+"/, `"BattleId": ${BIG}`),
        ],
        ['Group.CallbackAfterSendMsg', fixtureText('Group.CallbackAfterSendMsg').replace('"@TGS#2J4SZEAEL"', BIG)],
        [
          'Live.CallbackAfterCloudRecordingChanged',
          fixtureText('Live.CallbackAfterCloudRecordingChanged').replace('"user1"', BIG),
        ],
      ]
      for (const [command, body] of bodies) expect((await send(command, body)).status, command).to.equal(200)
      const payloads = events.map((event) => event.payload as Record<string, any>)
      expect([
        payloads[0]?.['RoomId'],
        payloads[1]?.['BattleId'],
        payloads[2]?.['GroupId'],
        payloads[3]?.['EventInfo'].UserId,
      ]).to.deep.equal([BIG, BIG, BIG, BIG])
    })

    it('refuses a leading-zero number under an *_Account key as invalid JSON', async () => {
      const body = fixtureText('Room.CallbackAfterDestroyRoom').replace('"admin"', `0${BIG}`)
      const answer = await send('Room.CallbackAfterDestroyRoom', body)
      expect([answer.status, answer.envelope.ErrorCode]).to.deep.equal([400, 40002])
      expect(events).to.deep.equal([])
    })

    it('refuses a Latin-1 body with 40002 instead of reading replacement characters', async () => {
      const body = Buffer.from(
        fixtureText('Room.CallbackAfterDestroyRoom').replace('tandy-test-rest', 'caf\u00e9'),
        'latin1',
      )
      const answer = await send('Room.CallbackAfterDestroyRoom', body)
      expect([answer.status, answer.envelope.ErrorCode]).to.deep.equal([400, 40002])
    })

    it('cuts what it echoes from an 8,000-character query value', async () => {
      const query = callbackQuery({ command: 'Room.CallbackAfterDestroyRoom' }).replace(
        /CallbackCommand=[^&]+/,
        `CallbackCommand=${'A'.repeat(8000)}`,
      )
      const answer = await send('Room.CallbackAfterDestroyRoom', fixtureText('Room.CallbackAfterCreateRoom'), query)
      expect(answer.status).to.equal(400)
      expect(answer.envelope.ErrorInfo.length).to.be.below(200)
    })
  })
}
