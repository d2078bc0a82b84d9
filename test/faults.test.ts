// Faults around the receiver: failing and hanging handlers, clients that go away, bodies that drip or never end;
// on node:http and in the Fastify plugin, whose framework stands between the socket and the receiver.
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { connect, type Socket } from 'node:net'
import { PassThrough } from 'node:stream'
import { mock } from 'node:test'
import { promisify } from 'node:util'
import { expect } from 'chai'
import express from 'express'
import Fastify from 'fastify'
import { createNodeHandler, createRoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import roomhooks from '@roomhooks/fastify'
import { callbackQuery, fixtureText, SDK_APP_ID } from './support/callbacks.js'
import { listen, post, type RunningServer } from './support/http.js'
import { fastifyTransports, type Mount } from './support/transports.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const PATH = `/?${callbackQuery({ command: CREATED })}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const quiet = { warn: () => {}, error: () => {} }
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length

/** Opens a raw connection and sends the head of a POST; returns the socket and the first answer line. */
function rawPost(url: string, headers: Record<string, string | number>): { socket: Socket; status: Promise<number> } {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {})
  const head = Object.entries({ host: hostname, ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  socket.write(`POST ${PATH} HTTP/1.1\r\n${head}\r\n`)
  const status = new Promise<number>((resolve, reject) => {
    let received = ''
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received)
      if (match) resolve(Number(match[1]))
    })
    socket.on('close', () => reject(new Error(`closed without an answer: ${received.slice(0, 80)}`)))
  })
  return { socket, status }
}

const transports: Record<string, Mount> = {
  'node:http': (hooks, options) => createServer(createNodeHandler(hooks, options)),
  ...fastifyTransports,
}

