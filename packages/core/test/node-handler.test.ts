import { createServer } from 'node:http'
import { expect } from 'chai'
import { createNodeHandler, createRoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post, type RunningServer } from '../../../test/support/http.js'
import { CALLBACK_PATH, describeReceiverContract } from '../../../test/support/receiver-contract.js'

describe('createNodeHandler()', () => {
  describeReceiverContract((hooks) => listen(createServer(createNodeHandler(hooks, { path: CALLBACK_PATH }))))

  describe('routing', () => {
    let server: RunningServer | undefined
    afterEach(async () => server?.close())
    const quiet = { warn: () => {}, error: () => {} }

    it('answers 404 with an envelope for another path', async () => {
      server = await listen(
        createServer(
          createNodeHandler(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }), { path: CALLBACK_PATH }),
        ),
      )
      const answer = await post(`${server.url}/elsewhere`, '{}')
      expect(answer.status).to.equal(404)
      expect(answer.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 40401 })
    })

    it('calls next for another path when used as middleware', async () => {
      const handler = createNodeHandler(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }), {
        path: CALLBACK_PATH,
      })
      server = await listen(
        createServer((req, res) =>
          handler(req, res, () => {
            res.writeHead(418).end('next')
          }),
        ),
      )
      const response = await fetch(`${server.url}/elsewhere`, { method: 'POST', body: '{}' })
      expect(response.status).to.equal(418)
      expect(await response.text()).to.equal('next')
    })

    it('without a path, takes only requests whose query names SdkAppid or CallbackCommand, and passes on the rest', async () => {
      const handler = createNodeHandler(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }))
      server = await listen(createServer((req, res) => handler(req, res, () => void res.writeHead(418).end('next'))))
      const answers: Record<string, number> = {}
      for (const query of [
        '',
        '?',
        '?a=1',
        '?SdkAppidX=1&XCallbackCommand=2',
        '?Sign=1&RequestTime=2&ClientIP=3',
        '?a=1&sdkappid=1',
        '?CallbackCommand=x',
        '?a&SDKAPPID',
        '?SdkAppid&a=1',
        '?Sdk%41ppid=1',
      ]) {
        answers[query] = (await fetch(`${server.url}/any${query}`, { method: 'POST', body: '{}' })).status
      }
      expect(answers).to.deep.equal({
        '': 418,
        '?': 418,
        '?a=1': 418,
        '?SdkAppidX=1&XCallbackCommand=2': 418,
        '?Sign=1&RequestTime=2&ClientIP=3': 418,
        '?a=1&sdkappid=1': 403,
        '?CallbackCommand=x': 403,
        '?a&SDKAPPID': 403,
        '?SdkAppid&a=1': 403,
        '?Sdk%41ppid=1': 403,
      })
    })

    it('answers 405 with Allow: POST to a GET', async () => {
      server = await listen(createServer(createNodeHandler(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }))))
      const response = await fetch(
        `${server.url}${CALLBACK_PATH}?${callbackQuery({ command: 'Room.CallbackAfterCreateRoom' })}`,
      )
      expect(response.status).to.equal(405)
      expect(response.headers.get('allow')).to.equal('POST')
      expect(await response.json()).to.include({ ActionStatus: 'FAIL', ErrorCode: 40501 })
    })

    it('accepts a text/plain body and a body with no content type', async () => {
      server = await listen(createServer(createNodeHandler(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }))))
      const url = `${server.url}/?${callbackQuery({ command: 'Room.CallbackAfterCreateRoom' })}`
      const text = await post(url, fixtureText('Room.CallbackAfterCreateRoom'), { 'content-type': 'text/plain' })
      const none = await post(url, Buffer.from(fixtureText('Room.CallbackAfterCreateRoom')), {})
      expect([text.status, none.status]).to.deep.equal([200, 200])
    })
  })
})
