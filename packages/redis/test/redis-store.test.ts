// Runs against a real redis-server (the Debian package), started on a free loopback port:
// `npm run test:redis`. CI installs the package first.
import { expect } from 'chai'
import { Redis } from 'ioredis'
import { createRoomWebhooks, type RoomhooksError } from '@roomhooks/core'
import { createRedisDedupeStore } from '@roomhooks/redis'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { freePort, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createRedisDedupeStore() against redis-server', function () {
  this.timeout(20_000)
  let redisServer: RedisServer
  let port: number
  const clients: Redis[] = []
  const client = () => {
    const redis = new Redis({
      port,
      host: '127.0.0.1',
      enableOfflineQueue: false,
      commandTimeout: 500,
      lazyConnect: false,
    })
    clients.push(redis)
    return redis
  }

  before(async () => {
    redisServer = await startRedisServer()
    port = redisServer.port
  })

  after(async () => {
    for (const redis of clients) redis.disconnect()
    await redisServer?.stop()
  })

  async function ready(redis: Redis): Promise<Redis> {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve))
    return redis
  }

  it('lets exactly one of many concurrent claims through, across clients', async () => {
    const stores = [createRedisDedupeStore(await ready(client())), createRedisDedupeStore(await ready(client()))]
    const claims = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stores[i % 2]!.claim('concurrent', 10_000, `owner-${i}`)),
    )
    expect(claims.filter((claim) => claim === 'claimed')).to.have.length(1)
    expect(claims.filter((claim) => claim === 'running')).to.have.length(49)
  })

  it('holds a claim for its lease, and lets it go after it', async () => {
    const redis = await ready(client())
    const store = createRedisDedupeStore(redis, { prefix: 'test:' })
    expect(await store.claim('lease', 400, 'one')).to.equal('claimed')
    expect(await redis.pttl('test:lease')).to.be.within(1, 400)
    expect(await store.claim('lease', 400, 'two')).to.equal('running')
    await sleep(450)
    expect(await store.claim('lease', 400, 'two')).to.equal('claimed')
  })

  it('keeps a completed key as done for its time to live', async () => {
    const redis = await ready(client())
    const store = createRedisDedupeStore(redis, { prefix: 'test:' })
    await store.claim('done', 400, 'one')
    await store.complete('done', 60_000, 'one')
    expect(await redis.pttl('test:done')).to.be.within(59_000, 60_000)
    expect(await store.claim('done', 400, 'two')).to.equal('done')
  })

  it('forgets a released key', async () => {
    const store = createRedisDedupeStore(await ready(client()))
    await store.claim('released', 10_000, 'one')
    await store.release('released', 'one')
    expect(await store.claim('released', 10_000, 'two')).to.equal('claimed')
  })

  it("never completes or releases another delivery's claim, made after this one's lease lapsed", async () => {
    const store = createRedisDedupeStore(await ready(client()))
    await store.claim('owned', 50, 'first')
    await sleep(70)
    expect(await store.claim('owned', 10_000, 'second')).to.equal('claimed')
    await store.release('owned', 'first')
    expect(await store.claim('owned', 10_000, 'third')).to.equal('running')
    await store.complete('owned', 10_000, 'first')
    expect(await store.claim('owned', 10_000, 'third')).to.equal('running')
    await store.complete('owned', 10_000, 'second')
    expect(await store.claim('owned', 10_000, 'third')).to.equal('done')
  })

  it('runs a callback delivered to two instances once', async () => {
    const runs: number[] = []
    const instances = [1, 2].map(async (instance) =>
      createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        dedupe: { store: createRedisDedupeStore(await ready(client())) },
        log: { warn: () => {} },
      }).on('room.created', () => void runs.push(instance)),
    )
    const [first, second] = await Promise.all(instances)
    const body = fixtureText(CREATED).replace('tandy-test-rest', `room-${Date.now()}`)
    const request = { query: callbackQuery({ command: CREATED }), body }
    const answers = await Promise.all([first!.receive(request), second!.receive(request), first!.receive(request)])
    // One delivery runs; one that arrives while it runs is told to come again (409), never OK before it succeeded.
    expect(answers.filter((answer) => answer.status === 200).length).to.be.at.least(1)
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).to.equal(true)
    expect((await second!.receive(request)).status).to.equal(200)
    expect(runs).to.have.length(1)
  })

  it('answers a duplicate 409 while the first delivery runs on another instance, and OK once it succeeded', async () => {
    let finish: () => void = () => {}
    const stores = [createRedisDedupeStore(await ready(client())), createRedisDedupeStore(await ready(client()))]
    const [slow, other] = stores.map((store) =>
      createRoomWebhooks({ sdkAppId: SDK_APP_ID, dedupe: { store }, log: { warn: () => {} } }),
    )
    slow!.on('room.created', () => new Promise<void>((resolve) => (finish = resolve)))
    let otherRuns = 0
    other!.on('room.created', () => void otherRuns++)
    const request = {
      query: callbackQuery({ command: CREATED }),
      body: fixtureText(CREATED).replace('tandy', `busy-${Date.now()}`),
    }
    const first = slow!.receive(request)
    await sleep(50)
    expect((await other!.receive(request)).body.ErrorCode).to.equal(40901)
    finish()
    expect((await first).status).to.equal(200)
    await sleep(20) // the completion is written after the answer
    expect((await other!.receive(request)).status).to.equal(200)
    expect(otherRuns).to.equal(0)
  })

  it('releases a claim Redis applies after the timeout when the handler failed, so the retry runs', async () => {
    const redis = await ready(client())
    const sleeper = await ready(client())
    const runs: boolean[] = []
    let fail = true
    const hooks = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      dedupe: { store: createRedisDedupeStore(redis), timeout: 50 },
      log: { warn: () => {}, error: () => {} },
    }).on('room.created', () => {
      runs.push(fail)
      if (fail) throw new Error('down')
    })
    const request = {
      query: callbackQuery({ command: CREATED }),
      body: fixtureText(CREATED).replace('tandy', `slow-${Date.now()}`),
    }
    // Redis stalls for 300 ms: the claim times out, the handler runs anyway and fails, then Redis applies the claim.
    await sleeper.call('CLIENT', 'PAUSE', '300', 'ALL')
    expect((await hooks.receive(request)).status).to.equal(500)
    await sleep(400)
    fail = false
    expect((await hooks.receive(request)).status).to.equal(200)
    expect(runs).to.deep.equal([true, false])
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
    const request = {
      query: callbackQuery({ command: CREATED }),
      body: fixtureText(CREATED).replace('tandy', `retry-${Date.now()}`),
    }
    expect((await hooks.receive(request)).status).to.equal(500)
    fail = false
    await sleep(20) // the release is not awaited by the answer
    expect((await hooks.receive(request)).status).to.equal(200)
  })

  it('handles the callback when Redis cannot be reached, and tells onError', async () => {
    const unreachable = new Redis({
      port: await freePort(),
      host: '127.0.0.1',
      enableOfflineQueue: false,
      retryStrategy: () => 1000,
    })
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
