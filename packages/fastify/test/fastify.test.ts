import { METHODS } from 'node:http'
import { createRequire } from 'node:module'
import { Readable, Writable } from 'node:stream'
import { expect } from 'chai'
import fastify5, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fastify4 from 'fastify4'
import { createRoomWebhooks, type AnyCallbackEvent, type RoomWebhooks } from '@roomhooks/core'
import roomhooks, { roomhooks as namedRoomhooks } from '@roomhooks/fastify'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post, type RunningServer } from '../../../test/support/http.js'
import { CALLBACK_PATH, describeReceiverContract } from '../../../test/support/receiver-contract.js'
import { RawConnection, rawRequest } from '../../../test/support/raw-http.js'

// Fastify 4 runs the same calls; its app is typed as Fastify 5's here, the version whose types the tests compile with.
const versions: Record<string, (options?: FastifyServerOptions) => FastifyInstance> = {
  'Fastify 5': (options) => fastify5(options),
  'Fastify 4': (options) => fastify4(options as never) as unknown as FastifyInstance,
}

/** The methods Fastify 4 can route; it answers any other with its 404. */
const fastify4Methods = (
  createRequire(import.meta.url)('fastify4/lib/httpMethods.js') as { supportedMethods: string[] }
).supportedMethods

const DESTROYED = 'Live.CallbackAfterDestroyRoom'
const BIG_ID = '144115216631667826'
const quiet = { warn: () => {}, error: () => {} }
const callbackUrl = (base: string, command = DESTROYED, path = CALLBACK_PATH) =>
  `${base}${path}?${callbackQuery({ command })}`

