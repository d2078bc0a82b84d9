import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { createNodeHandler, createRoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post, type RunningServer } from '../../../test/support/http.js'
import { RawConnection, rawRequest } from '../../../test/support/raw-http.js'
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

  // Each stalled body gets its own 408, on time and never early, whatever other reads came and went around it.
  describe('the read timeout', () => {
    const READ_TIMEOUT = 300
    const CREATED = 'Room.CallbackAfterCreateRoom'
    let server: RunningServer | undefined
    afterEach(async () => {
      await server?.close()
      server = undefined
    })

    async function start(): Promise<string> {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn: () => {}, error: () => {} } })
      server = await listen(createServer(createNodeHandler(hooks, { path: CALLBACK_PATH, readTimeout: READ_TIMEOUT })))
      return `${server.url}${CALLBACK_PATH}?${callbackQuery({ command: CREATED })}`
    }

    /** Sends a callback's head and half its body, then nothing: its status, and how long it took to come. */
    async function stall(url: string): Promise<{ status: number | undefined; ms: number }> {
      const { pathname, search } = new URL(url)
      const body = fixtureText(CREATED)
      const started = performance.now()
      const connection = new RawConnection(url)
      const head = rawRequest(`${pathname}${search}`, undefined, {
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      })
      await connection.write(head + body.slice(0, body.length / 2))
      const [answer] = await connection.waitForAnswers(1, 5000)
      const ms = performance.now() - started
      connection.destroy()
      return { status: answer?.status, ms }
    }

    it('answers 408 to a body that stalls after other callbacks were read and answered', async () => {
      const url = await start()
      for (let i = 0; i < 3; i++) expect((await post(url, fixtureText(CREATED))).status).to.equal(200)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const stalled = await stall(url)
      expect(stalled.status).to.equal(408)
      expect(stalled.ms).to.be.within(READ_TIMEOUT, READ_TIMEOUT + 700)
    })

    it('gives each stalled body its own deadline, with callbacks answered in between', async () => {
      const url = await start()
      const first = stall(url)
      await new Promise((resolve) => setTimeout(resolve, READ_TIMEOUT / 2))
      const second = stall(url)
      for (let i = 0; i < 5; i++) expect((await post(url, fixtureText(CREATED))).status).to.equal(200)
      const [one, two] = await Promise.all([first, second])
      expect([one.status, two.status]).to.deep.equal([408, 408])
      expect(one.ms).to.be.within(READ_TIMEOUT, READ_TIMEOUT + 700)
      expect(two.ms).to.be.within(READ_TIMEOUT, READ_TIMEOUT + 700)
    })

    it('keeps no process alive once its server is closed', async () => {
      // A server with a long read timeout answers one callback and closes: node must exit at once, with nothing of
      // the receiver's read timers left to keep it alive.
      const script = `
        import { createServer } from 'node:http'
        import { createNodeHandler, createRoomWebhooks } from '@roomhooks/core'
        import { createTestCallback } from '@roomhooks/core/testing'
        const hooks = createRoomWebhooks({ sdkAppId: ${SDK_APP_ID} })
        const server = createServer(createNodeHandler(hooks, { path: '/cb', readTimeout: 60000 })).listen(0, async () => {
          const callback = createTestCallback('room.created', { sdkAppId: ${SDK_APP_ID} })
          const answer = await fetch('http://127.0.0.1:' + server.address().port + '/cb?' + callback.query, {
            method: 'POST', body: callback.body, headers: { connection: 'close' },
          })
          console.log(answer.status)
          server.close()
        })`
      const started = performance.now()
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        timeout: 30_000,
      })
      expect(stdout.trim()).to.equal('200')
      expect(performance.now() - started).to.be.below(20_000)
    })
  })
})
