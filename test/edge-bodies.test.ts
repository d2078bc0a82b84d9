// The HTTP edge over real sockets, for every transport: bodies that are refused before they are read, requests
// pipelined behind a refused one, the fetch handler's read deadline, and compressed bodies a parser inflated.
import { createServer, type Server } from 'node:http'
import { gzipSync } from 'node:zlib'
import { expect } from 'chai'
import { bodyParser } from '@koa/bodyparser'
import { createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import { callbackQuery, fixtureText, SDK_APP_ID } from './support/callbacks.js'
import { listen, post, type RunningServer } from './support/http.js'
import { countBytesRead, pushUpload, RawConnection, rawRequest } from './support/raw-http.js'
import {
  allTransports,
  expressVersions,
  honoTransport,
  koaVersions,
  nodeTransports,
  type Mount,
} from './support/transports.js'

const PATH = '/tencent/callback'
const CREATED = 'Room.CallbackAfterCreateRoom'
const BODY = fixtureText(CREATED)
const valid = () => `${PATH}?${callbackQuery({ command: CREATED })}`
const wrongApp = () => `${PATH}?${callbackQuery({ command: CREATED, sdkAppId: 1400000001 })}`
const quiet = { warn: () => {}, error: () => {} }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const MiB = 1024 * 1024

describe('the HTTP edge', function () {
  this.timeout(30_000)
  let server: RunningServer | undefined
  let runs = 0
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function start(
    mount: Mount,
    options: { readTimeout?: number } = {},
    hooksOptions: Partial<RoomWebhooksOptions> = {},
  ) {
    runs = 0
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, ...hooksOptions }).onAny(() => void runs++)
    const http = await mount(hooks, { path: PATH, ...options })
    const bytesRead = countBytesRead(http)
    server = await listen(http)
    return { url: server.url, bytesRead }
  }

  describe('refusals answered before the body is read leave it unread and close the connection', () => {
    const DECLARED = 64 * MiB
    const refusals = [
      {
        name: 'a wrong SdkAppid (403)',
        status: 403,
        code: 40302,
        method: 'POST',
        target: wrongApp,
        on: Object.keys(allTransports),
      },
      {
        name: 'a declared Content-Length over bodyLimit (413)',
        status: 413,
        code: 41301,
        method: 'POST',
        target: valid,
        on: Object.keys(allTransports),
      },
      {
        name: 'another method (405)',
        status: 405,
        code: 40501,
        method: 'PUT',
        target: valid,
        on: Object.keys(allTransports),
      },
      {
        name: 'another path (404)',
        status: 404,
        code: 40401,
        method: 'POST',
        target: () => `/elsewhere?${callbackQuery({ command: CREATED })}`,
        on: ['node:http', 'Hono (fetch handler)'],
      },
    ]
    for (const [transport, mount] of Object.entries(allTransports)) {
      for (const refusal of refusals.filter((each) => each.on.includes(transport))) {
        it(`${transport}: ${refusal.name} to a 64 MiB upload`, async () => {
          const { url, bytesRead } = await start(mount)
          const head = rawRequest(refusal.target(), undefined, {
            method: refusal.method,
            headers: { 'content-type': 'application/json', 'content-length': DECLARED },
          })
          const outcome = await pushUpload(url, head, DECLARED)
          expect(outcome.answer?.status).to.equal(refusal.status)
          expect(JSON.parse(outcome.answer?.body ?? '')).to.include({ ActionStatus: 'FAIL', ErrorCode: refusal.code })
          expect(outcome.answer?.headers['connection']).to.equal('close')
          expect(outcome.closedByServer).to.equal(true)
          // The kernel's socket buffers take a few MiB whatever the server does; the server itself read almost none.
          expect(bytesRead(), 'bytes the server read').to.be.below(1 * MiB)
          expect(outcome.clientSent, 'bytes the client got to send').to.be.below(16 * MiB)
          expect(runs).to.equal(0)
        })
      }
    }
  })

  describe('a request pipelined behind a refused one', () => {
    for (const [transport, mount] of Object.entries(allTransports)) {
      describe(transport, () => {
        it('is answered when both arrive in one write, and the refused body was small', async () => {
          const { url } = await start(mount)
          const connection = new RawConnection(url)
          await connection.write(rawRequest(wrongApp(), BODY) + rawRequest(valid(), BODY))
          const answers = await connection.waitForAnswers(2)
          connection.destroy()
          expect(answers.map((answer) => answer.status)).to.deep.equal([403, 200])
          expect(answers[0]?.headers['connection']).not.to.equal('close')
          expect(runs).to.equal(1)
        })

        it("is answered when the refused request's small body arrives after its head", async () => {
          const { url } = await start(mount)
          const connection = new RawConnection(url)
          const first = rawRequest(wrongApp(), BODY)
          const split = first.indexOf('\r\n\r\n') + 4
          await connection.write(first.slice(0, split))
          await sleep(30)
          await connection.write(first.slice(split) + rawRequest(valid(), BODY))
          const answers = await connection.waitForAnswers(2)
          connection.destroy()
          expect(answers.map((answer) => answer.status)).to.deep.equal([403, 200])
          expect(runs).to.equal(1)
        })

        it('is answered behind a refused GET without a body', async () => {
          const { url } = await start(mount)
          const connection = new RawConnection(url)
          await connection.write(rawRequest(valid(), undefined, { method: 'GET' }) + rawRequest(valid(), BODY))
          const answers = await connection.waitForAnswers(2)
          connection.destroy()
          expect(answers.map((answer) => answer.status)).to.deep.equal([405, 200])
          expect(answers[0]?.headers['connection']).not.to.equal('close')
          expect(runs).to.equal(1)
        })

        it('a refused small body slower than the read timeout is answered at the deadline, closing the connection', async () => {
          const { url } = await start(mount, { readTimeout: 300 })
          const connection = new RawConnection(url)
          const started = Date.now()
          await connection.write(rawRequest(wrongApp(), BODY).slice(0, -BODY.length + 10))
          const answers = await connection.waitForAnswers(1)
          const elapsed = Date.now() - started
          await Promise.race([connection.closed, sleep(1000)])
          const closed = connection.socket.destroyed || connection.socket.readableEnded
          connection.destroy()
          expect(answers.map((answer) => answer.status)).to.deep.equal([403])
          expect(answers[0]?.headers['connection']).to.equal('close')
          expect(closed, 'the server closed the connection').to.equal(true)
          expect(elapsed).to.be.within(250, 2000)
        })
      })
    }

    for (const [transport, mount] of Object.entries(nodeTransports)) {
      it(`${transport}: is not processed behind a refused body too large to drain, whose answer closes the connection`, async () => {
        const { url } = await start(mount)
        // Over the 64 KiB drain limit, yet small enough that node:http reads all of it (and parses the next
        // request) between the answer and the close.
        const large = JSON.stringify({ ...JSON.parse(BODY), Padding: 'x'.repeat(100 * 1024) })
        const connection = new RawConnection(url)
        await connection.write(rawRequest(wrongApp(), large) + rawRequest(valid(), BODY)).catch(() => {})
        await Promise.race([connection.closed, sleep(2000)])
        const answers = connection.answers
        connection.destroy()
        expect(answers.map((answer) => answer.status)).to.deep.equal([403])
        expect(answers[0]?.headers['connection']).to.equal('close')
        // Its handler must not run: it could never be answered.
        expect(runs).to.equal(0)
      })
    }
  })

  describe('the fetch handler under Hono: the read timeout', () => {
    it('answers 408 to a body that drips slower than readTimeout, runs no handler, and closes the connection', async () => {
      const { url } = await start(honoTransport, { readTimeout: 200 })
      const connection = new RawConnection(url)
      await connection.write(rawRequest(valid(), BODY).slice(0, -BODY.length))
      const started = Date.now()
      let sent = 0
      const drip = setInterval(() => void connection.write(BODY.charAt(sent++)).catch(() => {}), 20)
      try {
        const [answer] = await connection.waitForAnswers(1)
        expect(answer?.status).to.equal(408)
        expect(JSON.parse(answer?.body ?? '')).to.include({ ActionStatus: 'FAIL', ErrorCode: 40801 })
        expect(answer?.headers['connection']).to.equal('close')
        expect(Date.now() - started).to.be.within(150, 1500)
        await Promise.race([connection.closed, sleep(1000)])
        expect(
          connection.socket.destroyed || connection.socket.readableEnded,
          'the server closed the connection',
        ).to.equal(true)
      } finally {
        clearInterval(drip)
        connection.destroy()
      }
      expect(sent).to.be.below(BODY.length)
      expect(runs).to.equal(0)
    })

    it('still answers a body that arrives in time', async () => {
      const { url } = await start(honoTransport, { readTimeout: 200 })
      expect((await post(`${url}${valid()}`, BODY)).status).to.equal(200)
      expect(runs).to.equal(1)
    })
  })

  describe('a compressed body that a body parser already inflated', () => {
    const inflatedSize = 5 * MiB
    const bomb = gzipSync(JSON.stringify({ ...JSON.parse(BODY), Padding: 'x'.repeat(inflatedSize) }))
    const small = gzipSync(BODY)
    const apps: Record<string, (hooks: RoomWebhooks) => Server> = {
      ...Object.fromEntries(
        Object.entries(expressVersions).map(([name, express]) => [
          `${name} behind express.json()`,
          (hooks: RoomWebhooks) =>
            createServer(
              express()
                .use(express.json({ limit: '10mb' }))
                .use(createExpressMiddleware(hooks)),
            ),
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(koaVersions).map(([name, Koa]) => [
          `${name} behind @koa/bodyparser`,
          (hooks: RoomWebhooks) =>
            createServer(
              new Koa()
                .use(bodyParser({ jsonLimit: '10mb' }))
                .use(createKoaMiddleware(hooks))
                .callback(),
            ),
        ]),
      ),
    }
    for (const [name, app] of Object.entries(apps)) {
      it(`${name}: refuses a gzip body with 415, however small its compressed size`, async () => {
        expect(bomb.length).to.be.below(64 * 1024)
        const { url } = await start(app, {}, { bodyLimit: 64 * 1024 })
        const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip' }
        const answers = [await post(`${url}${valid()}`, bomb, headers), await post(`${url}${valid()}`, small, headers)]
        expect(answers.map((answer) => answer.status)).to.deep.equal([415, 415])
        expect(answers[0]?.envelope).to.include({ ActionStatus: 'FAIL', ErrorCode: 41501 })
        expect(runs).to.equal(0)
      })
    }
  })
})
