import { expect } from 'chai'
import {
  createRoomWebhooks,
  ValidationError,
  type AnyCallbackEvent,
  type RoomhooksError,
  type RoomWebhooksOptions,
} from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'

// What an authentic callback may look like and still be handled: the shapes Tencent's pages allow, the exact digits
// of every string field, and the bounded, safe text of every refusal.

function setup(options: Partial<RoomWebhooksOptions> = {}) {
  const warnings: string[] = []
  const errors: RoomhooksError[] = []
  const events: AnyCallbackEvent[] = []
  const hooks = createRoomWebhooks({
    sdkAppId: SDK_APP_ID,
    log: { warn: (line: string) => void warnings.push(line) },
    ...options,
  })
    .onAny((event) => void events.push(event))
    .onError((error) => void errors.push(error))
  const send = (command: string, body: string | object, query = callbackQuery({ command })) =>
    hooks.receive({ query, body })
  const payload = () => events[0]?.payload as Record<string, any>
  return { hooks, warnings, errors, events, send, payload }
}

/** A fixture with some of its fields changed, as text. */
function changed(command: string, change: (payload: Record<string, any>) => void): string {
  const payload = JSON.parse(fixtureText(command))
  change(payload)
  return JSON.stringify(payload)
}

const SEAT = 'Mic.CallbackAfterSeatInfoChanged'
const LIVE_CREATED = 'Live.CallbackAfterCreateRoom'

