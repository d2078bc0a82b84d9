// The recipes of docs/inspector.md, each run over a real socket in its framework: the inspector mounted next to
// the receiver's own adapter, the app's other routes left alone.
import { createServer, type Server } from 'node:http'
import { expect } from 'chai'
import express5 from 'express'
import compression from 'compression'
import express4 from 'express4'
import fastify5, { type FastifyReply, type FastifyRequest } from 'fastify'
import fastify4 from 'fastify4'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import { Hono } from 'hono'
import { createAdaptorServer, type HttpBindings } from '@hono/node-server'
import { createFetchHandler, createRoomWebhooks, type RoomWebhooks } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import { roomhooks } from '@roomhooks/fastify'
import { createInspector, type Inspector } from '@roomhooks/inspector'
import { listen, type RunningServer } from '../../../test/support/http.js'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'
import { openEvents, quiet } from './support.js'

const CALLBACK_PATH = '/tencent/callback'

/** Serves an app with the inspector, the receiver at CALLBACK_PATH, and GET /health answering `ok`. */
type Recipe = (hooks: RoomWebhooks, inspector: Inspector) => Server | Promise<Server>

const expressRecipe =
  (express: typeof express5): Recipe =>
  (hooks, inspector) => {
    const app = express()
    app.use(inspector.handler)
    app.post(CALLBACK_PATH, createExpressMiddleware(hooks))
    app.get('/health', (_req, res) => void res.send('ok'))
    return createServer(app)
  }

const koaRecipe =
  (Koa: typeof Koa3): Recipe =>
  (hooks, inspector) => {
    const app = new Koa()
    // The recipe: the inspector answers its own requests; every other one goes on down the middleware.
    app.use((ctx, next) => {
      let passed = false
      inspector.handler(ctx.req, ctx.res, () => (passed = true))
      if (passed) return next()
      ctx.respond = false
    })
    app.use(createKoaMiddleware(hooks, { path: CALLBACK_PATH }))
    app.use((ctx, next) => {
      if (ctx.path !== '/health') return next()
      ctx.body = 'ok'
    })
    return createServer(app.callback())
  }

interface FastifyLike {
  register(plugin: typeof roomhooks, options: { hooks: RoomWebhooks; path: string }): PromiseLike<unknown>
  all(path: string, handler: (request: FastifyRequest, reply: FastifyReply) => void): unknown
  get(path: string, handler: () => string): unknown
  ready(): PromiseLike<unknown>
  readonly server: Server
}

const fastifyRecipe =
  (fastify: () => FastifyLike): Recipe =>
  async (hooks, inspector) => {
    const app = fastify()
    // The recipe: the inspector's two routes hand the raw request over and tell Fastify the reply is taken.
    const serveInspector = (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack()
      inspector.handler(request.raw, reply.raw)
    }
    app.all('/roomhooks', serveInspector)
    app.all('/roomhooks/*', serveInspector)
    await app.register(roomhooks, { hooks, path: CALLBACK_PATH })
    app.get('/health', () => 'ok')
    await app.ready()
    return app.server
  }

const honoRecipe: Recipe = (hooks, inspector) => {
  const receive = createFetchHandler(hooks, { path: CALLBACK_PATH })
  // The recipe: the client's address comes from the runtime (here @hono/node-server's incoming socket).
  const serveInspector = (c: { req: { raw: Request }; env: HttpBindings }) =>
    inspector.fetch(c.req.raw, { remoteAddress: c.env.incoming.socket.remoteAddress })
  const app = new Hono<{ Bindings: HttpBindings }>()
    .all('/roomhooks', serveInspector)
    .all('/roomhooks/*', serveInspector)
    .post(CALLBACK_PATH, (c) => receive(c.req.raw))
    .get('/health', (c) => c.text('ok'))
  return createAdaptorServer({ fetch: app.fetch }) as Server
}

const recipes: Record<string, Recipe> = {
  'Express 5 (app.use)': expressRecipe(express5),
  'Express 4 (app.use)': expressRecipe(express4),
  'Koa 3 (the wrapper)': koaRecipe(Koa3),
  'Koa 2 (the wrapper)': koaRecipe(Koa2),
  'Fastify 5 (two routes)': fastifyRecipe(() => fastify5()),
  'Fastify 4 (two routes)': fastifyRecipe(() => fastify4() as unknown as FastifyLike),
  'Hono on @hono/node-server (the fetch handler)': honoRecipe,
}

