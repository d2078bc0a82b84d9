// The Redis store against a real redis-server (`npm run test:redis`): the same rules as the memory store, then
// what only a shared store has to get right: many receivers applying callbacks concurrently in any order, another
// process reading the same state, bounded memory.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { Redis } from 'ioredis'
import { createRoomWebhooks, HandlerError, type RoomhooksError } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import { createPresence, createRedisPresenceStore, type PresenceStore } from '@roomhooks/presence'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'
import { freePort, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js'
import { expectedMembers, presenceStoreRules, shuffled } from './store-rules.js'

const T = 1_703_589_922_780
let prefixes = 0
const freshPrefix = () => `presence-test-${process.pid}-${++prefixes}`

describe('createRedisPresenceStore() against redis-server', function () {
  this.timeout(30_000)
  let server: RedisServer
  let redis: Redis
  const closing: (() => Promise<unknown>)[] = []

  before(async () => {
    server = await startRedisServer()
    redis = new Redis({ host: '127.0.0.1', port: server.port })
  })
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close()
  })
  after(async () => {
    redis?.disconnect()
    await server?.stop()
  })

  describe('the rules', () => {
    presenceStoreRules((options) => createRedisPresenceStore({ connection: redis, prefix: freshPrefix(), ...options }))
  })

  /** A receiver with presence on a store of its own connection to the shared Redis. */
  function receiver(prefix: string) {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn() {}, error() {} } })
    const store = createRedisPresenceStore({ connection: { host: '127.0.0.1', port: server.port }, prefix })
    const presence = createPresence(hooks, { store })
    closing.push(
      () => presence.close(),
      () => store.close(),
    )
    return { hooks, presence }
  }

  it('converges to the latest event per user when two receivers get a shuffled stream concurrently', async () => {
    const users = [...Array.from({ length: 24 }, (_, i) => `user-${i}`), '144115233775727695']
    for (const seed of [1, 2, 3]) {
      const prefix = freshPrefix()
      const receivers = [receiver(prefix), receiver(prefix)]
      const facts = users.flatMap((user, u) =>
        Array.from({ length: 6 }, (_, i) => ({ user, at: T + ((u * 7 + i * 13 + seed) % 25), present: i % 2 === 0 })),
      )
      const callbacks = facts.map((fact) =>
        createTestCallback(fact.present ? 'member.enter' : 'member.leave', {
          sdkAppId: SDK_APP_ID,
          overrides: { RoomId: 'busy', MemberList_Account: [fact.user], EventTime: fact.at },
        }),
      )
      // Every callback twice (a replay), in a shuffled order, half to each receiver, 25 at a time.
      const delivered = shuffled([...callbacks, ...callbacks], seed)
      for (let i = 0; i < delivered.length; i += 25) {
        const answers = await Promise.all(
          delivered
            .slice(i, i + 25)
            .map((callback, j) =>
              receivers[(i + j) % 2]!.hooks.receive({ query: callback.query, body: callback.body }),
            ),
        )
        expect(answers.map((answer) => answer.status)).to.deep.equal(answers.map(() => 200))
      }
      const expected = expectedMembers(facts)
      expect(expected.length).to.be.within(1, users.length - 1)
      for (const { presence } of receivers) {
        expect((await presence.members('busy')).map((member) => member.userId)).to.deep.equal(expected)
        expect(await presence.count('busy')).to.equal(expected.length)
      }
    }
  })

  it('lets another process read the state, IDs exact', async () => {
    const prefix = freshPrefix()
    const { hooks } = receiver(prefix)
    const seats = createTestCallback('seat.changed', { sdkAppId: SDK_APP_ID, overrides: { RoomId: 'shared' } })
    await hooks.receive({ query: seats.query, body: seats.body })
    const enter = createTestCallback('member.enter', {
      sdkAppId: SDK_APP_ID,
      overrides: { RoomId: 'shared', MemberList_Account: ['144115233775727695', 'alice'], EventTime: T },
    })
    await hooks.receive({ query: enter.query, body: enter.body })

    const script = `
      import { createRedisPresenceStore } from '@roomhooks/presence'
      const store = createRedisPresenceStore({ connection: { host: '127.0.0.1', port: ${server.port} }, prefix: ${JSON.stringify(prefix)} })
      const state = { members: await store.members('shared'), rooms: await store.rooms(), seats: await store.seats('shared') }
      await store.close()
      console.log(JSON.stringify(state))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script])
    expect(JSON.parse(stdout)).to.deep.equal({
      members: [
        { userId: '144115233775727695', since: T },
        { userId: 'alice', since: T },
      ],
      rooms: [{ roomId: 'shared', kind: 'room', count: 2 }],
      seats: [{ index: 1, userId: '144115233775727695' }],
    })
  })

  it("keeps a room's keys under the prefix, hash-tagged by room, and quits only a connection it made", async () => {
    const prefix = freshPrefix()
    const store = createRedisPresenceStore({ connection: redis, prefix })
    await store.apply({ type: 'members', roomId: 'tagged', kind: 'room', userIds: ['alice'], present: false, at: T })
    const keys = (await redis.keys(`${prefix}:*`)).sort()
    expect(keys).to.deep.equal([
      `${prefix}:presence:rooms`,
      `${prefix}:presence:{tagged}:m`,
      `${prefix}:presence:{tagged}:r`,
      `${prefix}:presence:{tagged}:t`,
    ])
    // A closed room without members expires; a departed member's record is kept for the ttl meanwhile.
    expect(await redis.pttl(`${prefix}:presence:{tagged}:m`)).to.be.within(86_000_000, 86_400_000)
    await store.close()
    expect(redis.status).to.equal('ready')

    const own = createRedisPresenceStore({ connection: { host: '127.0.0.1', port: server.port }, prefix })
    expect(await own.count('tagged')).to.equal(0)
    await own.close()
    let refused: unknown
    await own.count('tagged').catch((error: unknown) => (refused = error))
    expect(refused).to.be.instanceOf(Error)
  })

  it('takes expired rooms off its index while applying facts, also when rooms() is never called', async () => {
    const prefix = freshPrefix()
    const store = createRedisPresenceStore({ connection: redis, prefix, ttl: 200 })
    for (let i = 0; i < 50; i++) {
      await store.apply({ type: 'room.created', roomId: `closed-${i}`, kind: 'room', at: T })
      await store.apply({ type: 'room.destroyed', roomId: `closed-${i}`, kind: 'room', at: T + 1 })
    }
    await store.apply({ type: 'room.created', roomId: 'open', kind: 'room', at: T })
    await new Promise((resolve) => setTimeout(resolve, 450))
    expect(await redis.exists(`${prefix}:presence:{closed-0}:r`)).to.equal(0)
    await store.apply({ type: 'members', roomId: 'other', kind: 'room', userIds: ['alice'], present: true, at: T })
    expect((await redis.zrange(`${prefix}:presence:rooms`, 0, -1)).sort()).to.deep.equal(['open', 'other'])
    await store.close()
  })

  it('lists a room whose first fact failed while Redis was down, once a later fact is applied', async () => {
    const own = await startRedisServer()
    closing.push(() => own.stop())
    const store = createRedisPresenceStore({
      connection: { host: '127.0.0.1', port: own.port, enableOfflineQueue: false },
    })
    closing.push(() => store.close())
    const fact = (at: number) =>
      store.apply({ type: 'members', roomId: 'r', kind: 'room', userIds: ['alice'], present: true, at })
    await own.stop()
    let failed: unknown
    await fact(T).catch((error: unknown) => (failed = error))
    expect(failed).to.be.instanceOf(Error)
    await own.start()
    // The store's own client reconnects.
    for (
      let i = 0;
      i < 100 &&
      (await fact(T + 1).then(
        () => false,
        () => true,
      ));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await store.count('r')).to.equal(1)
    expect(await store.rooms()).to.deep.equal([{ roomId: 'r', kind: 'room', count: 1 }])
  })

  it('refuses a ttl Redis cannot take when created, instead of failing every fact after writing it', async () => {
    const prefix = freshPrefix()
    let refused: unknown
    try {
      const store = createRedisPresenceStore({ connection: redis, prefix, ttl: 1e21 })
      await store.apply({ type: 'members', roomId: 'r', kind: 'room', userIds: ['alice'], present: false, at: T })
    } catch (error) {
      refused = error
    }
    expect(refused).to.be.instanceOf(TypeError)
    expect((refused as Error).message).to.contain('ttl')
    expect(await redis.keys(`${prefix}:*`)).to.deep.equal([])
  })

  it('uses a bounded amount of memory per member and per room', async () => {
    const prefix = freshPrefix()
    const store: PresenceStore = createRedisPresenceStore({ connection: redis, prefix })
    const users = Array.from({ length: 1000 }, (_, i) => String(144115233775727695n + BigInt(i)))
    await store.apply({ type: 'room.created', roomId: 'big', kind: 'live', at: T })
    for (let i = 0; i < users.length; i += 100) {
      await store.apply({
        type: 'members',
        roomId: 'big',
        kind: 'live',
        userIds: users.slice(i, i + 100),
        present: true,
        at: T + i,
      })
    }
    const usage = async (key: string) => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0)
    const base = `${prefix}:presence:{big}:`
    const present = await usage(`${base}m`)
    await store.apply({ type: 'members', roomId: 'big', kind: 'live', userIds: users, present: false, at: T + 5000 })
    const departed = (await usage(`${base}m`)) + (await usage(`${base}t`))
    const room = await usage(`${base}r`)
    // Measured for docs/presence.md (Redis 7.0, 64-bit, 18-digit IDs): 80 B per member in, 200 B per departed one.
    expect(present / users.length).to.be.below(120)
    expect(departed / users.length).to.be.below(260)
    expect(room).to.be.below(200)
  })

  it('fails the handler when Redis cannot be reached, so the callback is answered 500 and onError told', async () => {
    const port = await freePort()
    const store = createRedisPresenceStore({
      connection: { host: '127.0.0.1', port, enableOfflineQueue: false },
    })
    const errors: RoomhooksError[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn() {}, error() {} } })
    hooks.onError((error) => void errors.push(error))
    const presence = createPresence(hooks, { store })
    closing.push(
      () => presence.close(),
      () => store.close(),
    )
    const callback = createTestCallback('member.enter', { sdkAppId: SDK_APP_ID })
    const answer = await hooks.receive({ query: callback.query, body: callback.body })
    expect(answer.status).to.equal(500)
    expect(errors).to.have.length(1)
    expect(errors[0]).to.be.instanceOf(HandlerError)
  })
})
