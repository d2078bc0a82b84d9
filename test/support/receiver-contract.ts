import { expect } from 'chai'
import { createRoomWebhooks, type RoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureCommands, fixtureText, SDK_APP_ID, TOKEN } from './callbacks.js'
import {
  CALLBACK_PATH,
  createContractHooks,
  emptyObserved,
  type ContractHandlers,
  type ContractReceiver,
  type Observed,
} from './contract-receiver.js'
import { post, type RunningServer } from './http.js'

export { CALLBACK_PATH }

/** Starts an app that mounts the receiver for `hooks` at `CALLBACK_PATH`. */
export type StartApp = (hooks: RoomWebhooks) => Promise<RunningServer>

/**
 * An app already running in another process (Bun, Deno, workerd), serving test/support/contract-app.ts: it makes
 * each case's receiver from the ContractReceiver it is given, as the in-process contract does, and reports what the
 * receiver's handlers saw.
 */
export interface RemoteApp {
  readonly url: string
  setUp(receiver: ContractReceiver): Promise<void>
  observed(): Promise<Observed>
}

/** The app serving one case's receiver. */
interface CaseApp {
  readonly url: string
  observed(): Promise<Observed>
  close(): Promise<void>
}

/** The user IDs above 2^53 that documented samples send as bare numbers, and the digits that must arrive. */
const EXACT_IDS: Record<string, (payload: any) => [unknown, string][]> = {
  'Live.CallbackAfterDestroyRoom': (payload) => [[payload.RoomInfo.Owner_Account, '144115216631667826']],
  'Mic.CallbackAfterSeatInfoChanged': (payload) => [[payload.SeatList[0].Member_Account, '144115233775727695']],
  'Live.CallbackAfterEndBattle': (payload) => [
    [payload.FromRoomInfo.Owner_Account, '144115245353757792'],
    [payload.ToRoomList[0].Owner_Account, '144115245442327522'],
  ],
}

/** How the app in front of the receiver treats the body. */
export interface AppSetup {
  /** A body parser runs before the receiver (it answers malformed JSON itself). */
  readonly parsesBody?: boolean
  /** That parser keeps the raw text too, so user IDs can stay exact. */
  readonly keepsRawBody?: boolean
  /**
   * createRoomWebhooks() of the build the app loads, when that is not the one this file imports: a Nest application
   * is CommonJS, and the receiver it mounts tells core's own errors (413) from a handler's by their class.
   */
  readonly createRoomWebhooks?: typeof createRoomWebhooks
}

/**
 * The behaviour every transport must show: each row of the answer table in docs/responses.md, every fixture
 * reaching the right handler with its big IDs exact, and hostile bodies. Run once per adapter (and per framework
 * version or body-parser setup), and on each runtime (describeRemoteReceiverContract).
 */
export function describeReceiverContract(start: StartApp, setup: AppSetup = {}): void {
  const createHooks = setup.createRoomWebhooks ?? createRoomWebhooks
  describeContract(async (receiver) => {
    const observed = emptyObserved()
    const server = await start(createContractHooks(createHooks, receiver, observed))
    return { url: server.url, observed: async () => observed, close: () => server.close() }
  }, setup)
}

/** The same contract against an app on another runtime, started once for all its cases. */
export function describeRemoteReceiverContract(app: () => RemoteApp): void {
  describeContract(async (receiver) => {
    const remote = app()
    await remote.setUp(receiver)
    return { url: remote.url, observed: () => remote.observed(), close: async () => {} }
  })
}

