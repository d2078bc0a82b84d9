import { createRequire } from 'node:module'
import { expect } from 'chai'
import {
  createRoomWebhooks,
  HandlerError,
  isRoomhooksError,
  RoomhooksError,
  ValidationError,
  type AnyCallbackEvent,
  type RoomWebhooksOptions,
} from '@roomhooks/core'
import { simulate } from '@roomhooks/core/testing'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'

const quiet = { warn: () => {}, error: () => {} }
const create = (options: Partial<RoomWebhooksOptions> = {}) =>
  createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, ...options })
const request = (command: string, body: string | object = fixtureText(command)) => ({
  query: callbackQuery({ command }),
  body,
})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createRoomWebhooks()', () => {
  describe('options', () => {
    it('refuses a missing or invalid sdkAppId', () => {
      expect(() => createRoomWebhooks({} as RoomWebhooksOptions)).to.throw(TypeError, /sdkAppId/)
      expect(() => createRoomWebhooks({ sdkAppId: 'abc' })).to.throw(TypeError, /sdkAppId/)
      expect(() => createRoomWebhooks({ sdkAppId: [] })).to.throw(TypeError, /sdkAppId/)
    })

    it('refuses an sdkAppId of zero, or one too large to be read exactly', () => {
      expect(() => createRoomWebhooks({ sdkAppId: 0 })).to.throw(TypeError, /sdkAppId/)
      expect(() => createRoomWebhooks({ sdkAppId: '0' })).to.throw(TypeError, /sdkAppId/)
      expect(() => createRoomWebhooks({ sdkAppId: '9007199254740993' })).to.throw(TypeError, /sdkAppId/)
      expect(() => createRoomWebhooks({ sdkAppId: '9007199254740991', log: quiet })).not.to.throw()
    })

    it('refuses an empty token rather than turning checks off', () => {
      expect(() => createRoomWebhooks({ sdkAppId: 1, token: '' })).to.throw(TypeError, /token/)
      expect(() => createRoomWebhooks({ sdkAppId: 1, token: [] })).to.throw(TypeError, /token/)
    })

    it('refuses non-positive limits', () => {
      expect(() => createRoomWebhooks({ sdkAppId: 1, handlerTimeout: 0 })).to.throw(TypeError, /handlerTimeout/)
      expect(() => createRoomWebhooks({ sdkAppId: 1, bodyLimit: -1 })).to.throw(TypeError, /bodyLimit/)
    })

    it('says whether after-callbacks are handed to a delivery', () => {
      expect(create().delivers).to.equal(false)
      expect(create({ delivery: { enqueue: async () => {} } }).delivers).to.equal(true)
    })

    it("accepts the callbacks of every app with sdkAppId '*', and still refuses a missing or malformed SdkAppid", async () => {
      const hooks = createRoomWebhooks({ sdkAppId: '*', log: quiet })
      const destroyed = 'Room.CallbackAfterDestroyRoom'
      const answers = await Promise.all(
        [callbackQuery({ command: destroyed }), callbackQuery({ command: destroyed, sdkAppId: 1600000001 })]
          .concat(callbackQuery({ command: destroyed }).replace(/SdkAppid=\d+/, 'SdkAppid=16x'))
          .concat(callbackQuery({ command: destroyed }).replace(/SdkAppid=\d+&?/, ''))
          .map((query) => hooks.receive({ query, body: fixtureText(destroyed) })),
      )
      expect(answers.map(({ status, body }) => [status, body.ActionStatus])).to.deep.equal([
        [200, 'OK'],
        [200, 'OK'],
        [403, 'FAIL'],
        [403, 'FAIL'],
      ])
      expect((await simulate(hooks, 'room.destroyed')).status).to.equal(200)
    })

    it("warns at start-up when sdkAppId '*' is used under NODE_ENV=production, and only then", () => {
      const environment = process.env['NODE_ENV']
      const warnings: string[] = []
      const log = { warn: (line: string) => void warnings.push(line) }
      try {
        process.env['NODE_ENV'] = 'development'
        createRoomWebhooks({ sdkAppId: '*', log })
        process.env['NODE_ENV'] = 'production'
        createRoomWebhooks({ sdkAppId: 1400000000, log })
        expect(warnings).to.deep.equal([])
        createRoomWebhooks({ sdkAppId: '*', log })
      } finally {
        if (environment === undefined) delete process.env['NODE_ENV']
        else process.env['NODE_ENV'] = environment
      }
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(/^\[@roomhooks\/core\] sdkAppId '\*' accepts the callbacks of every app/)
    })

    it("refuses '*' inside a list of SDKAppIDs", () => {
      expect(() => createRoomWebhooks({ sdkAppId: ['*', 1400000000] })).to.throw(TypeError, /'\*' .* stands alone/)
    })

    it('accepts SDKAppIDs as numbers or strings', async () => {
      const hooks = createRoomWebhooks({ sdkAppId: ['1400000000', 1600000000], log: quiet })
      const answer = await hooks.receive(request('Room.CallbackAfterDestroyRoom'))
      expect(answer.status).to.equal(200)
    })
  })

  describe('on()', () => {
    it('subscribes by event name, by command, by the other spelling, and by several names', async () => {
      const seen: string[] = []
      const hooks = create()
        .on('room.updated', () => void seen.push('event'))
        .on('Room.CallbackAfterUpdateRoomInfo', () => void seen.push('command'))
        .on('Room.CallbackUpdateRoomInfo', () => void seen.push('alias'))
        .on(['room.destroyed', 'room.updated'], (event) => void seen.push(`list:${event.name}`))
      await hooks.receive(request('Room.CallbackAfterUpdateRoomInfo'))
      expect(seen).to.deep.equal(['event', 'command', 'alias', 'list:room.updated'])
    })

    it('throws for a name that is not in the catalog', () => {
      expect(() => create().on('room.exploded' as never, (() => {}) as never)).to.throw(
        TypeError,
        /Unknown event "room.exploded"/,
      )
      expect(() => create().on([] as never, (() => {}) as never)).to.throw(TypeError)
    })

    it('throws for a handler that is not a function', () => {
      expect(() => create().on('room.created', 'nope' as never)).to.throw(TypeError, /function/)
    })
  })

  describe('removeListener()', () => {
    it('stops a handler for the names it was removed from', async () => {
      const seen: string[] = []
      const handler = (event: AnyCallbackEvent) => void seen.push(String(event.name))
      const hooks = create()
        .on(['room.created', 'room.destroyed'], handler)
        .removeListener('Room.CallbackAfterCreateRoom', handler)
      await hooks.receive(request('Room.CallbackAfterCreateRoom'))
      await hooks.receive(request('Room.CallbackAfterDestroyRoom'))
      expect(seen).to.deep.equal(['room.destroyed'])
    })
  })

  describe('receive()', () => {
    describe('signed callbacks reaching a receiver without a token', () => {
      const signed = (command: string) => ({
        query: callbackQuery({ command, token: 'a token the receiver does not have' }),
        body: fixtureText(command),
      })
      const recording = () => {
        const warnings: string[] = []
        return { warnings, log: { warn: (message: string) => void warnings.push(message) } }
      }

      it('warns once per receiver that Sign is not checked, naming the token option, and still handles them', async () => {
        const { warnings, log } = recording()
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log })
        const statuses = []
        for (const command of [
          'Room.CallbackAfterCreateRoom',
          'Room.CallbackAfterDestroyRoom',
          'Room.CallbackAfterCreateRoom',
        ])
          statuses.push((await hooks.receive(signed(command))).status)
        expect(statuses).to.deep.equal([200, 200, 200])
        expect(warnings).to.deep.equal([
          '[@roomhooks/core] Callbacks arrive with a Sign, but no token is configured, so nothing checks it and anyone who finds the URL can send callbacks: pass the callback token from the console as the token option of createRoomWebhooks()',
        ])
        const other = recording()
        await createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: other.log }).receive(
          signed('Room.CallbackAfterCreateRoom'),
        )
        expect(other.warnings).to.have.length(1)
      })

      it('says nothing of callbacks without a Sign, or when a token is configured', async () => {
        const { warnings, log } = recording()
        await createRoomWebhooks({ sdkAppId: SDK_APP_ID, log }).receive(request('Room.CallbackAfterCreateRoom'))
        const token = 'the token'
        const query = callbackQuery({ command: 'Room.CallbackAfterCreateRoom', token })
        const answer = await createRoomWebhooks({ sdkAppId: SDK_APP_ID, token, log }).receive({
          query,
          body: fixtureText('Room.CallbackAfterCreateRoom'),
        })
        expect(answer.status).to.equal(200)
        expect(warnings).to.deep.equal([])
      })

      it('says nothing of callbacks with an empty Sign', async () => {
        const { warnings, log } = recording()
        const query = `${callbackQuery({ command: 'Room.CallbackAfterCreateRoom' })}&Sign=`
        const answer = await createRoomWebhooks({ sdkAppId: SDK_APP_ID, log }).receive({
          query,
          body: fixtureText('Room.CallbackAfterCreateRoom'),
        })
        expect(answer.status).to.equal(200)
        expect(warnings).to.deep.equal([])
      })
    })

    it('gives handlers the event with its context', async () => {
      let event: AnyCallbackEvent | undefined
      const before = Date.now()
      await create()
        .onAny((received) => void (event = received))
        .receive(request('Room.CallbackAfterMemberEnter'))
      expect(event).to.include({
        name: 'member.enter',
        command: 'Room.CallbackAfterMemberEnter',
        sdkAppId: SDK_APP_ID,
        clientIp: '203.0.113.7',
        platform: 'RESTAPI',
        eventTime: 1670574414123,
      })
      expect(event?.receivedAt).to.be.within(before, Date.now())
      expect(event?.payload).to.deep.equal(JSON.parse(fixtureText('Room.CallbackAfterMemberEnter')))
    })

    it('leaves eventTime undefined when the body has no EventTime', async () => {
      let event: AnyCallbackEvent | undefined
      await create()
        .onAny((received) => void (event = received))
        .receive(request('Live.CallbackBeforeSendGift'))
      expect(event).to.have.property('eventTime', undefined)
    })

    it('reads the command from the body when the query string has none', async () => {
      let name: string | null | undefined
      const hooks = create().onAny((event) => void (name = event.name))
      const answer = await hooks.receive({
        query: `SdkAppid=${SDK_APP_ID}`,
        body: fixtureText('Room.CallbackAfterDestroyRoom'),
      })
      expect(answer.status).to.equal(200)
      expect(name).to.equal('room.destroyed')
    })

    it('accepts the two spellings of a command in the query string and the body', async () => {
      const body = fixtureText('Room.CallbackAfterUpdateRoomInfo').replace(
        'Room.CallbackAfterUpdateRoomInfo',
        'Room.CallbackUpdateRoomInfo',
      )
      const answer = await create().receive(request('Room.CallbackAfterUpdateRoomInfo', body))
      expect(answer.status).to.equal(200)
    })

    it('refuses a body naming an unknown command that differs from the query string', async () => {
      const body = fixtureText('Room.CallbackAfterCreateRoom').replace(
        'Room.CallbackAfterCreateRoom',
        'Room.CallbackAfterSomethingNew',
      )
      const answer = await create().receive(request('Room.CallbackAfterCreateRoom', body))
      expect(answer.status).to.equal(400)
      expect(answer.body.ErrorCode).to.equal(40005)
    })

    it('refuses a callback with no command at all', async () => {
      const answer = await create().receive({ query: `SdkAppid=${SDK_APP_ID}`, body: '{"RoomId":"r"}' })
      expect(answer.body).to.include({ ErrorCode: 40004 })
    })

    it('normalises boolean strings and keeps unknown fields', async () => {
      let payload: Record<string, any> | undefined
      const body = JSON.stringify({
        ...JSON.parse(fixtureText('Room.CallbackAfterUpdateRoomInfo')),
        NewField: { a: 1 },
      })
      await create()
        .on('room.updated', (event) => void (payload = event.payload))
        .receive(request('Room.CallbackAfterUpdateRoomInfo', body))
      expect(payload?.['RoomInfo'].IsCloudRecordingDisabled).to.equal(false)
      expect(payload?.['NewField']).to.deep.equal({ a: 1 })
    })

    it('turns numeric user IDs and a numeric-string EventTime into their types', async () => {
      let payload: Record<string, any> | undefined
      const body =
        '{"CallbackCommand":"Room.CallbackAfterMemberEnter","RoomId":"r","Operator_Account":42,"MemberList_Account":[7,"x"],"EventTime":"1670574414123"}'
      const answer = await create()
        .on('member.enter', (event) => void (payload = event.payload))
        .receive(request('Room.CallbackAfterMemberEnter', body))
      expect(answer.status).to.equal(200)
      expect(payload).to.deep.include({
        Operator_Account: '42',
        MemberList_Account: ['7', 'x'],
        EventTime: 1670574414123,
      })
    })

    it('warns through the logger when an already-parsed body has lost digits of a user ID', async () => {
      const warnings: string[] = []
      const hooks = createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        log: { warn: (message: string) => void warnings.push(message) },
      })
      const parsed = JSON.parse(fixtureText('Live.CallbackAfterDestroyRoom'))
      await hooks.receive(request('Live.CallbackAfterDestroyRoom', parsed))
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(/\/RoomInfo\/Owner_Account arrived as a number above 2\^53/)
    })

    it('reports an invalid payload to onError with every issue', async () => {
      const errors: RoomhooksError[] = []
      const answer = await create()
        .onError((error) => void errors.push(error))
        .receive(
          request(
            'Room.CallbackAfterMemberEnter',
            '{"CallbackCommand":"Room.CallbackAfterMemberEnter","MemberCount":"many"}',
          ),
        )
      expect(answer.body.ErrorInfo).to.match(/^Room.CallbackAfterMemberEnter payload is invalid at \/RoomId/)
      expect(errors[0]).to.be.instanceOf(ValidationError)
      expect((errors[0] as ValidationError).errors.map((error) => error.path)).to.include.members([
        '/RoomId',
        '/MemberCount',
      ])
    })

    it('survives nesting 500,000 levels deep, in a field it keeps and in one it validates', async () => {
      const deep = `${'['.repeat(500_000)}${']'.repeat(500_000)}`
      const hooks = create({ bodyLimit: 4 * 1024 * 1024 })
      const kept = fixtureText('Room.CallbackAfterDestroyRoom').replace(/\}\s*$/, `, "Extra": ${deep}}`)
      const checked = fixtureText('Room.CallbackAfterDestroyRoom').replace('"tandy-test-rest"', deep)
      expect((await hooks.receive(request('Room.CallbackAfterDestroyRoom', kept))).status).to.equal(200)
      expect((await hooks.receive(request('Room.CallbackAfterDestroyRoom', checked))).body).to.include({
        ErrorCode: 40006,
      })
    })

    it('only reads a body from a reader once the query string has passed', async () => {
      let reads = 0
      const reader = async () => {
        reads++
        return fixtureText('Room.CallbackAfterCreateRoom')
      }
      await create().receive({ query: 'SdkAppid=1', body: reader })
      expect(reads).to.equal(0)
      const answer = await create().receive({
        query: callbackQuery({ command: 'Room.CallbackAfterCreateRoom' }),
        body: reader,
      })
      expect([answer.status, reads]).to.deep.equal([200, 1])
    })

    it("answers a refusal made by core's other build as that refusal, not as a 500", async () => {
      // An adapter on core's CommonJS build reading the body for a receiver made with the ES module build.
      const commonjs = createRequire(import.meta.url)('@roomhooks/core') as { RoomhooksError: typeof RoomhooksError }
      expect(commonjs.RoomhooksError).to.not.equal(RoomhooksError)
      const tooLarge = new commonjs.RoomhooksError('BODY_TOO_LARGE', 'The body is larger than 1048576 bytes')
      const answer = await create().receive({
        query: callbackQuery({ command: 'Room.CallbackAfterCreateRoom' }),
        body: () => Promise.reject(tooLarge),
      })
      expect(answer.status).to.equal(413)
      expect(answer.body.ErrorCode).to.equal(41301)
      expect(isRoomhooksError(tooLarge)).to.equal(true)
      expect(isRoomhooksError(new Error('plain'))).to.equal(false)
    })
  })

  describe('handlers', () => {
    it('awaits every handler before answering', async () => {
      const finished: number[] = []
      const hooks = create()
        .on('room.created', async () => {
          await sleep(30)
          finished.push(1)
        })
        .onAny(async () => {
          await sleep(10)
          finished.push(2)
        })
      await hooks.receive(request('Room.CallbackAfterCreateRoom'))
      expect(finished.sort()).to.deep.equal([1, 2])
    })

    it('runs every handler even when one fails, and reports all failures together', async () => {
      const errors: RoomhooksError[] = []
      let ran = false
      const hooks = create()
        .on('room.created', () => {
          throw new Error('first')
        })
        .on('room.created', () => Promise.reject(new Error('second')))
        .on('room.created', () => void (ran = true))
        .onError((error) => void errors.push(error))
      const answer = await hooks.receive(request('Room.CallbackAfterCreateRoom'))
      expect(answer.status).to.equal(500)
      expect(ran).to.equal(true)
      expect(errors).to.have.length(1)
      const failure = errors[0] as HandlerError
      expect(failure).to.be.instanceOf(HandlerError)
      expect(failure.late).to.equal(false)
      expect(failure.errors.map((error) => (error as Error).message)).to.deep.equal(['first', 'second'])
      expect(failure.event.name).to.equal('room.created')
    })

    it('answers OK at the deadline and reports a late failure to onError', async () => {
      const errors: RoomhooksError[] = []
      const hooks = create({ handlerTimeout: 20 })
        .on('room.created', async () => {
          await sleep(300)
          throw new Error('too late')
        })
        .onError((error) => void errors.push(error))
      const started = Date.now()
      const answer = await hooks.receive(request('Room.CallbackAfterCreateRoom'))
      expect(Date.now() - started).to.be.below(250)
      expect(answer.status).to.equal(200)
      expect(errors).to.deep.equal([])
      await sleep(350)
      expect(errors).to.have.length(1)
      expect((errors[0] as HandlerError).late).to.equal(true)
    })

    it('survives an onError handler that throws or rejects', async () => {
      const logged: unknown[] = []
      const hooks = createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        log: { error: (...args: unknown[]) => void logged.push(args) },
      })
        .on('room.created', () => {
          throw new Error('handler')
        })
        .onError(() => {
          throw new Error('onError itself')
        })
        .onError(() => Promise.reject(new Error('async onError')))
      const answer = await hooks.receive(request('Room.CallbackAfterCreateRoom'))
      await sleep(0)
      expect(answer.status).to.equal(500)
      expect(logged).to.have.length(2)
    })

    it('logs handler failures when no onError handler is registered', async () => {
      const logged: unknown[][] = []
      const hooks = createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        log: { error: (...args: unknown[]) => void logged.push(args) },
      }).on('room.created', () => {
        throw new Error('nobody listens')
      })
      await hooks.receive(request('Room.CallbackAfterCreateRoom'))
      expect(logged).to.have.length(1)
      expect((logged[0]?.[0] as Error).message).to.equal('nobody listens')
    })
  })
})
