// The transport contract on Bun, Deno and workerd as npm installs them: each serves createFetchHandler() from the
// built core (its bundled ES build) in its own process, started once per suite, and the contract reaches it over
// real HTTP.
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createTestCallback } from '@roomhooks/core/testing'
import { OBSERVED_ROUTE, RECEIVER_ROUTE } from './support/contract-app.js'
import type { ContractReceiver, Observed } from './support/contract-receiver.js'
import { describeRemoteReceiverContract, type RemoteApp } from './support/receiver-contract.js'
import { RawConnection, rawRequest } from './support/raw-http.js'
import { installedVersion, startBun, startDeno, startWorker, type RuntimeServer } from './support/runtimes.js'

const app = (name: string) => fileURLToPath(new URL(`runtimes/${name}.ts`, import.meta.url))

const runtimes = [
  {
    name: `Bun ${installedVersion('bun')}`,
    runtime: `Bun/${installedVersion('bun')}`,
    start: () => startBun(app('bun')),
  },
  {
    name: `Deno ${installedVersion('deno')}`,
    runtime: `Deno/${installedVersion('deno')}`,
    start: () => startDeno(app('deno')),
  },
  {
    name: `workerd ${installedVersion('workerd')} (Miniflare ${installedVersion('miniflare')}, no compatibility flags)`,
    runtime: 'Cloudflare-Workers',
    start: () => startWorker(app('workerd'), { compatibilityDate: '2026-04-26' }),
  },
]

/** The contract's view of an app serving test/support/contract-app.ts. */
function remoteApp(url: string): RemoteApp & { runtime(): Promise<string> } {
  const observed = async () => {
    const response = await fetch(`${url}${OBSERVED_ROUTE}`)
    return (await response.json()) as Observed & { runtime: string }
  }
  return {
    url,
    async setUp(receiver: ContractReceiver) {
      const response = await fetch(`${url}${RECEIVER_ROUTE}`, { method: 'POST', body: JSON.stringify(receiver) })
      expect(response.status, await response.text()).to.equal(204)
    },
    observed,
    runtime: async () => (await observed()).runtime,
  }
}

for (const { name, runtime, start } of runtimes) {
  describe(`createFetchHandler() on ${name}`, function () {
    this.timeout(30_000)
    let server: RuntimeServer | undefined
    let remote: ReturnType<typeof remoteApp> | undefined
    before(async () => {
      server = await start()
      remote = remoteApp(server.url)
    })
    after(() => server?.stop())

    it(`serves the contract on ${runtime}, not on Node`, async () => {
      expect(await remote!.runtime()).to.equal(runtime)
    })

    describeRemoteReceiverContract(() => remote!)
  })
}

describe(`createFetchHandler() on workerd ${installedVersion('workerd')}, a handler that outlives handlerTimeout`, function () {
  this.timeout(30_000)
  let server: RuntimeServer | undefined
  before(async () => {
    server = await startWorker(app('workerd-late-handler'), { compatibilityDate: '2026-04-26' })
  })
  after(() => server?.stop())

  const send = async (path: string, roomId: string) => {
    const callback = createTestCallback('room.created', {
      sdkAppId: 1400000000,
      overrides: { RoomInfo: { RoomId: roomId } },
    })
    const response = await fetch(callback.url(`${server!.url}${path}`), { method: 'POST', body: callback.body })
    expect(response.status).to.equal(200)
    expect(await response.json()).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
  }

  // workerd ends a request's work once its answer is sent, unless the work was passed to ctx.waitUntil(): the
  // handler answered without at the deadline finishes only when the fetch handler got the Worker's context.
  it("keeps running after the answer through the Worker's ctx.waitUntil(), and is cut off without it", async () => {
    await send('/tencent/callback', 'kept')
    await send('/without-context', 'cut')
    await new Promise((resolve) => setTimeout(resolve, 800))
    const finished = await (await fetch(`${server!.url}/finished`)).json()
    expect(finished).to.deep.equal(['kept'])
  })
})

describe(`createFetchHandler() on workerd ${installedVersion('workerd')}, an onError that keeps a refused body`, function () {
  this.timeout(30_000)
  let server: RuntimeServer | undefined
  before(async () => {
    server = await startWorker(app('workerd-on-error-store'), { compatibilityDate: '2026-04-26' })
  })
  after(() => server?.stop())

  // docs/nothing-lost.md: a refused body is kept from onError and sent again later. The write runs after the 400;
  // the Worker gave the fetch handler its ctx, whose waitUntil() keeps alive only what it is given.
  it("finishes the onError write after the answer, through the Worker's ctx.waitUntil()", async () => {
    const callback = createTestCallback('room.created', { sdkAppId: 1400000000 })
    const body = JSON.stringify({ CallbackCommand: 'Room.CallbackAfterCreateRoom', RoomInfo: 'not an object' })
    const response = await fetch(callback.url(`${server!.url}/tencent/callback`), { method: 'POST', body })
    expect(response.status).to.equal(400)
    await new Promise((resolve) => setTimeout(resolve, 800))
    const kept = await (await fetch(`${server!.url}/kept`)).json()
    expect(kept).to.deep.equal(['Room.CallbackAfterCreateRoom'])
  })
})

describe(`createFetchHandler() on workerd ${installedVersion('workerd')}, the read timeout of each request`, function () {
  this.timeout(30_000)
  let server: RuntimeServer | undefined
  before(async () => {
    server = await startWorker(app('workerd-read-timeout'), { compatibilityDate: '2026-04-26' })
  })
  after(() => server?.stop())

  /** Sends a callback's head and half its body, then nothing: the answer (or none) within 5 s. */
  const stall = async () => {
    const callback = createTestCallback('room.created', { sdkAppId: 1400000000 })
    const { pathname, search } = new URL(callback.url(`${server!.url}/tencent/callback`))
    const connection = new RawConnection(server!.url)
    const head = rawRequest(`${pathname}${search}`, undefined, {
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(callback.body) },
    })
    await connection.write(head + callback.body.slice(0, 10))
    const answers = await connection.waitForAnswers(1, 5000)
    connection.socket.destroy()
    return answers[0]?.status
  }
  const complete = async () => {
    const callback = createTestCallback('room.created', { sdkAppId: 1400000000 })
    const response = await fetch(callback.url(`${server!.url}/tencent/callback`), {
      method: 'POST',
      body: callback.body,
    })
    expect(response.status).to.equal(200)
  }

  it('answers 408 to a body that stops arriving, on a fresh isolate', async () => {
    expect(await stall()).to.equal(408)
  })

  it('answers 408 to a body that stops arriving after another request read its body and was answered', async () => {
    await complete()
    expect(await stall()).to.equal(408)
  })

  it('answers 408 to a body that stops arriving after another request was answered a while ago', async () => {
    await complete()
    await new Promise((resolve) => setTimeout(resolve, 500))
    await complete()
    expect(await stall()).to.equal(408)
  })
})