for (const [version, fastify] of Object.entries(versions)) {
  describe(`the roomhooks plugin on ${version}`, () => {
    describe('registered with its defaults', () => {
      describeReceiverContract(async (hooks) => {
        const app = fastify()
        await app.register(roomhooks, { hooks })
        await app.ready()
        return listen(app.server)
      })
    })

    describe("registered under a prefix, beside the app's own routes and JSON parser", () => {
      describeReceiverContract(async (hooks) => {
        const app = fastify()
        app.post('/api/orders', async (request) => ({ received: request.body }))
        await app.register(roomhooks, { hooks, prefix: '/tencent', path: '/callback' })
        await app.ready()
        return listen(app.server)
      })
    })

    describe('in an app', () => {
      let server: RunningServer | undefined
      let app: FastifyInstance
      let events: AnyCallbackEvent[]
      let errors: string[]
      afterEach(async () => {
        await server?.close()
        server = undefined
      })

      /** An app with the plugin at the default path, an order route of its own, and whatever `setup` adds. */
      async function start(
        setup: (app: FastifyInstance) => void = () => {},
        { hooks, options }: { hooks?: RoomWebhooks; options?: FastifyServerOptions } = {},
      ): Promise<string> {
        events = []
        errors = []
        const receiver = (hooks ?? createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }))
          .onAny((event) => void events.push(event))
          .onError((error) => void errors.push(error.reason))
        app = fastify(options)
        app.post('/api/orders', async (request) => ({ type: typeof request.body, received: request.body }))
        setup(app)
        await app.register(roomhooks, { hooks: receiver })
        await app.ready()
        server = await listen(app.server)
        return server.url
      }

      const owner = () => (events[0]?.payload as { RoomInfo: { Owner_Account: unknown } }).RoomInfo.Owner_Account

      it("leaves Fastify's JSON parser, and its error answers, to the app's other routes", async () => {
        const url = await start()
        const order = await fetch(`${url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `{"id":${BIG_ID}}`,
        })
        // Fastify's JSON.parse: an object, and the large number rounded, as the app expects from its own parser.
        expect(await order.json()).to.deep.equal({ type: 'object', received: { id: 144115216631667840 } })
        const malformed = await fetch(`${url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"id":',
        })
        expect(malformed.status).to.equal(400)
        expect(await malformed.json()).to.include({ statusCode: 400, error: 'Bad Request' })
        const text = await fetch(`${url}/api/orders`, { method: 'POST', body: 'plain' })
        expect(await text.json()).to.deep.equal({ type: 'string', received: 'plain' })
        // Meanwhile the callback route reads the raw text: the same ID arrives exact.
        expect((await post(callbackUrl(url), fixtureText(DESTROYED))).status).to.equal(200)
        expect(owner()).to.equal(BIG_ID)
      })

      for (const type of [
        undefined,
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        'garbage',
        'application/json; charset',
      ]) {
        it(`reads a callback sent with ${type === undefined ? 'no content type' : `content type "${type}"`}, every digit of its IDs exact`, async () => {
          const url = await start()
          const answer = await post(
            callbackUrl(url),
            fixtureText(DESTROYED),
            type === undefined ? {} : { 'content-type': type },
          )
          expect([answer.status, answer.envelope]).to.deep.equal([
            200,
            { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' },
          ])
          expect(owner()).to.equal(BIG_ID)
        })
      }

      it("reads the request's own stream, not one a preParsing hook of the app put in its place", async () => {
        const url = await start((app) => app.addHook('preParsing', async () => Readable.from(['{"id":'])))
        expect((await post(callbackUrl(url), fixtureText(DESTROYED))).status).to.equal(200)
        expect(owner()).to.equal(BIG_ID)
        // The app's own route does get the stream the hook made.
        const order = await fetch(`${url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
        expect(order.status).to.equal(400)
      })

      it('answers 400 with the envelope to a POST without a body', async () => {
        const url = await start()
        const response = await fetch(callbackUrl(url), { method: 'POST' })
        expect(response.status).to.equal(400)
        expect(await response.json()).to.include({ ActionStatus: 'FAIL', ErrorCode: 40001 })
      })

      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        it(`answers ${method} at the path with the envelope's 405 and Allow: POST, not Fastify's 404`, async () => {
          const url = await start()
          const response = await fetch(callbackUrl(url), {
            method,
            ...(method === 'PUT' || method === 'PATCH' ? { body: fixtureText(DESTROYED) } : {}),
          })
          expect([response.status, response.headers.get('allow')]).to.deep.equal([405, 'POST'])
          expect(await response.json()).to.deep.equal({
            ActionStatus: 'FAIL',
            ErrorCode: 40501,
            ErrorInfo: 'Callbacks must be sent with POST',
          })
          expect(events).to.deep.equal([])
        })
      }

      if (version === 'Fastify 5') {
        it('leaves the methods it adds to Fastify usable by the app: a PROPFIND route declared after it gets its body, and a body schema', async () => {
          app = fastify()
          await app.register(roomhooks, { hooks: createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }) })
          await app.register(async (webdav) => {
            webdav.route({
              method: 'PROPFIND',
              url: '/files',
              schema: { body: { type: 'object', properties: { depth: { type: 'integer' } } } },
              handler: async (request) => ({ received: request.body ?? null }),
            })
          })
          await app.ready()
          server = await listen(app.server)
          const response = await fetch(`${server.url}/files`, {
            method: 'PROPFIND',
            headers: { 'content-type': 'application/json' },
            body: '{"depth":1}',
          })
          expect([response.status, await response.json()]).to.deep.equal([200, { received: { depth: 1 } }])
        })
      }

      it("answers every other method it can route at the path with the envelope's 405, never echoing the URL", async () => {
        const url = await start()
        const target = `${CALLBACK_PATH}?${callbackQuery({ command: DESTROYED, token: 'a token' })}`
        const sign = /Sign=([0-9a-f]{64})/.exec(target)?.[1] as string
        // Fastify 5 can route every method Node.js parses once told of it (CONNECT opens a tunnel instead);
        // Fastify 4 routes a fixed list, WebDAV's included. HEAD and POST are answered above.
        const routable = version === 'Fastify 4' ? fastify4Methods : METHODS.filter((method) => method !== 'CONNECT')
        const methods = routable.filter((method) => method !== 'HEAD' && method !== 'POST')
        const answers: Record<string, string> = {}
        for (const method of methods) {
          const connection = new RawConnection(url)
          await connection.write(rawRequest(target, method === 'GET' ? undefined : '', { method }))
          const [answer] = await connection.waitForAnswers(1)
          connection.destroy()
          answers[method] = `${answer?.status} ${answer?.headers['allow']} ${answer?.body}`
          expect(answer?.body ?? '', method).not.to.include(sign)
        }
        const expected = `405 POST ${JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: 40501, ErrorInfo: 'Callbacks must be sent with POST' })}`
        expect(answers).to.deep.equal(Object.fromEntries(methods.map((method) => [method, expected])))
        expect(events).to.deep.equal([])
      })

      it("keeps the Sign out of Fastify's own request log (logger: true), and the rest of the URL in it", async () => {
        const lines: string[] = []
        const stream = new Writable({
          write(chunk, _encoding, done) {
            lines.push(
              ...String(chunk)
                .split('\n')
                .filter((line) => line !== ''),
            )
            done()
          },
        })
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: 'the token', log: quiet })
        const url = await start(() => {}, { hooks, options: { logger: { stream, level: 'info' } } })
        const query = callbackQuery({ command: DESTROYED, token: 'the token' })
        const sign = /Sign=([0-9a-f]{64})/.exec(query)?.[1] as string
        expect((await post(`${url}${CALLBACK_PATH}?${query}`, fixtureText(DESTROYED))).status).to.equal(200)
        expect((await fetch(`${url}${CALLBACK_PATH}?${query}`)).status).to.equal(405)
        const lowerCase = query.replace('Sign=', 'sign=')
        expect((await post(`${url}${CALLBACK_PATH}?${lowerCase}`, fixtureText(DESTROYED))).status).to.equal(200)
        expect(lines.length).to.be.above(5)
        for (const line of lines) expect(line).not.to.include(sign)
        const logged = lines.map((line) => JSON.parse(line)).filter((record) => record.req !== undefined)
        expect(logged.map((record) => [record.req.method, record.req.url])).to.deep.equal([
          ['POST', `${CALLBACK_PATH}?${query.replace(sign, 'REDACTED')}`],
          ['GET', `${CALLBACK_PATH}?${query.replace(sign, 'REDACTED')}`],
          ['POST', `${CALLBACK_PATH}?${lowerCase.replace(sign, 'REDACTED')}`],
        ])
      })

      it("keeps the Sign out of Fastify's request log when its name is percent-encoded, as the receiver still reads it", async () => {
        const lines: string[] = []
        const stream = new Writable({
          write(chunk, _encoding, done) {
            lines.push(String(chunk))
            done()
          },
        })
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: 'the token', log: quiet })
        const url = await start(() => {}, { hooks, options: { logger: { stream, level: 'info' } } })
        const query = callbackQuery({ command: DESTROYED, token: 'the token' })
        const sign = /Sign=([0-9a-f]{64})/.exec(query)?.[1] as string
        for (const name of ['S%69gn', '%53ign', '%73%69%67%6E']) {
          const encoded = query.replace('Sign=', `${name}=`)
          // A valid signed callback all the same: its Sign is as good to replay as the platform's.
          expect((await post(`${url}${CALLBACK_PATH}?${encoded}`, fixtureText(DESTROYED))).status, name).to.equal(200)
        }
        expect(lines.join('')).to.include('REDACTED')
        for (const line of lines) expect(line).not.to.include(sign)
      })

      it('answers HEAD at the path with 405 and no body', async () => {
        const url = await start()
        const response = await fetch(callbackUrl(url), { method: 'HEAD' })
        expect([response.status, response.headers.get('allow'), await response.text()]).to.deep.equal([405, 'POST', ''])
      })

      it("leaves requests for other paths to the app's not-found handling", async () => {
        const url = await start((app) => {
          app.setNotFoundHandler((_request, reply) => void reply.code(404).send({ app: 'not found' }))
        })
        for (const path of ['/nowhere', `${CALLBACK_PATH}/more`, '/tencent']) {
          const answer = await post(`${url}${path}?${callbackQuery({ command: DESTROYED })}`, fixtureText(DESTROYED))
          expect([answer.status, answer.envelope], path).to.deep.equal([404, { app: 'not found' }])
        }
        expect(events).to.deep.equal([])
      })

      it("reads bodies up to the hooks' bodyLimit, not Fastify's", async () => {
        const url = await start(() => {}, { options: { bodyLimit: 64 } })
        expect((await post(callbackUrl(url), fixtureText(DESTROYED))).status).to.equal(200)
        expect((await fetch(`${url}/api/orders`, { method: 'POST', body: 'x'.repeat(100) })).status).to.equal(413)
      })

      it("answers a body over the hooks' bodyLimit with the envelope's 413, also when it is chunked", async () => {
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, bodyLimit: 1024, log: quiet })
        const url = await start(() => {}, { hooks })
        const body = JSON.stringify({ ...JSON.parse(fixtureText(DESTROYED)), Padding: 'x'.repeat(4096) })
        const declared = await post(callbackUrl(url), body)
        const chunked = await fetch(callbackUrl(url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: new Blob([body]).stream(),
          duplex: 'half',
        })
        expect([declared.status, declared.envelope]).to.deep.equal([
          413,
          { ActionStatus: 'FAIL', ErrorCode: 41301, ErrorInfo: 'The body is larger than 1024 bytes' },
        ])
        expect([chunked.status, await chunked.json()]).to.deep.equal([413, declared.envelope])
        expect(events).to.deep.equal([])
      })

      describe('when a hook of the app fails the request', () => {
        const logged: Record<string, unknown>[] = []
        const logger = {
          level: 'info',
          stream: new Writable({
            write(chunk: Buffer, _encoding, done) {
              logged.push(JSON.parse(chunk.toString()))
              done()
            },
          }),
        }
        beforeEach(() => (logged.length = 0))

        it("answers the envelope with the hook's 4xx status, not Fastify's error body, and logs it", async () => {
          const url = await start(
            (app) =>
              app.addHook('onRequest', async (request) => {
                if (request.url.startsWith(CALLBACK_PATH)) {
                  throw Object.assign(new Error('No API key'), { statusCode: 401 })
                }
              }),
            { options: { logger } },
          )
          const answer = await post(callbackUrl(url), fixtureText(DESTROYED))
          expect([answer.status, answer.envelope]).to.deep.equal([
            401,
            {
              ActionStatus: 'FAIL',
              ErrorCode: 50002,
              ErrorInfo: 'The request failed before roomhooks received it',
            },
          ])
          expect(events).to.deep.equal([])
          expect(logged.filter((line) => line['msg'] === 'No API key').map((line) => line['level'])).to.deep.equal([30])
        })

        it('answers 500 to a hook that throws an error without a status, or something that is not an error', async () => {
          let thrown: unknown
          const url = await start(
            (app) =>
              app.addHook('preHandler', async (request) => {
                if (request.url.startsWith(CALLBACK_PATH)) throw thrown
              }),
            { options: { logger } },
          )
          for (const what of [new Error('database password is hunter2'), 'a string', { statusCode: 302 }]) {
            thrown = what
            const answer = await post(callbackUrl(url), fixtureText(DESTROYED))
            expect([answer.status, answer.envelope.ErrorCode, answer.envelope.ErrorInfo]).to.deep.equal([
              500,
              50002,
              'The request failed before roomhooks received it',
            ])
          }
          expect(events).to.deep.equal([])
          expect(logged.filter((line) => line['level'] === 50)).to.have.length(3)
        })

        it('keeps the connection for the next request when the refused body was small', async () => {
          const url = await start((app) =>
            app.addHook('preHandler', async (request) => {
              if (request.headers['x-refuse'] !== undefined) throw Object.assign(new Error('no'), { statusCode: 403 })
            }),
          )
          const target = `${CALLBACK_PATH}?${callbackQuery({ command: DESTROYED })}`
          const connection = new RawConnection(url)
          await connection.write(
            rawRequest(target, fixtureText(DESTROYED), { headers: { 'x-refuse': 1 } }) +
              rawRequest(target, fixtureText(DESTROYED)),
          )
          const answers = await connection.waitForAnswers(2)
          connection.destroy()
          expect(answers.map((answer) => answer.status)).to.deep.equal([403, 200])
          expect(answers[0]?.headers['connection']).not.to.equal('close')
          expect(events).to.have.length(1)
        })
      })

      it('contains a handler that throws: 500 with the envelope, and the app goes on serving', async () => {
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }).on('live.destroyed', () => {
          throw new Error('database password is hunter2')
        })
        const url = await start(() => {}, { hooks })
        const failed = await post(callbackUrl(url), fixtureText(DESTROYED))
        expect([failed.status, failed.envelope]).to.deep.equal([
          500,
          { ActionStatus: 'FAIL', ErrorCode: 50001, ErrorInfo: 'A handler for Live.CallbackAfterDestroyRoom failed' },
        ])
        expect(errors).to.deep.equal(['HANDLER_FAILED'])
        const created = 'Room.CallbackAfterCreateRoom'
        expect((await post(callbackUrl(url, created), fixtureText(created))).status).to.equal(200)
        const order = await fetch(`${url}/api/orders`, { method: 'POST', body: '{}' })
        expect(order.status).to.equal(200)
      })

      it('answers in-memory requests of app.inject() as it answers sockets, without closing the connection', async () => {
        await start()
        const query = callbackQuery({ command: DESTROYED })
        const accepted = await app.inject({
          method: 'POST',
          url: `${CALLBACK_PATH}?${query}`,
          headers: { 'content-type': 'application/json' },
          payload: fixtureText(DESTROYED),
        })
        expect([accepted.statusCode, accepted.json()]).to.deep.equal([
          200,
          { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' },
        ])
        expect(accepted.headers['connection']).not.to.equal('close')
        expect(owner()).to.equal(BIG_ID)
        const refused = await app.inject({
          method: 'POST',
          url: `${CALLBACK_PATH}?${callbackQuery({ command: DESTROYED, sdkAppId: 1400000001 })}`,
          payload: fixtureText(DESTROYED),
        })
        expect([refused.statusCode, refused.json().ErrorCode]).to.deep.equal([403, 40302])
        expect(refused.headers['connection']).not.to.equal('close')
        const get = await app.inject({ method: 'GET', url: `${CALLBACK_PATH}?${query}` })
        expect([get.statusCode, get.json().ErrorCode]).to.deep.equal([405, 40501])
        expect(events).to.have.length(1)
      })
    })

    describe('registering', () => {
      let app: FastifyInstance | undefined
      afterEach(async () => {
        await app?.close()
        app = undefined
      })

      it('takes two registrations, for two paths and two receivers', async () => {
        const seen: string[] = []
        const receiver = (name: string, sdkAppId: number) =>
          createRoomWebhooks({ sdkAppId, log: quiet }).onAny(() => void seen.push(name))
        app = fastify()
        await app.register(roomhooks, { hooks: receiver('room', SDK_APP_ID), path: '/room/callback' })
        await app.register(roomhooks, { hooks: receiver('live', 1400000001), path: '/live/callback' })
        const send = (path: string, sdkAppId: number) =>
          app!.inject({
            method: 'POST',
            url: `${path}?${callbackQuery({ command: DESTROYED, sdkAppId })}`,
            payload: fixtureText(DESTROYED),
          })
        const statuses = [
          (await send('/room/callback', SDK_APP_ID)).statusCode,
          (await send('/live/callback', 1400000001)).statusCode,
          (await send('/live/callback', SDK_APP_ID)).statusCode,
        ]
        expect(statuses).to.deep.equal([200, 200, 403])
        expect(seen).to.deep.equal(['room', 'live'])
      })

      it('registers from require(): the module itself, its default export and its named export', async () => {
        const required = createRequire(import.meta.url)('@roomhooks/fastify')
        expect(required.default).to.equal(required.roomhooks)
        app = fastify()
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
        await app.register(required, { hooks, path: '/module' })
        await app.register(required.default, { hooks, path: '/default' })
        await app.register(required.roomhooks, { hooks, path: '/named' })
        for (const path of ['/module', '/default', '/named']) {
          const answer = await app.inject({
            method: 'POST',
            url: `${path}?${callbackQuery({ command: DESTROYED })}`,
            payload: fixtureText(DESTROYED),
          })
          expect(answer.statusCode, path).to.equal(200)
        }
      })

      it('exports the same plugin as the default and by name', () => {
        expect(roomhooks).to.equal(namedRoomhooks)
      })

      it('refuses options without hooks, or a path that is not one, when the app loads its plugins', async () => {
        const failures: string[] = []
        for (const options of [
          {},
          { hooks: {} },
          { hooks: createRoomWebhooks({ sdkAppId: SDK_APP_ID }), path: 'callback' },
        ]) {
          const attempt = fastify()
          try {
            await attempt.register(roomhooks, options as never)
            await attempt.ready()
          } catch (error) {
            failures.push((error as Error).message)
          } finally {
            await attempt.close().catch(() => {})
          }
        }
        expect(failures).to.deep.equal([
          '[@roomhooks/fastify] hooks is required: app.register(roomhooks, { hooks: createRoomWebhooks(…) })',
          '[@roomhooks/fastify] hooks is required: app.register(roomhooks, { hooks: createRoomWebhooks(…) })',
          '[@roomhooks/fastify] path must start with "/", got "callback"',
        ])
      })

      it('names itself to Fastify, so that other plugins can depend on it', async () => {
        app = fastify()
        await app.register(roomhooks, { hooks: createRoomWebhooks({ sdkAppId: SDK_APP_ID }) })
        await app.ready()
        expect(app.hasPlugin('@roomhooks/fastify')).to.equal(true)
      })
    })
  })
}
