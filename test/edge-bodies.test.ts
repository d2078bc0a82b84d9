// The HTTP edge over real sockets: the fetch handler's read deadline, and compressed bodies a parser inflated.
import { createServer, type Server } from 'node:http'
import { gzipSync } from 'node:zlib'
import { expect } from 'chai'
import { bodyParser } from '@koa/bodyparser'
import { createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import { callbackQuery, fixtureText, SDK_APP_ID } from './support/callbacks.js'
import { listen, post, type RunningServer } from './support/http.js'
import { countBytesRead, RawConnection, rawRequest } from './support/raw-http.js'
import { expressVersions, honoTransport, koaVersions, type Mount } from './support/transports.js'

const PATH = '/tencent/callback'
const CREATED = 'Room.CallbackAfterCreateRoom'
const BODY = fixtureText(CREATED)
const valid = () => `${PATH}?${callbackQuery({ command: CREATED })}`
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

  async function start(mount: Mount, options: { readTimeout?: number } = {}, hooksOptions: Partial<RoomWebhooksOptions> = {}) {
    runs = 0
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, ...hooksOptions }).onAny(() => void runs++)
    const http = mount(hooks, { path: PATH, ...options })
    const bytesRead = countBytesRead(http)
    server = await listen(http)
    return { url: server.url, bytesRead }
  }

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
        expect(connection.socket.destroyed || connection.socket.readableEnded, 'the server closed the connection').to.equal(true)
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
          (hooks: RoomWebhooks) => createServer(express().use(express.json({ limit: '10mb' })).use(createExpressMiddleware(hooks))),
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(koaVersions).map(([name, Koa]) => [
          `${name} behind @koa/bodyparser`,
          (hooks: RoomWebhooks) =>
            createServer(new Koa().use(bodyParser({ jsonLimit: '10mb' })).use(createKoaMiddleware(hooks)).callback()),
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
