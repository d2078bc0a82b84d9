import { expect } from 'chai'
import { createRoomWebhooks, type AnyCallbackEvent, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { callbackQuery, fixtureCommands, fixtureText, SDK_APP_ID, TOKEN } from './callbacks.js'
import { post, type RunningServer } from './http.js'

/** Starts an app that mounts the receiver for `hooks` at `CALLBACK_PATH`. */
export type StartApp = (hooks: RoomWebhooks) => Promise<RunningServer>

export const CALLBACK_PATH = '/tencent/callback'

/** The user IDs above 2^53 that documented samples send as bare numbers, and the digits that must arrive. */
const EXACT_IDS: Record<string, (payload: any) => [unknown, string][]> = {
  'Live.CallbackAfterDestroyRoom': (payload) => [[payload.RoomInfo.Owner_Account, '144115216631667826']],
  'Mic.CallbackAfterSeatInfoChanged': (payload) => [[payload.SeatList[0].Member_Account, '144115233775727695']],
  'Live.CallbackAfterEndBattle': (payload) => [
    [payload.FromRoomInfo.Owner_Account, '144115245353757792'],
    [payload.ToRoomList[0].Owner_Account, '144115245442327522'],
  ],
}

/**
 * The behaviour every transport must show: each row of the answer table in docs/responses.md, and every fixture
 * reaching the right handler. Run once per adapter (and per framework version or body-parser setup).
 */
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

export function describeReceiverContract(start: StartApp, setup: AppSetup = {}): void {
  const exactIds = !setup.parsesBody || setup.keepsRawBody
  const createHooks = setup.createRoomWebhooks ?? createRoomWebhooks
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function send(
    hooksOptions: Partial<RoomWebhooksOptions>,
    setup: (hooks: RoomWebhooks) => void,
    request: { query: string; body: string | Uint8Array; headers?: Record<string, string> },
  ) {
    const hooks = createHooks({
      sdkAppId: SDK_APP_ID,
      log: { warn: () => {}, error: () => {} },
      ...hooksOptions,
    })
    const errors: string[] = []
    hooks.onError((error) => {
      errors.push(error.reason)
    })
    setup(hooks)
    server = await start(hooks)
    const answer = await post(`${server.url}${CALLBACK_PATH}?${request.query}`, request.body, request.headers)
    return { ...answer, errors }
  }

  const created = 'Room.CallbackAfterCreateRoom'

  describe('every fixture', () => {
    for (const command of fixtureCommands) {
      it(`delivers ${command} to its handler with the payload sent`, async () => {
        const seen: AnyCallbackEvent[] = []
        const answer = await send({ token: TOKEN }, (hooks) => hooks.onAny((event) => void seen.push(event)), {
          query: callbackQuery({ command, token: TOKEN }),
          body: fixtureText(command),
        })
        expect(answer.status).to.equal(200)
        expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
        expect(seen).to.have.length(1)
        const event = seen[0] as AnyCallbackEvent
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
      let roomId: string | undefined
      const answer = await send(
        { token: TOKEN },
        (hooks) =>
          hooks.on('room.created', async (event) => {
            await new Promise((resolve) => setTimeout(resolve, 5))
            roomId = event.payload.RoomInfo.RoomId
          }),
        { query: callbackQuery({ command: created, token: TOKEN }), body: fixtureText(created) },
      )
      expect(answer.status).to.equal(200)
      expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
      expect(roomId).to.equal('tandy-test-rest')
    })

    it('answers 200 OK to an unknown command and runs only onAny handlers', async () => {
      const ran: string[] = []
      const answer = await send(
        {},
        (hooks) => {
          hooks.on('room.created', () => void ran.push('on'))
          hooks.onAny((event) => void ran.push(`any:${event.name}:${event.command}`))
        },
        {
          // A command newer than the catalog: the testing kit only builds known ones.
          query: `SdkAppid=${SDK_APP_ID}&CallbackCommand=Room.CallbackAfterSomethingNew`,
          body: '{"CallbackCommand":"Room.CallbackAfterSomethingNew","X":1}',
        },
      )
      expect(answer.status).to.equal(200)
      expect(answer.envelope.ActionStatus).to.equal('OK')
      expect(ran).to.deep.equal(['any:null:Room.CallbackAfterSomethingNew'])
    })

    it('answers 403 to a wrong SdkAppid and runs no handler', async () => {
      const ran: string[] = []
      const answer = await send({}, (hooks) => hooks.onAny(() => void ran.push('any')), {
        query: callbackQuery({ command: created, sdkAppId: 1400000001 }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(403)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40302 })
      expect(answer.envelope.ErrorInfo).to.match(/SdkAppid "1400000001" is not accepted/)
      expect(ran).to.deep.equal([])
      expect(answer.errors).to.deep.equal(['UNKNOWN_SDKAPPID'])
    })

    it('answers 403 when SdkAppid is missing', async () => {
      const answer = await send({}, () => {}, {
        query: 'CallbackCommand=Room.CallbackAfterCreateRoom',
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(403)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40301 })
    })

    it('answers 401 when a token is configured and Sign is missing', async () => {
      const ran: string[] = []
      const answer = await send({ token: TOKEN }, (hooks) => hooks.onAny(() => void ran.push('any')), {
        query: callbackQuery({ command: created }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(401)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40101 })
      expect(ran).to.deep.equal([])
    })

    it('answers 401 when Sign was made with another token', async () => {
      const answer = await send({ token: TOKEN }, () => {}, {
        query: callbackQuery({ command: created, token: 'another-token' }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(401)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40106 })
    })

    it('answers 401 when RequestTime is outside the window', async () => {
      const answer = await send({ token: TOKEN }, () => {}, {
        query: callbackQuery({ command: created, token: TOKEN, requestTime: Math.floor(Date.now() / 1000) - 120 }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(401)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40104 })
    })

    if (!setup.parsesBody) {
      it('answers 400 when the body is not JSON', async () => {
        const answer = await send({}, () => {}, {
          query: callbackQuery({ command: created }),
          body: '{"CallbackCommand": ',
        })
        expect(answer.status).to.equal(400)
        expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40002 })
        expect(answer.envelope.ErrorInfo).to.match(/^The body is not valid JSON/)
      })

      it('answers 400 when the body is JSON but not an object', async () => {
        const answer = await send({}, () => {}, { query: callbackQuery({ command: created }), body: '[1,2]' })
        expect(answer.status).to.equal(400)
        expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40003 })
      })
    }

    it('answers 413 when the body is over the size limit', async () => {
      const ran: string[] = []
      const answer = await send({ bodyLimit: 256 }, (hooks) => hooks.onAny(() => void ran.push('any')), {
        query: callbackQuery({ command: created }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(413)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 41301 })
      expect(ran).to.deep.equal([])
    })

    it('answers 400 naming the first failing field when the body does not match the schema', async () => {
      const ran: string[] = []
      const body = JSON.stringify({ ...JSON.parse(fixtureText(created)), RoomInfo: { RoomName: 'no id' } })
      const answer = await send({}, (hooks) => hooks.onAny(() => void ran.push('any')), {
        query: callbackQuery({ command: created }),
        body,
      })
      expect(answer.status).to.equal(400)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40006 })
      expect(answer.envelope.ErrorInfo).to.contain('/RoomInfo/RoomId')
      expect(ran).to.deep.equal([])
    })

    it('answers 500 with a generic text when a handler throws, and tells onError', async () => {
      const answer = await send(
        {},
        (hooks) =>
          hooks.on('room.created', () => {
            throw new Error('database password is hunter2')
          }),
        { query: callbackQuery({ command: created }), body: fixtureText(created) },
      )
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
      const answer = await send({}, (hooks) => hooks.on('gift.beforeSend', (event) => event.reject('Gift too large')), {
        query: callbackQuery({ command }),
        body: fixtureText(command),
      })
      expect(answer.status).to.equal(200)
      expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'Gift too large' })
    })

    it('answers 500 when a handler rejects', async () => {
      const answer = await send({}, (hooks) => hooks.on('room.created', () => Promise.reject(new Error('boom'))), {
        query: callbackQuery({ command: created }),
        body: fixtureText(created),
      })
      expect(answer.status).to.equal(500)
      expect(answer.envelope.ErrorInfo).not.to.contain('boom')
    })
  })
}
