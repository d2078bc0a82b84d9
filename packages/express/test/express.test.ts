import { createServer } from 'node:http'
import { expect } from 'chai'
import express5 from 'express'
import express4 from 'express4'
import { createRoomWebhooks, type AnyCallbackEvent } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post, type RunningServer } from '../../../test/support/http.js'
import { CALLBACK_PATH, describeReceiverContract } from '../../../test/support/receiver-contract.js'

const versions = { 'Express 5': express5, 'Express 4': express4 }

for (const [version, express] of Object.entries(versions)) {
  describe(`createExpressMiddleware() on ${version}`, () => {
    describe('mounted on a route, nothing parsing the body', () => {
      describeReceiverContract((hooks) => {
        const app = express()
        app.post(CALLBACK_PATH, createExpressMiddleware(hooks))
        return listen(createServer(app))
      })
    })

    describe('after express.json()', () => {
      describeReceiverContract(
        (hooks) => {
          const app = express()
          app.use(express.json())
          app.post(CALLBACK_PATH, createExpressMiddleware(hooks))
          return listen(createServer(app))
        },
        { parsesBody: true },
      )
    })

    describe('with app.use() and a path, after express.json() that keeps req.rawBody', () => {
      describeReceiverContract(
        (hooks) => {
          const app = express()
          app.use(
            express.json({
              verify: (req, _res, buffer) => {
                Object.assign(req, { rawBody: buffer })
              },
            }),
          )
          app.use(createExpressMiddleware(hooks, { path: CALLBACK_PATH }))
          return listen(createServer(app))
        },
        { parsesBody: true, keepsRawBody: true },
      )
    })

    describe('routing', () => {
      let server: RunningServer | undefined
      afterEach(async () => server?.close())

      it('passes requests for other paths to the next middleware', async () => {
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
        const app = express()
        app.use(createExpressMiddleware(hooks, { path: CALLBACK_PATH }))
        app.post('/other', (_req, res) => {
          res.status(202).send('other route')
        })
        server = await listen(createServer(app))
        const response = await fetch(`${server.url}/other`, { method: 'POST', body: '{}' })
        expect(response.status).to.equal(202)
        expect(await response.text()).to.equal('other route')
      })

      it('reads a text/plain body that express.json() skipped', async () => {
        const seen: AnyCallbackEvent[] = []
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).onAny((event) => void seen.push(event))
        const app = express()
        app.use(express.json())
        app.post(CALLBACK_PATH, createExpressMiddleware(hooks))
        server = await listen(createServer(app))
        const command = 'Live.CallbackAfterDestroyRoom'
        const answer = await post(`${server.url}${CALLBACK_PATH}?${callbackQuery({ command })}`, fixtureText(command), {
          'content-type': 'text/plain',
        })
        expect(answer.status).to.equal(200)
        expect((seen[0]?.payload as { RoomInfo: { Owner_Account: string } }).RoomInfo.Owner_Account).to.equal(
          '144115216631667826',
        )
      })
    })
  })
}
