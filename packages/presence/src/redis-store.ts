import { Redis, type Cluster, type RedisOptions } from 'ioredis'
import {
  byArrival,
  readTtl,
  seatsFromText,
  seatsText,
  type PresenceChange,
  type PresenceMember,
  type PresenceRoom,
  type PresenceStore,
  type PresenceUpdate,
  type RoomKind,
} from './presence-store.js'
import { APPLY_SCRIPT, FORGET_SCRIPT } from './redis-script.js'
import {
  createdFence,
  createdStamp,
  destroyedFence,
  destroyedStamp,
  isOpen,
  isPresent,
  kindStamp,
  memberStamp,
  reconciledFence,
  seatStamp,
  stampTime,
} from './rules.js'

/** Options of {@link createRedisPresenceStore}. */
export interface RedisPresenceStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` client, which the store uses and never quits; or ioredis options, from which
   * the store makes its own client, quit by `close()`.
   */
  readonly connection: Redis | Cluster | RedisOptions
  /** Starts every key: `<prefix>:presence:{<roomId>}:…`. Default `roomhooks`. */
  readonly prefix?: string
  /** How long a departed member's record (which keeps an older Enter out) and a closed, empty room are kept, in ms. Default 24 h. */
  readonly ttl?: number
}

// The scripts, as commands of the client (ioredis runs them by SHA and loads them when Redis lacks them).
const APPLY = 'roomhooksPresenceApply'
const FORGET = 'roomhooksPresenceForget'

// ioredis flattens an array argument into the command's arguments: a fact's users are passed as one array, since
// spreading a list of 100,000s of users into a call overflows the stack.
interface ScriptedClient {
  [APPLY](...keysAndArgs: (string | number | readonly string[])[]): Promise<string[]>
  [FORGET](...keysAndArgs: (string | number)[]): Promise<unknown>
}

/**
 * Room state in Redis, shared by every receiver and worker: each fact is applied by one Lua script, atomically, so
 * that processes applying the same callbacks in any order, twice or concurrently end with the same state. A room's
 * keys share one hash tag (`{roomId}`), so the store works on Redis Cluster; departed members' records and closed
 * rooms expire after `ttl`.
 *
 * @example
 * const store = createRedisPresenceStore({ connection: { host: 'localhost', port: 6379 }, prefix: 'roomhooks' })
 * const presence = createPresence(hooks, { store })
 */
export function createRedisPresenceStore(options: RedisPresenceStoreOptions): PresenceStore {
  if (options === null || typeof options !== 'object' || options.connection == null) {
    throw new TypeError(
      '[@roomhooks/presence] createRedisPresenceStore() needs { connection }: an ioredis client, or options such as { host, port }',
    )
  }
  const ttl = readTtl(options.ttl, 'createRedisPresenceStore')
  const prefix = `${options.prefix ?? 'roomhooks'}:presence:`
  // A client has the methods; options are plain data (instanceof would miss a client of another ioredis copy).
  const owned = typeof (options.connection as { defineCommand?: unknown }).defineCommand !== 'function'
  const client = owned ? new Redis(options.connection as RedisOptions) : (options.connection as Redis | Cluster)
  // Connection errors of a client made here would be printed by ioredis; each command that fails because of one
  // rejects, which fails the handler and reaches onError, so they are told there instead.
  if (owned) client.on('error', () => {})
  client.defineCommand(APPLY, { numberOfKeys: 3, lua: APPLY_SCRIPT })
  client.defineCommand(FORGET, { numberOfKeys: 1, lua: FORGET_SCRIPT })
  const scripts = client as unknown as ScriptedClient
  const index = `${prefix}rooms`
  // The index's score of a room is when it was last touched; rooms() forgets a room whose keys have expired and
  // whose score is older than the ttl. Refreshing it on every fact would double the commands: once a minute (at
  // most a tenth of the ttl) per room and process keeps every live room's score far younger than that.
  const touched = new Map<string, number>()
  const touchEvery = Math.min(60_000, ttl / 10)
  const touch = (roomId: string, now: number): Promise<unknown> | undefined => {
    const last = touched.get(roomId)
    if (last !== undefined && now - last < touchEvery) return undefined
    if (touched.size >= 10_000) touched.clear()
    touched.set(roomId, now)
    // Not touched after all when it failed (Redis down): the next fact of the room tries again.
    return client.zadd(index, now, roomId).catch((error: unknown) => {
      if (touched.get(roomId) === now) touched.delete(roomId)
      throw error
    })
  }
  const keysOf = (roomId: string) => {
    const base = `${prefix}{${roomId}}:`
    return [`${base}r`, `${base}m`, `${base}t`] as const
  }
  // rooms() takes the rooms whose keys expired off the index; so that the index stays bounded where rooms() is
  // never called, apply() also looks at its oldest rooms, at most once a touch period per process. A room whose
  // keys are still there gets a fresh score, so that the next look goes further. A failed look is tried again
  // the next period: it never fails the fact.
  let swept = Number.NEGATIVE_INFINITY
  const sweep = async (now: number): Promise<void> => {
    if (now - swept < touchEvery) return
    swept = now
    const cutoff = now - ttl
    const stale = await client.zrangebyscore(index, '-inf', `(${cutoff}`, 'LIMIT', 0, 100)
    const kept = await Promise.all(stale.map((roomId) => client.exists(keysOf(roomId)[0])))
    await Promise.all(
      stale.map((roomId, i) =>
        kept[i] ? client.zadd(index, 'XX', now, roomId) : scripts[FORGET](index, roomId, cutoff),
      ),
    )
  }

  return {
    async apply(update) {
      const now = Date.now()
      const { roomId, at } = update
      const [op, text, stamp, fence, kindAt, users] = argumentsOf(update)
      const [changed] = await Promise.all([
        scripts[APPLY](...keysOf(roomId), op, now, ttl, at, text, stamp, fence, kindAt, users),
        touch(roomId, now),
        sweep(now).catch(() => undefined),
      ])
      const changes: PresenceChange[] = []
      for (let i = 0; i < changed.length; i += 2) {
        const type = changed[i] as PresenceChange['type']
        // Only an enter or a leave has a user, who may be '' (an empty user ID is still one).
        const userId = changed[i + 1]!
        changes.push(type === 'enter' || type === 'leave' ? { type, roomId, userId, at } : { type, roomId, at })
      }
      return changes
    },
    async members(roomId) {
      const records = await client.hgetall(keysOf(roomId)[1])
      const members: PresenceMember[] = []
      for (const [userId, value] of Object.entries(records)) {
        const [stamp, since] = value.split(':').map(Number) as [number, number | undefined]
        if (isPresent(stamp)) members.push({ userId, since: since ?? stampTime(stamp) })
      }
      return members.sort(byArrival)
    },
    async count(roomId) {
      return Math.max(0, Number((await client.hget(keysOf(roomId)[0], 'count')) ?? 0))
    },
    async rooms() {
      const now = Date.now()
      const entries = await client.zrange(index, 0, -1, 'WITHSCORES')
      const ids = entries.filter((_, i) => i % 2 === 0)
      const states = await Promise.all(ids.map((id) => client.hmget(keysOf(id)[0], 'life', 'kind', 'count')))
      const open: PresenceRoom[] = []
      const forgotten: Promise<unknown>[] = []
      ids.forEach((roomId, i) => {
        const [life, kind, count] = states[i]!
        const members = Math.max(0, Number(count ?? 0))
        if (members > 0 || (life != null && isOpen(Number(life)))) {
          open.push({ roomId, kind: (kind as RoomKind | null) ?? 'room', count: members })
        } else if (life == null && kind == null && count == null) {
          // The room's keys expired: forget it, unless something touched it meanwhile.
          const cutoff = now - ttl
          if (Number(entries[2 * i + 1]) < cutoff) forgotten.push(scripts[FORGET](index, roomId, cutoff))
        }
      })
      await Promise.all(forgotten)
      return open
    },
    async seats(roomId) {
      const text = await client.hget(keysOf(roomId)[0], 'seats')
      return text == null ? [] : seatsFromText(text)
    },
    async close() {
      if (!owned) return
      try {
        await client.quit()
      } catch {
        // Not connected (and told not to queue commands): QUIT cannot be sent, so stop reconnecting instead.
        client.disconnect()
      }
    },
  }
}

/** What the script is given for a fact: op, kind or seat list, stamp, fence, kind stamp, user IDs (see redis-script.ts). */
function argumentsOf(update: PresenceUpdate): [string, string, string, string, string, readonly string[]] {
  const { at } = update
  switch (update.type) {
    case 'members': {
      const [stamp, kind] = [memberStamp(at, update.present), kindStamp(at, false)]
      return ['members', update.kind, String(stamp), '', String(kind), [...new Set(update.userIds)]]
    }
    case 'room.created':
      return [
        'created',
        update.kind,
        String(createdStamp(at)),
        String(createdFence(at)),
        String(kindStamp(at, true)),
        [],
      ]
    case 'room.destroyed':
      return [
        'destroyed',
        update.kind,
        String(destroyedStamp(at)),
        String(destroyedFence(at)),
        String(kindStamp(at, false)),
        [],
      ]
    case 'seats':
      return ['seats', seatsText(update.seats), String(seatStamp(at)), '', '', []]
    case 'reconcile':
      return [
        'reconcile',
        '',
        String(memberStamp(at, true)),
        String(reconciledFence(at)),
        '',
        [...new Set(update.userIds)],
      ]
  }
}