for (const [transport, mount] of Object.entries(transports)) {
  describe(`faults over ${transport}`, function () {
    this.timeout(30_000)
    let server: RunningServer | undefined
    afterEach(async () => {
      await server?.close()
      server = undefined
    })

    async function start(
      options: Partial<RoomWebhooksOptions>,
      setup: (hooks: ReturnType<typeof createRoomWebhooks>) => void,
      readTimeout = 5000,
    ) {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, ...options })
      setup(hooks)
      server = await listen(await mount(hooks, { path: '/', readTimeout }))
      return server
    }

    it('answers 1,000 callbacks whose handlers throw, reject or never settle, in time, and leaves no timer behind', async () => {
      const warnings: Error[] = []
      const onWarning = (warning: Error) => void warnings.push(warning)
      process.on('warning', onWarning)
      let calls = 0
      let onlyQuick = false
      const { url } = await start({ handlerTimeout: 50 }, (hooks) =>
        hooks
          .on('room.created', () => {
            calls++
            switch (onlyQuick ? 3 : calls % 4) {
              case 0:
                throw new Error('thrown')
              case 1:
                return Promise.reject(new Error('rejected'))
              case 2:
                return new Promise(() => {}) // never settles
              default:
                return sleep(1)
            }
          })
          .onError(() => {
            throw new Error('onError fails too')
          })
          .onError(() => Promise.reject(new Error('and so does this one'))),
      )
      await post(`${url}/elsewhere`, '{}') // the HTTP client's own timers now count in the baseline
      const baseline = timers()
      const slowest = { ms: 0 }
      const statuses = new Map<number, number>()
      for (let batch = 0; batch < 50; batch++) {
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            const started = Date.now()
            const answer = await post(`${url}${PATH}`, fixtureText(CREATED))
            slowest.ms = Math.max(slowest.ms, Date.now() - started)
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
          }),
        )
      }
      // Last, quick async handlers only: a deadline timer not cleared when they settle would still be pending.
      onlyQuick = true
      await Promise.all(Array.from({ length: 20 }, () => post(`${url}${PATH}`, fixtureText(CREATED))))
      process.off('warning', onWarning)
      expect(calls).to.equal(1020)
      expect(Object.fromEntries(statuses)).to.deep.equal({ 200: 500, 500: 500 })
      expect(slowest.ms).to.be.below(1000)
      expect(timers()).to.be.at.most(baseline)
      expect(warnings.map((warning) => warning.name)).to.deep.equal([])
    })

    it('runs no handler for a body cut off by the client, and keeps serving', async () => {
      let runs = 0
      const { url } = await start({}, (hooks) => hooks.onAny(() => void runs++))
      const { socket } = rawPost(url, { 'content-length': 1000, 'content-type': 'application/json' })
      socket.write(fixtureText(CREATED).slice(0, 100))
      await sleep(50)
      socket.destroy()
      await sleep(50)
      expect(runs).to.equal(0)
      expect((await post(`${url}${PATH}`, fixtureText(CREATED))).status).to.equal(200)
      expect(runs).to.equal(1)
    })

    it('survives a client that leaves before the answer', async () => {
      let finished = false
      const { url } = await start({}, (hooks) =>
        hooks.on('room.created', async () => {
          await sleep(100)
          finished = true
        }),
      )
      const body = fixtureText(CREATED)
      const { socket } = rawPost(url, { 'content-length': Buffer.byteLength(body), 'content-type': 'application/json' })
      socket.end(body)
      await sleep(20)
      socket.destroy()
      await sleep(150)
      expect(finished).to.equal(true)
      expect((await post(`${url}${PATH}`, body)).status).to.equal(200)
    })

    it('answers 408 to a body that drips slower than the read timeout, and runs no handler', async () => {
      let runs = 0
      const { url } = await start({}, (hooks) => hooks.onAny(() => void runs++), 200)
      const body = fixtureText(CREATED)
      const { socket, status } = rawPost(url, {
        'content-length': Buffer.byteLength(body),
        'content-type': 'application/json',
      })
      const started = Date.now()
      let sent = 0
      const drip = setInterval(() => socket.write(body.charAt(sent++)), 20)
      try {
        expect(await status).to.equal(408)
      } finally {
        clearInterval(drip)
        socket.destroy()
      }
      expect(Date.now() - started).to.be.within(150, 1000)
      expect(sent).to.be.below(body.length)
      expect(runs).to.equal(0)
    })

    it('answers 413 to a chunked body as soon as it passes the limit, without reading the rest', async () => {
      let runs = 0
      const { url } = await start({ bodyLimit: 64 * 1024 }, (hooks) => hooks.onAny(() => void runs++))
      const { socket, status } = rawPost(url, { 'transfer-encoding': 'chunked', 'content-type': 'application/json' })
      let answered = false
      void status.then(
        () => (answered = true),
        () => (answered = true),
      )
      const chunk = `{"CallbackCommand":"${CREATED}","Padding":"${'x'.repeat(16 * 1024)}`
      let sent = 0
      const total = 50 * 1024 * 1024
      while (!answered && sent < total && !socket.destroyed) {
        const piece = sent === 0 ? chunk : 'x'.repeat(16 * 1024)
        socket.write(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`)
        sent += piece.length
        await sleep(1)
      }
      expect(await status).to.equal(413)
      expect(sent).to.be.below(total)
      expect(runs).to.equal(0)
      socket.destroy()
    })
  })
}

describe('faults behind a body parser', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('answers 413 to a chunked body a parser read before the middleware, over the limit', async () => {
    let runs = 0
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, bodyLimit: 1024, log: quiet }).onAny(() => void runs++)
    const app = express()
    app.use(express.json({ limit: '10mb' }))
    app.post('/', createExpressMiddleware(hooks))
    server = await listen(createServer(app))
    const payload = JSON.stringify({ ...JSON.parse(fixtureText(CREATED)), Padding: 'x'.repeat(4096) })
    const response = await fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([payload]).stream(),
      duplex: 'half',
    })
    expect(response.headers.get('transfer-encoding')).to.equal(null)
    expect(response.status).to.equal(413)
    expect(runs).to.equal(0)
  })
})

// A request made in memory (Fastify's inject(), light-my-request) has no socket: only the read's deadline keeps the
// process alive until its 408, and it must come under fake timers too.
describe('the read timeout of a request made in memory', () => {
  it('answers 408 to a stalled body in a process that has nothing else to wait for', async () => {
    // Mocha's own timers would keep this process alive: the request runs in a process of its own.
    const script = `
      import { PassThrough } from 'node:stream'
      import Fastify from 'fastify'
      import roomhooks from '@roomhooks/fastify'
      import { createRoomWebhooks } from '@roomhooks/core'
      import { createTestCallback } from '@roomhooks/core/testing'
      const hooks = createRoomWebhooks({ sdkAppId: ${SDK_APP_ID}, log: { warn() {}, error() {} } })
      const app = Fastify()
      await app.register(roomhooks, { hooks, readTimeout: 300 })
      const callback = createTestCallback('room.created', { sdkAppId: ${SDK_APP_ID} })
      const payload = new PassThrough()
      payload.write(callback.body.slice(0, 10))
      const answer = await app.inject({
        method: 'POST', url: '/tencent/callback?' + callback.query, payload, headers: { 'content-type': 'application/json' },
      })
      console.log(answer.statusCode)`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 30_000,
    })
    expect(stdout.trim()).to.equal('408')
  })

  it('answers each stalled body 408 at its own deadline when fake timers move setTimeout and not the clock', async () => {
    // One app for the whole test, as a suite shares one: a callback on real timers first, then fake ones.
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
    const app = Fastify()
    await app.register(roomhooks, { hooks, readTimeout: 300 })
    await app.ready()
    const callback = { method: 'POST', url: `/tencent/callback${PATH.slice(1)}` } as const
    expect((await app.inject({ ...callback, payload: fixtureText(CREATED) })).statusCode).to.equal(200)
    const turns = async () => {
      for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve))
    }
    const stall = () => {
      const payload = new PassThrough()
      payload.write(fixtureText(CREATED).slice(0, 10))
      const answer: { status?: number } = {}
      void app
        .inject({ ...callback, payload, headers: { 'content-type': 'application/json' } })
        .then((response) => (answer.status = response.statusCode))
      return answer
    }
    mock.timers.enable({ apis: ['setTimeout'] })
    try {
      const first = stall()
      await turns()
      mock.timers.tick(200)
      const second = stall() // 200 ms of fake time later, on the same real clock
      await turns()
      mock.timers.tick(99)
      await turns()
      expect([first.status, second.status]).to.deep.equal([undefined, undefined])
      mock.timers.tick(1)
      await turns()
      expect([first.status, second.status]).to.deep.equal([408, undefined])
      mock.timers.tick(199)
      await turns()
      expect(second.status).to.equal(undefined)
      mock.timers.tick(1)
      await turns()
      expect(second.status).to.equal(408)
    } finally {
      mock.timers.reset()
    }
    // Back on real timers, the same app still times a stalled body out.
    const started = performance.now()
    const third = stall()
    while (third.status === undefined && performance.now() - started < 5000) await sleep(20)
    expect(third.status).to.equal(408)
    await app.close()
  })
})
