import { createServer } from 'node:http'
import { expect } from 'chai'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import Router from '@koa/router'
import { bodyParser } from '@koa/bodyparser'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { createRoomWebhooks, type AnyCallbackEvent } from '@roomhooks/core'
import { createKoaMiddleware } from '@roomhooks/koa'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post, type RunningServer } from '../../../test/support/http.js'
import { CALLBACK_PATH, describeReceiverContract } from '../../../test/support/receiver-contract.js'

const versions = { 'Koa 3': Koa3, 'Koa 2': Koa2 }

for (const [version, Koa] of Object.entries(versions)) {
  describe(`createKoaMiddleware() on ${version}`, () => {
    describe('on a @koa/router route, nothing parsing the body', () => {
      describeReceiverContract((hooks) => {
        const app = new Koa()
        const router = new Router()
        router.post(CALLBACK_PATH, createKoaMiddleware(hooks))
        app.use(router.routes())
        return listen(createServer(app.callback()))
      })
    })

    describe('with app.use() and a path, after @koa/bodyparser (which keeps rawBody)', () => {
      describeReceiverContract(
        (hooks) => {
          const app = new Koa()
          app.use(bodyParser())
          app.use(createKoaMiddleware(hooks, { path: CALLBACK_PATH }))
          return listen(createServer(app.callback()))
        },
        { parsesBody: true, keepsRawBody: true },
      )
    })

    describe('after a body parser that keeps only the parsed body', () => {
      describeReceiverContract(
        (hooks) => {
          const app = new Koa()
          const parser = bodyParser()
          app.use(async (ctx, next) => {
            await parser(ctx, async () => {})
            delete (ctx.request as { rawBody?: string }).rawBody
            await next()
          })
          app.use(createKoaMiddleware(hooks, { path: CALLBACK_PATH }))
          return listen(createServer(app.callback()))
        },
        { parsesBody: true },
      )
    })

    describe('routing', () => {
      let server: RunningServer | undefined
      afterEach(async () => server?.close())

      it('passes requests for other paths to the next middleware', async () => {
        const app = new Koa()
        app.use(createKoaMiddleware(createRoomWebhooks({ sdkAppId: SDK_APP_ID }), { path: CALLBACK_PATH }))
        app.use((ctx) => {
          ctx.status = 202
          ctx.body = 'other route'
        })
        server = await listen(createServer(app.callback()))
        const response = await fetch(`${server.url}/other`, { method: 'POST', body: '{}' })
        expect(response.status).to.equal(202)
        expect(await response.text()).to.equal('other route')
      })

      it('keeps big user IDs exact behind @koa/bodyparser', async () => {
        const seen: AnyCallbackEvent[] = []
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).onAny((event) => void seen.push(event))
        const app = new Koa()
        app.use(bodyParser())
        app.use(createKoaMiddleware(hooks, { path: CALLBACK_PATH }))
        server = await listen(createServer(app.callback()))
        const command = 'Mic.CallbackAfterSeatInfoChanged'
        const answer = await post(`${server.url}${CALLBACK_PATH}?${callbackQuery({ command })}`, fixtureText(command))
        expect(answer.status).to.equal(200)
        expect((seen[0]?.payload as { SeatList: { Member_Account: string }[] }).SeatList[0]?.Member_Account).to.equal(
          '144115233775727695',
        )
      })
    })
  })
}

describe('createKoaMiddleware() with a real logger', () => {
  it('answers a refusal logged by pino with the envelope, not a plain-text 500', async () => {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const app = new Koa3()
    app.use(createKoaMiddleware(createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: 'a-token', log: pino(stream) })))
    const server = await listen(createServer(app.callback()))
    try {
      const answer = await post(
        `${server.url}/?${callbackQuery({ command: 'Room.CallbackAfterCreateRoom' })}`,
        fixtureText('Room.CallbackAfterCreateRoom'),
      )
      expect([answer.status, answer.envelope.ErrorCode]).to.deep.equal([401, 40101])
      expect(lines).to.have.length(1)
    } finally {
      await server.close()
    }
  })
})