describe('intake of authentic callbacks', () => {
  describe('shapes the platform documents', () => {
    it('reads null in an optional field as absent (a free seat, an empty CustomInfo)', async () => {
      const { send, payload } = setup()
      const seat = fixtureText(SEAT).replace('144115233775727695', 'null')
      expect((await send(SEAT, seat)).status).to.equal(200)
      expect(payload()['SeatList'][0]).not.to.have.property('Member_Account')
      const { send: sendLive, payload: livePayload } = setup()
      expect(
        (
          await sendLive(
            LIVE_CREATED,
            changed(LIVE_CREATED, (body) => (body.RoomInfo.CustomInfo = null)),
          )
        ).status,
      ).to.equal(200)
      expect(livePayload()['RoomInfo']).not.to.have.property('CustomInfo')
    })

    it('still refuses null in a required field, naming it', async () => {
      const { send } = setup()
      const answer = await send(
        SEAT,
        changed(SEAT, (body) => (body.RoomId = null)),
      )
      expect([answer.status, answer.body.ErrorInfo]).to.deep.equal([
        400,
        'Mic.CallbackAfterSeatInfoChanged payload is invalid at /RoomId: Expected string',
      ])
    })

    for (const [sent, read] of [
      [true, true],
      [false, false],
      ['true', true],
      ['FALSE', false],
      ['True', true],
      [1, true],
      [0, false],
      ['1', true],
      ['0', false],
    ] as const) {
      it(`reads ${JSON.stringify(sent)} in a boolean field as ${read}`, async () => {
        const { send, payload } = setup()
        const answer = await send(
          LIVE_CREATED,
          changed(LIVE_CREATED, (body) => (body.RoomInfo.IsMessageDisabled = sent)),
        )
        expect(answer.status).to.equal(200)
        expect(payload()['RoomInfo'].IsMessageDisabled).to.equal(read)
      })
    }

    it('refuses a boolean field holding anything else, naming it', async () => {
      const { send } = setup()
      const answer = await send(
        LIVE_CREATED,
        changed(LIVE_CREATED, (body) => (body.RoomInfo.IsMessageDisabled = 'yes')),
      )
      expect(answer.body.ErrorInfo).to.equal(
        'Live.CallbackAfterCreateRoom payload is invalid at /RoomInfo/IsMessageDisabled: Expected boolean',
      )
    })

    for (const sent of ['untrue', 'truex', 'falsey', 'nofalse', '10', '01', 2, -1, [true], {}]) {
      it(`refuses ${JSON.stringify(sent)} in a boolean field, naming it`, async () => {
        const { send } = setup()
        const answer = await send(
          LIVE_CREATED,
          changed(LIVE_CREATED, (body) => (body.RoomInfo.IsMessageDisabled = sent)),
        )
        expect([answer.status, answer.body.ErrorInfo]).to.deep.equal([
          400,
          'Live.CallbackAfterCreateRoom payload is invalid at /RoomInfo/IsMessageDisabled: Expected boolean',
        ])
      })
    }

    for (const [sent, read] of [
      ['300', 300],
      ['-3', -3],
      [300, 300],
    ] as const) {
      it(`reads ${JSON.stringify(sent)} in an integer field as ${read}`, async () => {
        const { send, payload } = setup()
        const answer = await send(
          LIVE_CREATED,
          changed(LIVE_CREATED, (body) => (body.RoomInfo.MaxMemberCount = sent)),
        )
        expect(answer.status).to.equal(200)
        expect(payload()['RoomInfo'].MaxMemberCount).to.equal(read)
      })
    }

    for (const sent of [true, [300], '1e12', '0x10', '300 ', ' 300', '3.5', '3.', '', 'three']) {
      it(`refuses ${JSON.stringify(sent)} in an integer field, naming it`, async () => {
        const { send } = setup()
        const answer = await send(
          LIVE_CREATED,
          changed(LIVE_CREATED, (body) => (body.RoomInfo.MaxMemberCount = sent)),
        )
        expect(answer.status).to.equal(400)
        expect(answer.body.ErrorInfo).to.match(
          /^Live\.CallbackAfterCreateRoom payload is invalid at \/RoomInfo\/MaxMemberCount: /,
        )
      })
    }

    it('reads numeric strings in a list of integers as numbers', async () => {
      const { send, payload } = setup()
      const answer = await send(
        LIVE_CREATED,
        changed(LIVE_CREATED, (body) => (body.RoomInfo.Category = ['1', 2, '-3'])),
      )
      expect(answer.status).to.equal(200)
      expect(payload()['RoomInfo'].Category).to.deep.equal([1, 2, -3])
    })

    it('reads a number in a string field as its decimal text', async () => {
      const { send, payload } = setup()
      const answer = await send(
        LIVE_CREATED,
        changed(LIVE_CREATED, (body) => (body.RoomInfo.RoomName = 12.5)),
      )
      expect(answer.status).to.equal(200)
      expect(payload()['RoomInfo'].RoomName).to.equal('12.5')
    })

    it('refuses null in a required object field as a 400 naming it', async () => {
      const { send, errors } = setup()
      const answer = await send(
        LIVE_CREATED,
        changed(LIVE_CREATED, (body) => (body.RoomInfo = null)),
      )
      expect([answer.status, answer.body.ErrorInfo]).to.deep.equal([
        400,
        'Live.CallbackAfterCreateRoom payload is invalid at /RoomInfo: Expected object',
      ])
      expect(errors[0]).to.be.instanceOf(ValidationError)
    })

    for (const sent of ['user1', { 0: 'user1' }, 7]) {
      it(`refuses ${JSON.stringify(sent)} where a list of user IDs belongs as a 400 naming the field`, async () => {
        const { send, errors } = setup()
        const body = `{"CallbackCommand":"Room.CallbackAfterMemberEnter","RoomId":"r","MemberList_Account":${JSON.stringify(sent)}}`
        const answer = await send('Room.CallbackAfterMemberEnter', body)
        expect(answer.status).to.equal(400)
        expect(answer.body.ErrorInfo).to.match(
          /^Room\.CallbackAfterMemberEnter payload is invalid at \/MemberList_Account: /,
        )
        expect(errors[0]).to.be.instanceOf(ValidationError)
      })
    }

    it('refuses a list where an object belongs as a 400 naming the field', async () => {
      const { send } = setup()
      const answer = await send(
        LIVE_CREATED,
        changed(LIVE_CREATED, (body) => (body.RoomInfo = [{ RoomId: 'r' }])),
      )
      expect([answer.status, answer.body.ErrorInfo]).to.deep.equal([
        400,
        'Live.CallbackAfterCreateRoom payload is invalid at /RoomInfo: Expected object',
      ])
    })

    it('leaves an absent optional field absent', async () => {
      const { send, payload } = setup()
      const answer = await send(
        LIVE_CREATED,
        // The string MaxMemberCount makes the body need repairs, so that every field is looked at.
        changed(LIVE_CREATED, (body) => {
          delete body.RoomInfo.CustomInfo
          body.RoomInfo.MaxMemberCount = '300'
        }),
      )
      expect(answer.status).to.equal(200)
      expect(Object.hasOwn(payload()['RoomInfo'], 'CustomInfo')).to.equal(false)
    })

    it('refuses NaN or Infinity in a string field of a body a parser already read, naming it', async () => {
      for (const roomId of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const { send } = setup()
        const answer = await send('Room.CallbackAfterDestroyRoom', {
          CallbackCommand: 'Room.CallbackAfterDestroyRoom',
          RoomId: roomId,
        })
        expect([answer.status, answer.body.ErrorInfo], String(roomId)).to.deep.equal([
          400,
          'Room.CallbackAfterDestroyRoom payload is invalid at /RoomId: Expected string',
        ])
      }
    })

    it('repairs fields of objects inside a list: a number in a string field, a numeric string in an integer field', async () => {
      const { send, payload } = setup()
      const battle = changed('Live.CallbackAfterEndBattle', (body) => {
        body.ToRoomList[0].RoomId = 12
        body.ToRoomList[0].Score = '7'
      })
      expect((await send('Live.CallbackAfterEndBattle', battle)).status).to.equal(200)
      expect(payload()['ToRoomList'][0]).to.include({ RoomId: '12', Score: 7 })
    })

    it('keeps every bare ID above 2^53 exact in string fields, in objects and in objects inside a list', async () => {
      const { send, payload, warnings } = setup()
      const battle = fixtureText('Live.CallbackAfterEndBattle')
        .replace('"RoomId": "pk-3"', '"RoomId": 144115216631667826')
        .replace('"RoomId": "pk-5"', '"RoomId": 144115216631667827')
      expect((await send('Live.CallbackAfterEndBattle', battle)).status).to.equal(200)
      expect([payload()['FromRoomInfo'].RoomId, payload()['ToRoomList'][0].RoomId]).to.deep.equal([
        '144115216631667826',
        '144115216631667827',
      ])
      expect(warnings).to.deep.equal([])
    })

    it('leaves a number above 2^53 in an integer field a number', async () => {
      const { send, payload } = setup()
      // The string Duration makes the body need repairs, so that the integer field is looked at.
      const battle = fixtureText('Live.CallbackAfterEndBattle')
        .replace('"Score": 0', '"Score": 144115216631667826')
        .replace('"Duration": 30000', '"Duration": "30000"')
      expect((await send('Live.CallbackAfterEndBattle', battle)).status).to.equal(200)
      expect(payload()['FromRoomInfo'].Score).to.equal(Number('144115216631667826'))
    })

    it('does not warn of lost digits for a list of string IDs a body parser already read', async () => {
      const { send, warnings } = setup()
      // The number RoomId makes the body need repairs, so that the list is looked at.
      const body = { CallbackCommand: 'Room.CallbackAfterMemberEnter', RoomId: 5, MemberList_Account: ['a', 'b'] }
      expect((await send('Room.CallbackAfterMemberEnter', body)).status).to.equal(200)
      expect(warnings).to.deep.equal([])
    })

    it("lets the query's command stand in for a body without one", async () => {
      const { send, payload, events } = setup()
      const body = changed('Room.CallbackAfterDestroyRoom', (payload) => delete payload.CallbackCommand)
      expect((await send('Room.CallbackAfterDestroyRoom', body)).status).to.equal(200)
      expect([events[0]?.name, payload()['CallbackCommand']]).to.deep.equal([
        'room.destroyed',
        'Room.CallbackAfterDestroyRoom',
      ])
    })

    it("lets the query's command stand in for an empty one in the body", async () => {
      const { send, payload } = setup()
      const body = fixtureText('Room.CallbackAfterDestroyRoom').replace(
        '"CallbackCommand": "Room.CallbackAfterDestroyRoom"',
        '"CallbackCommand": ""',
      )
      expect((await send('Room.CallbackAfterDestroyRoom', body)).status).to.equal(200)
      expect(payload()['CallbackCommand']).to.equal('Room.CallbackAfterDestroyRoom')
    })

    it("takes the body's command when the query names another known one, as the DelMetadata page's query table does, and warns", async () => {
      const { send, events, warnings } = setup()
      const query = callbackQuery({ command: 'Live.CallbackAfterSetMetadata' })
      const answer = await send('Live.CallbackAfterDelMetadata', fixtureText('Live.CallbackAfterDelMetadata'), query)
      expect(answer.status).to.equal(200)
      expect(events.map((event) => event.name)).to.deep.equal(['live.metadata.deleted'])
      expect(warnings).to.deep.equal([
        '[@roomhooks/core] The query string names Live.CallbackAfterSetMetadata but the body is Live.CallbackAfterDelMetadata; handled as Live.CallbackAfterDelMetadata',
      ])
    })

    it("accepts Follow.CallbackAfterFollowDelete as Tencent's page prints it", async () => {
      const { send, payload } = setup()
      const page =
        '{"CallbackCommand":"Follow.CallbackAfterFollowDelete","From_Account":"UserID_001","To_Account":["UserID_002","UserID_003"],"EventTime":1702018343678}'
      expect((await send('Follow.CallbackAfterFollowDelete', page)).status).to.equal(200)
      expect(payload()['To_Account']).to.deep.equal(['UserID_002', 'UserID_003'])
    })
  })

  describe('refused bodies are kept whole', () => {
    it('puts the parsed payload, IDs exact, and the raw text on the ValidationError', async () => {
      const { send, errors } = setup()
      const raw = fixtureText('Live.CallbackAfterDestroyRoom').replace(
        '"RoomId": "tandy-test-rest"',
        '"RoomId": {"bad": true}',
      )
      expect((await send('Live.CallbackAfterDestroyRoom', raw)).status).to.equal(400)
      const error = errors[0] as ValidationError
      expect(error).to.be.instanceOf(ValidationError)
      expect(error.body).to.equal(raw)
      expect((error.payload['RoomInfo'] as Record<string, unknown>)['Owner_Account']).to.equal('144115216631667826')
    })

    it('leaves body undefined when a body parser read the body first', async () => {
      const { send, errors } = setup()
      await send('Room.CallbackAfterDestroyRoom', { CallbackCommand: 'Room.CallbackAfterDestroyRoom', RoomId: true })
      expect([(errors[0] as ValidationError).body, (errors[0] as ValidationError).payload['RoomId']]).to.deep.equal([
        undefined,
        true,
      ])
    })
  })

  describe('exact digits in every string field', () => {
    const bigId = '144115216631667826'
    for (const [command, field, place, read] of [
      [
        'Room.CallbackAfterDestroyRoom',
        'RoomId',
        (body: string) => body.replace('"tandy-test-rest"', bigId),
        (p: any) => p.RoomId,
      ],
      [
        'Live.CallbackAfterEndBattle',
        'BattleId',
        (body: string) => body.replace(/"BattleId": "[^"]+"/, `"BattleId": ${bigId}`),
        (p: any) => p.BattleId,
      ],
      [
        'Group.CallbackAfterSendMsg',
        'GroupId',
        (body: string) => body.replace('"@TGS#2J4SZEAEL"', bigId),
        (p: any) => p.GroupId,
      ],
      [
        'Live.CallbackAfterCloudRecordingChanged',
        'EventInfo.UserId',
        (body: string) => body.replace('"user1"', bigId),
        (p: any) => p.EventInfo.UserId,
      ],
      [
        'Room.CallbackAfterDestroyRoom',
        'an escaped key, Operator\\u005fAccount',
        (body: string) => body.replace('"Operator_Account": "admin"', `"Operator\\u005fAccount": ${bigId}`),
        (p: any) => p.Operator_Account,
      ],
    ] as const) {
      it(`keeps a bare ${bigId} exact in ${command} ${field}`, async () => {
        const { send, payload, warnings } = setup()
        expect((await send(command, place(fixtureText(command)))).status).to.equal(200)
        expect(read(payload())).to.equal(bigId)
        expect(warnings).to.deep.equal([])
      })
    }

    it('refuses a number with a leading zero as invalid JSON rather than quoting it into an ID', async () => {
      const { send } = setup()
      const answer = await send(
        'Room.CallbackAfterDestroyRoom',
        fixtureText('Room.CallbackAfterDestroyRoom').replace('"admin"', '0144115216631667826'),
      )
      expect([answer.status, answer.body.ErrorCode]).to.deep.equal([400, 40002])
    })

    it('warns once per callback, however many IDs a pre-parsed body rounded', async () => {
      const { send, warnings } = setup()
      const body = {
        CallbackCommand: 'Room.CallbackAfterMemberEnter',
        RoomId: 'r',
        MemberList_Account: Array(50_000).fill(1e16 + 2),
      }
      expect((await send('Room.CallbackAfterMemberEnter', body)).status).to.equal(200)
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(
        /^\[@roomhooks\/core\] Room.CallbackAfterMemberEnter: 50000 fields \(the first \/MemberList_Account\/0\) arrived as numbers above 2\^53 after a body parser had read the body/,
      )
    })

    it('does not warn when it read the raw text itself, and keeps every digit', async () => {
      const { send, warnings, payload } = setup()
      const ids = Array.from({ length: 1000 }, (_, i) => `${10_000_000_000_000_001n + BigInt(i)}`)
      const body = `{"CallbackCommand":"Room.CallbackAfterMemberEnter","RoomId":"r","MemberList_Account":[${ids.join(',')}]}`
      expect((await send('Room.CallbackAfterMemberEnter', body)).status).to.equal(200)
      expect(warnings).to.deep.equal([])
      expect(payload()['MemberList_Account']).to.deep.equal(ids)
    })
  })

  describe('what a refusal echoes', () => {
    const long = `x${'\r\nINFO admin login succeeded'.repeat(300)}`
    it('cuts every echoed value and escapes line breaks, in ErrorInfo and in the log', async () => {
      const { hooks, errors } = setup({ token: TOKEN })
      const valid = callbackQuery({ command: 'Room.CallbackAfterDestroyRoom', token: TOKEN })
      const queries = [
        `SdkAppid=${encodeURIComponent(long)}`,
        valid.replace(/RequestTime=\d+/, `RequestTime=${encodeURIComponent(long)}`),
        valid.replace(/CallbackCommand=[^&]+/, `CallbackCommand=${encodeURIComponent(long)}`),
        valid.replace(/CallbackCommand=[^&]+/, `CallbackCommand=Room.CallbackAfter${'Y'.repeat(8000)}`),
      ]
      const answers = await Promise.all(
        queries.map((query) => hooks.receive({ query, body: fixtureText('Room.CallbackAfterDestroyRoom') })),
      )
      expect(answers.map((answer) => answer.status)).to.deep.equal([403, 401, 400, 400])
      for (const answer of answers) expect(answer.body.ErrorInfo.length).to.be.below(200)
      expect(errors).to.have.length(4)
      for (const error of errors) expect(error.message).not.to.match(/[\r\n\u2028\u2029]/)
    })

    it('refuses a CallbackCommand that is no command name, and handles one that is', async () => {
      const { send, events } = setup()
      const unknown = callbackQuery({ command: 'Room.CallbackAfterDestroyRoom' }).replace(
        /CallbackCommand=[^&]+/,
        'CallbackCommand=Room.CallbackAfterSomethingNew',
      )
      expect((await send('Room.CallbackAfterDestroyRoom', '{"RoomId":"r"}', unknown)).status).to.equal(200)
      const forged = unknown.replace('Room.CallbackAfterSomethingNew', 'Room.Callback%0D%0AINFO')
      const answer = await send('Room.CallbackAfterDestroyRoom', '{"RoomId":"r"}', forged)
      expect([answer.status, answer.body.ErrorCode, answer.body.ErrorInfo]).to.deep.equal([
        400,
        40009,
        'CallbackCommand "Room.Callback\\r\\nINFO" is not a command name',
      ])
      expect(events.map((event) => event.command)).to.deep.equal(['Room.CallbackAfterSomethingNew'])
    })
  })

  describe('options', () => {
    it('keeps its own copy of the token list: emptying the array passed does not turn Sign checks off', async () => {
      const tokens = [TOKEN]
      const { send } = setup({ token: tokens })
      tokens.length = 0
      const answer = await send('Room.CallbackAfterDestroyRoom', fixtureText('Room.CallbackAfterDestroyRoom'))
      expect(answer.body.ErrorCode).to.equal(40101)
    })

    it('refuses a token with white space around it at start-up', () => {
      expect(() => createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: `${TOKEN}\n` })).to.throw(TypeError, /white space/)
      expect(() => createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: ['ok', ' padded'] })).to.throw(
        TypeError,
        /white space/,
      )
    })

    it('warns at start-up when handlerTimeout is not under the platform’s 2 s', () => {
      const warnings: string[] = []
      createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        handlerTimeout: 1999,
        log: { warn: (line: string) => void warnings.push(line) },
      })
      expect(warnings).to.deep.equal([])
      createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        handlerTimeout: 2000,
        log: { warn: (line: string) => void warnings.push(line) },
      })
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(/handlerTimeout is 2000 ms, but the platform waits about 2000 ms/)
    })
  })
})
