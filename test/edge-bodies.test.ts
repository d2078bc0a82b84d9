// The HTTP edge over real sockets: the fetch handler's read deadline.
import { expect } from 'chai'
import { createRoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from './support/callbacks.js'
import { listen, post, type RunningServer } from './support/http.js'
import { countBytesRead, RawConnection, rawRequest } from './support/raw-http.js'
import { honoTransport, type Mount } from './support/transports.js'

const PATH = '/tencent/callback'
const CREATED = 'Room.CallbackAfterCreateRoom'
const BODY = fixtureText(CREATED)
const valid = () => `${PATH}?${callbackQuery({ command: CREATED })}`
const quiet = { warn: () => {}, error: () => {} }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

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
})
