// Mounting the receiver without a `path`: it takes only what looks like a callback and leaves the rest of the app
// alone; and the README's recipe that keeps 18-digit user IDs exact behind express.json().
import { createServer, type Server } from 'node:http'
import { expect } from 'chai'
import { createNodeHandler, createRoomWebhooks, type RoomWebhooks } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import Router from '@koa/router'
import { createKoaMiddleware } from '@roomhooks/koa'
import { callbackQuery, fixtureText, SDK_APP_ID } from './support/callbacks.js'
import { listen, post, type RunningServer } from './support/http.js'
import { describeReceiverContract } from './support/receiver-contract.js'
import { expressVersions, fastifyTransports, koaVersions } from './support/transports.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const quiet = { warn: () => {}, error: () => {} }

/** An app with the receiver mounted first, without a path, and two routes of its own after it. */
const apps: Record<string, (hooks: RoomWebhooks) => Server> = {
  ...Object.fromEntries(
    Object.entries(expressVersions).map(([name, express]) => [
      `${name}: app.use(createExpressMiddleware(hooks))`,
      (hooks: RoomWebhooks) => {
        const app = express()
        app.use(createExpressMiddleware(hooks))
        app.get('/health', (_req, res) => void res.send('ok'))
        app.post('/api/orders', (_req, res) => void res.status(201).send('order created'))
        return createServer(app)
      },
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(koaVersions).map(([name, Koa]) => [
      `${name}: app.use(createKoaMiddleware(hooks))`,
      (hooks: RoomWebhooks) => {
        const app = new Koa()
        app.use(createKoaMiddleware(hooks))
        app.use((ctx) => {
          if (ctx.method === 'GET' && ctx.path === '/health') ctx.body = 'ok'
          if (ctx.method === 'POST' && ctx.path === '/api/orders') [ctx.status, ctx.body] = [201, 'order created']
        })
        return createServer(app.callback())
      },
    ]),
  ),
  'node:http: createNodeHandler(hooks) as middleware, with next': (hooks: RoomWebhooks) => {
    const handler = createNodeHandler(hooks)
    return createServer((req, res) =>
      handler(req, res, () => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname
        if (req.method === 'GET' && path === '/health') res.end('ok')
        else if (req.method === 'POST' && path === '/api/orders') res.writeHead(201).end('order created')
        else res.writeHead(404).end()
      }),
    )
  },
}

describe('mounted on a route, without a path', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })
  const hooks = () => createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
  const routed: Record<string, () => Server | Promise<Server>> = {
    ...Object.fromEntries(
      Object.entries(expressVersions).map(([name, express]) => [
        name,
        () => createServer(express().post('/tencent/callback', createExpressMiddleware(hooks()))),
      ]),
    ),
    ...Object.fromEntries(
      Object.entries(koaVersions).map(([name, Koa]) => [
        `${name} with @koa/router`,
        () =>
          createServer(
            new Koa()
              .use(new Router().post('/tencent/callback', createKoaMiddleware(hooks())).routes() as never)
              .callback(),
          ),
      ]),
    ),
    // The Fastify plugin registers its route itself.
    ...Object.fromEntries(
      Object.entries(fastifyTransports).map(([name, mount]) => [
        `${name} with the plugin`,
        () => mount(hooks(), { path: '/tencent/callback' }),
      ]),
    ),
  }
  for (const [name, app] of Object.entries(routed)) {
    it(`${name}: answers a POST to the route without SdkAppid with the envelope, not the framework's 404`, async () => {
      server = await listen(await app())
      const answer = await post(`${server.url}/tencent/callback`, '{}')
      expect([answer.status, answer.envelope.ErrorCode]).to.deep.equal([403, 40301])
    })
  }
})

describe('mounted without a path', () => {
  let server: RunningServer | undefined
  let runs = 0
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function start(app: (hooks: RoomWebhooks) => Server) {
    runs = 0
    server = await listen(app(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }).onAny(() => void runs++)))
    return server.url
  }

  for (const [name, app] of Object.entries(apps)) {
    describe(name, () => {
      it("leaves the app's other requests to the app", async () => {
        const url = await start(app)
        const health = await fetch(`${url}/health`)
        expect([health.status, await health.text()]).to.deep.equal([200, 'ok'])
        const order = await fetch(`${url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"id":1}',
        })
        expect([order.status, await order.text()]).to.deep.equal([201, 'order created'])
        // A query string without callback parameters is not a callback either, even one that mentions them.
        const other = await fetch(`${url}/api/orders?source=SdkAppid&note=CallbackCommand`, {
          method: 'POST',
          body: '{}',
        })
        expect(other.status).to.equal(201)
        expect(runs).to.equal(0)
      })

      it('takes a callback on any path', async () => {
        const url = await start(app)
        const answer = await post(`${url}/anywhere/at/all?${callbackQuery({ command: CREATED })}`, fixtureText(CREATED))
        expect(answer.status).to.equal(200)
        expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
        expect(runs).to.equal(1)
      })

      for (const name of ['SdkAppid', 'SdkAppId', 'SDKAppID', 'sdkappid', 'Sdk%41ppid']) {
        it(`takes a request naming ${name}, and refuses it when the app is wrong`, async () => {
          const url = await start(app)
          const answer = await post(`${url}/health?${name}=1400000001&CallbackCommand=${CREATED}`, fixtureText(CREATED))
          expect(answer.status).to.equal(403)
          expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40302 })
        })
      }

      it('takes a request naming only CallbackCommand, and refuses it for its missing SdkAppid', async () => {
        const url = await start(app)
        const answer = await post(`${url}/api/orders?CallbackCommand=${CREATED}`, fixtureText(CREATED))
        expect(answer.status).to.equal(403)
        expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40301 })
      })

      it('answers 405 to a GET that looks like a callback', async () => {
        const url = await start(app)
        const response = await fetch(`${url}/health?${callbackQuery({ command: CREATED })}`)
        expect([response.status, response.headers.get('allow')]).to.deep.equal([405, 'POST'])
        expect(await response.json()).to.include({ ActionStatus: 'FAIL', ErrorCode: 40501 })
      })
    })
  }

  it('node:http: createNodeHandler(hooks) as the whole server still answers every request', async () => {
    const url = await start((hooks) => createServer(createNodeHandler(hooks)))
    const health = await fetch(`${url}/health`)
    expect(health.status).to.equal(405)
    expect(await health.json()).to.include({ ActionStatus: 'FAIL', ErrorCode: 40501 })
    const order = await post(`${url}/api/orders`, '{}')
    expect(order.status).to.equal(403)
    expect(order.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40301 })
  })
})

for (const [version, express] of Object.entries(expressVersions)) {
  describe(`${version}: the README's recipe, app.use(express.json({ verify })) then app.use(createExpressMiddleware(hooks))`, () => {
    describeReceiverContract(
      (hooks) => {
        const app = express()
        // Verbatim from the README. (@koa/bodyparser, installed here too, types IncomingMessage.rawBody as a string.)
        app.use(
          express.json({
            verify: (req, _res, buf) => {
              // @ts-expect-error -- a Buffer is what the Express adapter takes
              req.rawBody = buf
            },
          }),
        )
        app.use(createExpressMiddleware(hooks))
        return listen(createServer(app))
      },
      { parsesBody: true, keepsRawBody: true },
    )
  })
}