function describeContract(open: (receiver: ContractReceiver) => Promise<CaseApp>, setup: AppSetup = {}): void {
  const exactIds = !setup.parsesBody || setup.keepsRawBody
  let app: CaseApp | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function send(
    options: Omit<ContractReceiver, 'sdkAppId' | 'handlers'>,
    handlers: ContractHandlers,
    request: { query: string; body: string | Uint8Array; headers?: Record<string, string> },
  ) {
    app = await open({ sdkAppId: SDK_APP_ID, ...options, handlers })
    const answer = await post(`${app.url}${CALLBACK_PATH}?${request.query}`, request.body, request.headers)
    return { ...answer, ...(await app.observed()) }
  }

  /** Several callbacks to one receiver that keeps every event. */
  async function sendEach(requests: { command: string; body: string | Uint8Array; query?: string }[]) {
    app = await open({ sdkAppId: SDK_APP_ID, handlers: 'keep-events' })
    const answers = []
    for (const { command, body, query = callbackQuery({ command }) } of requests) {
      answers.push(await post(`${app.url}${CALLBACK_PATH}?${query}`, body))
    }
    return { answers, ...(await app.observed()) }
  }

  const created = 'Room.CallbackAfterCreateRoom'

  describe('every fixture', () => {
    for (const command of fixtureCommands) {
      it(`delivers ${command} to its handler with the payload sent`, async () => {
        const answer = await send({ token: TOKEN }, 'keep-events', {
          query: callbackQuery({ command, token: TOKEN }),
          body: fixtureText(command),
        })
        expect(answer.status).to.equal(200)
        expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
        expect(answer.events).to.have.length(1)
        const event = answer.events[0]!
        expect(event.command).to.equal(command)
        expect(event.sdkAppId).to.equal(SDK_APP_ID)
        expect(event.payload['CallbackCommand']).to.equal(JSON.parse(fixtureText(command)).CallbackCommand)
        const ids = EXACT_IDS[command]?.(event.payload) ?? []
        for (const [received, sent] of ids) {
          if (exactIds) expect(received).to.equal(sent)
          else expect(received).to.be.a('string')
        }
      })
    }
  })

  describe('answers', () => {
    it('answers 200 OK after the handlers of a verified, valid callback succeed', async () => {
      const answer = await send({ token: TOKEN }, 'note-room-id-later', {
        query: callbackQuery({ command: created, token: TOKEN }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(200)
      expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
      expect(answer.notes).to.deep.equal(['tandy-test-rest'])
    })

    it('answers 200 OK to an unknown command and runs only onAny handlers', async () => {
      const answer = await send({}, 'note-on-and-any', {
        // A command newer than the catalog: the testing kit only builds known ones.
        query: `SdkAppid=${SDK_APP_ID}&CallbackCommand=Room.CallbackAfterSomethingNew`,
        body: '{"CallbackCommand":"Room.CallbackAfterSomethingNew","X":1}',
      })
      expect(answer.status).to.equal(200)
      expect(answer.envelope.ActionStatus).to.equal('OK')
      expect(answer.notes).to.deep.equal(['any:null:Room.CallbackAfterSomethingNew'])
    })

    it('answers 403 to a wrong SdkAppid and runs no handler', async () => {
      const answer = await send({}, 'note-any', {
        query: callbackQuery({ command: created, sdkAppId: 1400000001 }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(403)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40302 })
      expect(answer.envelope.ErrorInfo).to.match(/SdkAppid "1400000001" is not accepted/)
      expect(answer.notes).to.deep.equal([])
      expect(answer.errors).to.deep.equal(['UNKNOWN_SDKAPPID'])
    })

    it('answers 403 when SdkAppid is missing', async () => {
      const answer = await send({}, 'none', {
        query: 'CallbackCommand=Room.CallbackAfterCreateRoom',
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(403)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40301 })
    })

    it('answers 401 when a token is configured and Sign is missing', async () => {
      const answer = await send({ token: TOKEN }, 'note-any', {
        query: callbackQuery({ command: created }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(401)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40101 })
      expect(answer.notes).to.deep.equal([])
    })

    it('answers 401 when Sign was made with another token', async () => {
      const answer = await send({ token: TOKEN }, 'none', {
        query: callbackQuery({ command: created, token: 'another-token' }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(401)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40106 })
    })

    it('answers 401 when RequestTime is outside the window', async () => {
      const answer = await send({ token: TOKEN }, 'none', {
        query: callbackQuery({ command: created, token: TOKEN, requestTime: Math.floor(Date.now() / 1000) - 120 }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(401)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40104 })
    })

    if (!setup.parsesBody) {
      it('answers 400 when the body is not JSON', async () => {
        const answer = await send({}, 'none', {
          query: callbackQuery({ command: created }),
          body: '{"CallbackCommand": ',
        })
        expect(answer.status).to.equal(400)
        expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40002 })
        expect(answer.envelope.ErrorInfo).to.match(/^The body is not valid JSON/)
      })

      it('answers 400 when the body is JSON but not an object', async () => {
        const answer = await send({}, 'none', { query: callbackQuery({ command: created }), body: '[1,2]' })
        expect(answer.status).to.equal(400)
        expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40003 })
      })
    }

    it('answers 413 when the body is over the size limit', async () => {
      const answer = await send({ bodyLimit: 256 }, 'note-any', {
        query: callbackQuery({ command: created }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(413)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 41301 })
      expect(answer.notes).to.deep.equal([])
    })

    it('answers 400 naming the first failing field when the body does not match the schema', async () => {
      const body = JSON.stringify({ ...JSON.parse(fixtureText(created)), RoomInfo: { RoomName: 'no id' } })
      const answer = await send({}, 'note-any', {
        query: callbackQuery({ command: created }),
        body,
      })
      expect(answer.status).to.equal(400)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40006 })
      expect(answer.envelope.ErrorInfo).to.contain('/RoomInfo/RoomId')
      expect(answer.notes).to.deep.equal([])
    })

    it('answers 500 with a generic text when a handler throws, and tells onError', async () => {
      const answer = await send({}, 'room-created-throws', {
        query: callbackQuery({ command: created }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(500)
      expect(answer.envelope).to.deep.equal({
        ActionStatus: 'FAIL',
        ErrorCode: 50001,
        ErrorInfo: 'A handler for Room.CallbackAfterCreateRoom failed',
      })
      expect(answer.errors).to.deep.equal(['HANDLER_FAILED'])
    })

    it('answers 200 OK with the decision when a before-callback handler rejects', async () => {
      const command = 'Live.CallbackBeforeSendGift'
      const answer = await send({}, 'gift-rejected', {
        query: callbackQuery({ command }),
        body: fixtureText(command),
      })
      expect(answer.status).to.equal(200)
      expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'Gift too large' })
    })

    it('answers 500 when a handler rejects', async () => {
      const answer = await send({}, 'room-created-rejects', {
        query: callbackQuery({ command: created }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(500)
      expect(answer.envelope.ErrorInfo).not.to.contain('boom')
    })
  })
  // Bodies the second hardening round found mishandled; a body parser ahead of the receiver answers them itself.
  if (!setup.parsesBody) {
    describe('hostile bodies', () => {
      const BIG = '144115216631667826'

      it('keeps integers above 2^53 exact in string fields that are not *_Account (RoomId, BattleId, GroupId, UserId)', async () => {
        const { answers, events } = await sendEach([
          {
            command: 'Room.CallbackAfterDestroyRoom',
            body: fixtureText('Room.CallbackAfterDestroyRoom').replace('"tandy-test-rest"', BIG),
          },
          {
            command: 'Live.CallbackAfterEndBattle',
            body: fixtureText('Live.CallbackAfterEndBattle').replace(/"BattleId": "[^"]+"/, `"BattleId": ${BIG}`),
          },
          {
            command: 'Group.CallbackAfterSendMsg',
            body: fixtureText('Group.CallbackAfterSendMsg').replace('"@TGS#2J4SZEAEL"', BIG),
          },
          {
            command: 'Live.CallbackAfterCloudRecordingChanged',
            body: fixtureText('Live.CallbackAfterCloudRecordingChanged').replace('"user1"', BIG),
          },
        ])
        expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200, 200])
        const payloads = events.map((event) => event.payload as Record<string, any>)
        expect([
          payloads[0]?.['RoomId'],
          payloads[1]?.['BattleId'],
          payloads[2]?.['GroupId'],
          payloads[3]?.['EventInfo'].UserId,
        ]).to.deep.equal([BIG, BIG, BIG, BIG])
      })

      it('refuses a leading-zero number under an *_Account key as invalid JSON', async () => {
        const command = 'Room.CallbackAfterDestroyRoom'
        const { answers, events } = await sendEach([
          { command, body: fixtureText(command).replace('"admin"', `0${BIG}`) },
        ])
        expect([answers[0]?.status, answers[0]?.envelope.ErrorCode]).to.deep.equal([400, 40002])
        expect(events).to.deep.equal([])
      })

      it('refuses a Latin-1 body with 40002 instead of reading replacement characters', async () => {
        const command = 'Room.CallbackAfterDestroyRoom'
        const body = Buffer.from(fixtureText(command).replace('tandy-test-rest', 'caf\u00e9'), 'latin1')
        const { answers, events } = await sendEach([{ command, body }])
        expect([answers[0]?.status, answers[0]?.envelope.ErrorCode]).to.deep.equal([400, 40002])
        expect(events).to.deep.equal([])
      })

      it('cuts what it echoes from an 8,000-character query value', async () => {
        const command = 'Room.CallbackAfterDestroyRoom'
        const query = callbackQuery({ command }).replace(/CallbackCommand=[^&]+/, `CallbackCommand=${'A'.repeat(8000)}`)
        const { answers } = await sendEach([{ command, body: fixtureText('Room.CallbackAfterCreateRoom'), query }])
        expect(answers[0]?.status).to.equal(400)
        expect(answers[0]?.envelope.ErrorInfo.length).to.be.below(200)
      })
    })
  }
}
