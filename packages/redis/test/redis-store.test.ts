// Runs against a real redis-server (the Debian package), started here on a free loopback port:
// `npm run test:redis`. CI installs the package first.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { expect } from 'chai'
import { Redis } from 'ioredis'
import { createRoomWebhooks, type RoomhooksError } from '@roomhooks/core'
import { createRedisDedupeStore } from '@roomhooks/redis'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('createRedisDedupeStore() against redis-server', function () {
  this.timeout(20_000)
  let redisServer: ChildProcess
  let port: number
  const clients: Redis[] = []
  const client = () => {
    const redis = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, commandTimeout: 500, lazyConnect: false })
    clients.push(redis)
    return redis
  }

  before(async () => {
    port = await freePort()
    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    redisServer.on('error', (error) => {
      throw new Error(`redis-server could not be started (install the Debian package redis-server): ${error.message}`)
    })
    const probe = new Redis({ port, host: '127.0.0.1', retryStrategy: (times) => (times > 50 ? null : 100) })
    clients.push(probe)
    expect(await probe.ping()).to.equal('PONG')
  })

  after(async () => {
    for (const redis of clients) redis.disconnect()
    redisServer?.kill()
  })

  async function ready(redis: Redis): Promise<Redis> {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve))
    return redis
  }

  it('lets exactly one of many concurrent claims through, across clients', async () => {
    const stores = [createRedisDedupeStore(await ready(client())), createRedisDedupeStore(await ready(client()))]
    const claims = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.claim('concurrent', 10_000)))
    expect(claims.filter(Boolean)).to.have.length(1)
  })

  it('sets the key with its time to live, and lets it go after it', async () => {
    const redis = await ready(client())
    const store = createRedisDedupeStore(redis, { prefix: 'test:' })
    expect(await store.claim('ttl', 400)).to.equal(true)
    const ttl = await redis.pttl('test:ttl')
    expect(ttl).to.be.within(1, 400)
    expect(await store.claim('ttl', 400)).to.equal(false)
    await sleep(450)
    expect(await store.claim('ttl', 400)).to.equal(true)
  })

  it('forgets a released key', async () => {
    const store = createRedisDedupeStore(await ready(client()))
    await store.claim('released', 10_000)
    await store.release('released')
    expect(await store.claim('released', 10_000)).to.equal(true)
  })

  it('runs a callback delivered to two instances once', async () => {
    const runs: number[] = []
    const instances = [1, 2].map(async (instance) =>
      createRoomWebhooks({ sdkAppId: SDK_APP_ID, dedupe: { store: createRedisDedupeStore(await ready(client())) } }).on(
        'room.created',
        () => void runs.push(instance),
      ),
    )
    const [first, second] = await Promise.all(instances)
    const body = fixtureText(CREATED).replace('tandy-test-rest', `room-${Date.now()}`)
    const request = { query: callbackQuery({ command: CREATED }), body }
    const answers = await Promise.all([first!.receive(request), second!.receive(request), first!.receive(request)])
    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200])
    expect(runs).to.have.length(1)
  })

  it('lets a retry through after the handlers failed', async () => {
    let fail = true
    const hooks = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      dedupe: { store: createRedisDedupeStore(await ready(client())) },
      log: { error: () => {} },
    }).on('room.created', () => {
      if (fail) throw new Error('down')
    })
    const request = { query: callbackQuery({ command: CREATED }), body: fixtureText(CREATED).replace('tandy', `retry-${Date.now()}`) }
    expect((await hooks.receive(request)).status).to.equal(500)
    fail = false
    await sleep(20) // the release is not awaited by the answer
    expect((await hooks.receive(request)).status).to.equal(200)
  })

  it('handles the callback when Redis cannot be reached, and tells onError', async () => {
    const unreachable = new Redis({ port: await freePort(), host: '127.0.0.1', enableOfflineQueue: false, retryStrategy: () => 1000 })
    clients.push(unreachable)
    unreachable.on('error', () => {})
    const errors: RoomhooksError[] = []
    let runs = 0
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, dedupe: { store: createRedisDedupeStore(unreachable) } })
      .on('room.created', () => void runs++)
      .onError((error) => void errors.push(error))
    const started = Date.now()
    const answer = await hooks.receive({ query: callbackQuery({ command: CREATED }), body: fixtureText(CREATED) })
    expect(answer.status).to.equal(200)
    expect(Date.now() - started).to.be.below(1000)
    expect(runs).to.equal(1)
    expect(errors.map((error) => error.reason)).to.deep.equal(['DEDUPE_FAILED'])
  })
})
