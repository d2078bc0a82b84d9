// Room state's figures (`@roomhooks/presence`), the presence part of `npm run bench` (`--part presence`: alone,
// printed); it starts a redis-server of its own.
// 1. Member facts per second applied by the Redis store (target 10,000/s), one user per fact, many in flight.
// 2. What presence adds to each callback handled inline: receive() of member.enter with no handler, with presence
//    on the memory store, with presence on the Redis store, taking turns in each round.
import { createRoomWebhooks, type RoomWebhooks } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import { createMemoryPresenceStore, createPresence, createRedisPresenceStore } from '@roomhooks/presence'
import { startRedisServer } from '../test/support/redis-server.js'
import { median } from './stats.js'

/** What presence adds to one callback handled inline, against `receive()` with no handler. */
export interface PresenceCallbackCost {
  readonly name: string
  readonly callbacksPerSecond: number
  /** µs per callback. */
  readonly cost: number
  /** `cost` over the cost with no handler (1 for that case itself). */
  readonly ratio: number
}

export interface PresenceReport {
  readonly rounds: number
  readonly facts: number
  readonly callbacks: number
  readonly inFlight: number
  /** Median member facts per second applied by the Redis store. */
  readonly factsPerSecond: number
  readonly factsRange: readonly [number, number]
  readonly factsTarget: number
  readonly perCallback: readonly PresenceCallbackCost[]
}

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

/** Measures both figures against a redis-server of its own, printing each round. */
export async function measurePresence({ smoke }: { smoke: boolean }): Promise<PresenceReport> {
  const rounds = smoke ? 1 : 5
  const facts = smoke ? 500 : 50_000
  const callbacks = smoke ? 300 : 20_000
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

    const costOf = (name: string) => 1e6 / median(rates.get(name)!)
    const bare = costOf('no handler')
    const report: PresenceReport = {
      rounds,
      facts,
      callbacks,
      inFlight,
      factsPerSecond: median(storeRates),
      factsRange: [Math.min(...storeRates), Math.max(...storeRates)],
      factsTarget: 10_000,
      perCallback: Object.keys(setups).map((name) => ({
        name,
        callbacksPerSecond: median(rates.get(name)!),
        cost: costOf(name),
        ratio: costOf(name) / bare,
      })),
    }
    console.log('\nMedians:')
    console.log(`Redis store: ${Math.round(report.factsPerSecond)} member facts/s (target 10,000/s)`)
    for (const { name, callbacksPerSecond, cost, ratio } of report.perCallback) {
      const added = name === 'no handler' ? '' : `, +${(cost - bare).toFixed(1)} µs per callback (${ratio.toFixed(2)}×)`
      console.log(`receive(), ${name}: ${Math.round(callbacksPerSecond)} callbacks/s, ${cost.toFixed(1)} µs${added}`)
    }
    return report
  } finally {
    await server.stop()
  }
}
