// The application around RoomhooksModule keeps what it configured: its routes, global pipes, body parser,
// middleware and global prefix, while callbacks reach roomhooks as the platform sent them.
import { expect } from 'chai'
import express from 'express'
import { SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { CALLBACK_PATH } from '../../../test/support/receiver-contract.js'
import { nestVersions, type StartedApp, type StartOptions } from './support/nest-versions.js'
import { sendCallback } from './support/send-callback.js'

const order = { item: 'gift box', quantity: 2 }

interface BodyParserApp {
  useBodyParser(type: string, options: { limit?: number; bodyLimit?: number }): unknown
}

function postJson(url: string, body: unknown) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

for (const version of nestVersions) {
  const nest = await version.load()
  const module = nest.FeatureAppModule.with({ sdkAppId: SDK_APP_ID, token: TOKEN, path: CALLBACK_PATH })

  for (const platform of ['express', 'fastify'] as const) {
    describe(`an application with RoomhooksModule on ${version.name}, ${platform}`, () => {
      let app: StartedApp | undefined
      const start = async (options: Omit<StartOptions, 'platform'> = {}) => {
        app = await nest.startNestApp(module, { platform, ...options })
        return app
      }
      afterEach(async () => {
        await app?.close()
        app = undefined
      })

      it("keeps a global ValidationPipe on the application's routes", async () => {
        const { url } = await start({
          configure: (app) =>
            void app.useGlobalPipes(new nest.ValidationPipe({ forbidNonWhitelisted: true, whitelist: true })),
        })
        const invalid = await postJson(`${url}/orders`, { item: 'gift box', quantity: 0 })
        expect(invalid.status).to.equal(400)
        expect(await invalid.json()).to.deep.include({ statusCode: 400, error: 'Bad Request' })
        const valid = await postJson(`${url}/orders`, order)
        expect(valid.status).to.equal(201)
        expect(await valid.json()).to.deep.equal({ order, rawBody: null })
        expect((await sendCallback({ url }, 'room.created')).status).to.equal(200)
      })

      it("keeps Nest's body parser on the application's routes, with rawBody: true as well", async () => {
        const { url } = await start({ appOptions: { rawBody: true } })
        const text = JSON.stringify(order)
        const response = await postJson(`${url}/orders`, text)
        expect(await response.json()).to.deep.equal({ order, rawBody: text })
        const malformed = await postJson(`${url}/orders`, '{"item": ')
        expect(malformed.status).to.equal(400)
        expect(await malformed.json()).to.include({ statusCode: 400 })
      })

      it('keeps a body parser the application configured, and callbacks are not read by it', async () => {
        const { url } = await start({
          appOptions: { bodyParser: false },
          // useBodyParser() of NestExpressApplication and NestFastifyApplication, not on INestApplication.
          configure: (app) =>
            void (platform === 'express'
              ? (app as unknown as BodyParserApp).useBodyParser('json', { limit: 100 })
              : (app as unknown as BodyParserApp).useBodyParser('application/json', { bodyLimit: 100 })),
        })
        const small = await postJson(`${url}/orders`, order)
        expect(small.status).to.equal(201)
        const large = await postJson(`${url}/orders`, { ...order, item: 'x'.repeat(200) })
        expect(large.status).to.equal(413)
        const callback = await sendCallback({ url }, 'live.destroyed')
        expect(callback.status).to.equal(200)
        expect(app!.app.get(nest.Recorder).lines).to.include('live.destroyed owned by 144115216631667826')
      })

      // On Fastify, callbacks are parsed in the plugin's own context, which middleware applied through Nest
      // (@fastify/middie) still runs before: those that read bodies are Express middleware, for Express.
      const parsers = [
        { how: "Nest's body parser (the default)" },
        ...(platform === 'fastify'
          ? []
          : [
              {
                how: 'bodyParser: false and express.json() applied in configure(consumer)',
                consumerMiddleware: express.json(),
                appOptions: { bodyParser: false },
              },
              {
                how: 'express.json() applied as a global middleware (app.use())',
                configure: (app: { use(middleware: unknown): unknown }) => void app.use(express.json()),
              },
            ]),
      ]
      for (const { how, consumerMiddleware, ...options } of parsers) {
        it(`gets a bare 18-digit user ID exact, with ${how}`, async () => {
          const settings = {
            sdkAppId: SDK_APP_ID,
            token: TOKEN,
            path: CALLBACK_PATH,
            ...(consumerMiddleware === undefined ? {} : { consumerMiddleware }),
          }
          app = await nest.startNestApp(nest.FeatureAppModule.with(settings), { platform, ...options })
          // The fixture's Owner_Account is the bare number 144115216631667826, which JSON.parse() rounds.
          const callback = await sendCallback(app, 'live.destroyed')
          expect(callback.status).to.equal(200)
          expect(app.app.get(nest.Recorder).lines).to.include('live.destroyed owned by 144115216631667826')
          const order = await postJson(`${app.url}/orders`, { item: 'gift box', quantity: 2 })
          expect(order.status).to.equal(201)
        })
      }

      // On Express, the receiver is ahead of all middleware, as any of it may read the body; on Fastify, callbacks
      // are parsed in the plugin's own context, after the application's middleware like any route.
      const middlewareSeesCallbacks = platform === 'fastify'
      it(
        middlewareSeesCallbacks
          ? "runs the application's own middleware before callbacks, as for its routes"
          : "answers callbacks ahead of the application's own middleware, which still runs for its routes",
        async () => {
          const seen: string[] = []
          const { url } = await start({
            configure: (app) =>
              void app.use((request: { url?: string }, _response: unknown, next: () => void) => {
                seen.push(request.url?.split('?')[0] ?? '')
                next()
              }),
          })
          expect((await sendCallback({ url }, 'room.created')).status).to.equal(200)
          await fetch(`${url}/health`)
          expect(seen).to.deep.equal(middlewareSeesCallbacks ? [CALLBACK_PATH, '/health'] : ['/health'])
        },
      )

      it("answers only at its path: the application's routes and its 404 are Nest's", async () => {
        const { url } = await start()
        const health = await fetch(`${url}/health`)
        expect(await health.json()).to.deep.equal({ ok: true })
        const missing = await fetch(`${url}/missing`, { method: 'POST', body: '{}' })
        expect(missing.status).to.equal(404)
        expect(await missing.json()).to.include({ statusCode: 404 })
        const get = await fetch(`${url}${CALLBACK_PATH}`)
        expect(get.status).to.equal(405)
        expect(await get.json()).to.include({ ActionStatus: 'FAIL' })
      })

      it('keeps the callback path whole under a global prefix', async () => {
        const { url } = await start({ configure: (app) => void app.setGlobalPrefix('api') })
        expect((await fetch(`${url}/api/health`)).status).to.equal(200)
        expect((await sendCallback({ url }, 'room.created')).status).to.equal(200)
      })
    })
  }
}