for (const [name, recipe] of Object.entries(recipes)) {
  describe(`the inspector in ${name}`, () => {
    let hooks: RoomWebhooks
    let inspector: Inspector
    let server: RunningServer
    const attempts: number[] = []

    beforeEach(async () => {
      attempts.length = 0
      hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      hooks.on('room.created', (event) => {
        attempts.push(event.attempt)
        if (event.attempt === 1) throw new Error('fails once')
      })
      inspector = createInspector(hooks, { enabled: true })
      server = await listen(await recipe(hooks, inspector))
    })

    afterEach(async () => {
      inspector.close()
      await server.close()
    })

    const send = async () => {
      const callback = createTestCallback('room.created', { sdkAppId: SDK_APP_ID })
      const response = await fetch(`${server.url}${CALLBACK_PATH}?${callback.query}`, {
        method: 'POST',
        body: callback.body,
        headers: { 'content-type': 'application/json' },
      })
      return response.status
    }

    it('serves the page, lists a callback the app received, and leaves the other routes to the app', async () => {
      const page = await fetch(`${server.url}/roomhooks`)
      expect(page.status).to.equal(200)
      expect(await page.text()).to.include('data-testid="callback-list"')
      expect(await send()).to.equal(500)
      const list: any = await (await fetch(`${server.url}/roomhooks/api/callbacks`)).json()
      expect(list.callbacks).to.have.length(1)
      expect(list.callbacks[0]).to.include({ command: 'Room.CallbackAfterCreateRoom', outcome: 'failed', status: 500 })
      const health = await fetch(`${server.url}/health`)
      expect([health.status, await health.text()]).to.deep.equal([200, 'ok'])
    })

    it('streams a callback sent after the stream opened', async () => {
      const stream = await openEvents(`${server.url}/roomhooks/api/events`)
      expect(stream.response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8')
      await send()
      expect(await stream.next('callback')).to.include({ command: 'Room.CallbackAfterCreateRoom', outcome: 'failed' })
      stream.close()
    })

    it('replays the failed callback: its handler runs again, as attempt 2', async () => {
      await send()
      const { callbacks }: any = await (await fetch(`${server.url}/roomhooks/api/callbacks`)).json()
      const [failed] = callbacks
      const replay = await fetch(`${server.url}/roomhooks/api/callbacks/${failed.id}/replay`, { method: 'POST' })
      expect(replay.status).to.equal(200)
      expect(((await replay.json()) as any).callback).to.include({
        source: 'replay',
        attempt: 2,
        outcome: 'ok',
        replayOf: failed.id,
      })
      expect(attempts).to.deep.equal([1, 2])
    })

    it('answers 404 JSON for a path of its own it does not serve', async () => {
      const answer = await fetch(`${server.url}/roomhooks/api/nothing`)
      expect(answer.status).to.equal(404)
      expect(await answer.json()).to.have.property('error')
    })

    it('ends an open stream on close()', async () => {
      const stream = await openEvents(`${server.url}/roomhooks/api/events`)
      inspector.close()
      expect(await stream.ended).to.equal('ended')
    })
  })
}

describe('the inspector behind Express compression()', () => {
  it('streams each callback as it comes, not held back in the gzip buffer', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
    const inspector = createInspector(hooks, { enabled: true })
    const app = express5()
    // As most Express apps begin: compression first, for every route.
    app.use(compression())
    app.use(inspector.handler)
    app.post(CALLBACK_PATH, createExpressMiddleware(hooks))
    const server = await listen(createServer(app))
    try {
      const stream = await openEvents(`${server.url}/roomhooks/api/events`, { 'accept-encoding': 'gzip' })
      const callback = createTestCallback('room.created', { sdkAppId: SDK_APP_ID })
      await fetch(`${server.url}${CALLBACK_PATH}?${callback.query}`, {
        method: 'POST',
        body: callback.body,
        headers: { 'content-type': 'application/json' },
      })
      expect(await stream.next('callback', () => true, 3000)).to.include({ command: 'Room.CallbackAfterCreateRoom' })
      stream.close()
    } finally {
      inspector.close()
      await server.close()
    }
  })
})
