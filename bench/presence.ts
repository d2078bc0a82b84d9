// `npm run bench:presence`: room state's figures, printed (docs/presence.md quotes them); needs redis-server.
// 1. Member facts per second applied by the Redis store (target 10,000/s), one user per fact, many in flight.
// 2. What presence adds to each callback handled inline: receive() of member.enter with no handler, with presence
//    on the memory store, with presence on the Redis store.
// `--smoke`: a few hundred of each, to prove it runs (test/redis/bench-presence-smoke.test.ts).
import { parseArgs } from 'node:util'
import { createRoomWebhooks, type RoomWebhooks } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import { createMemoryPresenceStore, createPresence, createRedisPresenceStore } from '@roomhooks/presence'
import { startRedisServer } from '../test/support/redis-server.js'
import { median } from './stats.js'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } })
const smoke = values.smoke
const rounds = smoke ? 1 : 5
const facts = smoke ? 500 : 50_000
const callbacks = smoke ? 300 : 20_000
const inFlight = 64
const T = 1_703_589_922_780
const SDK_APP_ID = 1400000000

/** Runs `work(i)` for i in [0, total) with `inFlight` at a time; returns the rate per second. */
async function rate(total: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) await work(next++)
    }),
  )
  return total / (Number(process.hrtime.bigint() - started) / 1e9)
}

const server = await startRedisServer()
const connection = { host: '127.0.0.1', port: server.port }
try {
  // 1. The store alone: 1,000 rooms, 100 users each, Enter then Leave, one user per fact.
  const storeRates: number[] = []
  for (let round = 0; round < rounds; round++) {
    const store = createRedisPresenceStore({ connection, prefix: `bench-${round}` })
    storeRates.push(
      await rate(facts, (i) =>
        store.apply({
          type: 'members',
          roomId: `room-${i % 1000}`,
          kind: 'room',
          userIds: [String(144115233775727695n + BigInt(Math.floor(i / 1000) % 100))],
          present: i < facts / 2,
          at: T + i,
        }),
      ),
    )
    await store.close()
    console.log(`round ${round + 1}/${rounds} Redis store ${Math.round(storeRates[round]!)} facts/s`)
  }

  // 2. receive() of member.enter callbacks (a different room each, so every one changes state).
  const bodies = Array.from({ length: 100 }, (_, i) =>
    createTestCallback('member.enter', {
      sdkAppId: SDK_APP_ID,
      overrides: { RoomId: `room-${i}`, MemberList_Account: [`user-${i}`], EventTime: T + i },
    }),
  )
  const receiveRate = (hooks: RoomWebhooks) =>
    rate(callbacks, (i) => {
      const callback = bodies[i % bodies.length]!
      return hooks.receive({ query: callback.query, body: callback.body })
    })
  const setups = {
    'no handler': () => ({ hooks: createRoomWebhooks({ sdkAppId: SDK_APP_ID }), close: async () => {} }),
    'presence, memory store': () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
      const presence = createPresence(hooks, { store: createMemoryPresenceStore() })
      return { hooks, close: () => presence.close() }
    },
    'presence, Redis store': () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
      const store = createRedisPresenceStore({ connection, prefix: 'bench-inline' })
      const presence = createPresence(hooks, { store })
      return { hooks, close: async () => (await presence.close(), await store.close()) }
    },
  }
  const rates = new Map<string, number[]>()
  for (let round = 0; round < rounds; round++) {
    for (const [name, setup] of Object.entries(setups)) {
      const { hooks, close } = setup()
      const measured = await receiveRate(hooks)
      await close()
      rates.set(name, [...(rates.get(name) ?? []), measured])
      console.log(`round ${round + 1}/${rounds} receive(), ${name} ${Math.round(measured)} callbacks/s`)
    }
  }

  const perCallback = (name: string) => 1e6 / median(rates.get(name)!)
  const bare = perCallback('no handler')
  console.log('\nMedians:')
  console.log(`Redis store: ${Math.round(median(storeRates))} member facts/s (target 10,000/s)`)
  for (const name of Object.keys(setups)) {
    const cost = perCallback(name)
    const added = name === 'no handler' ? '' : `, +${(cost - bare).toFixed(1)} µs per callback`
    console.log(
      `receive(), ${name}: ${Math.round(median(rates.get(name)!))} callbacks/s, ${cost.toFixed(1)} µs${added}`,
    )
  }
} finally {
  await server.stop()
}
