/**
 * A Redis dedupe store for roomhooks ({@link createRedisDedupeStore}): a callback the platform delivers again, to
 * any of several instances, runs its handlers once.
 *
 * @module @roomhooks/redis
 */
import type { ClaimResult, DedupeStore } from '@roomhooks/core'

/** The command the store uses (`EVAL`); an ioredis `Redis` or `Cluster` client has it. */
export interface RedisCommands {
  /** Runs the Lua script that claims a key atomically (`EVAL script 1 key lease`). */
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>
}

/** The Redis store: every answer is a round trip. */
export interface RedisDedupeStore extends DedupeStore {
  claim(key: string, lease: number, owner: string): Promise<ClaimResult>
  complete(key: string, ttl: number, owner: string): Promise<void>
  release(key: string, owner: string): Promise<void>
}

/** Options of {@link createRedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /** Prepended to every key. Default `roomhooks:dedupe:`. */
  readonly prefix?: string
}

// Each script is one atomic step. A running key holds `running:<owner>`, a handled one `done`.
// Claims the key for the lease unless it exists, and says what it found.
const CLAIM = `if redis.call('SET', KEYS[1], 'running:' .. ARGV[2], 'PX', ARGV[1], 'NX') then return 'claimed' end
local state = redis.call('GET', KEYS[1])
if state == 'done' then return 'done' end
return 'running'`
// Marks the key done, unless another delivery has claimed it since this one's lease lapsed.
const COMPLETE = `local state = redis.call('GET', KEYS[1])
if state == false or state == 'running:' .. ARGV[2] then redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1]) end
return 0`
// Forgets the key if this delivery still holds it.
const RELEASE = `if redis.call('GET', KEYS[1]) == 'running:' .. ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`

/**
 * A dedupe store in Redis, shared by every instance of the app: a callback the platform delivers twice, to the
 * same instance or to two, runs its handlers once. Each step is one atomic script: a claim is
 * `SET key running:<owner> PX lease NX`, else `GET key`; a handled callback is then kept as `done` for the ttl.
 *
 * Create the client with `enableOfflineQueue: false` (and a `commandTimeout`) so that an unreachable Redis
 * fails fast; roomhooks then handles the callback anyway and tells `onError`.
 *
 * @example
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, commandTimeout: 200 })
 * const hooks = createRoomWebhooks({ sdkAppId, dedupe: { store: createRedisDedupeStore(redis) } })
 */
export function createRedisDedupeStore(redis: RedisCommands, options: RedisDedupeStoreOptions = {}): RedisDedupeStore {
  const prefix = options.prefix ?? 'roomhooks:dedupe:'
  return {
    async claim(key, lease, owner) {
      return (await redis.eval(CLAIM, 1, prefix + key, Math.ceil(lease), owner)) as ClaimResult
    },
    async complete(key, ttl, owner) {
      await redis.eval(COMPLETE, 1, prefix + key, Math.ceil(ttl), owner)
    },
    async release(key, owner) {
      await redis.eval(RELEASE, 1, prefix + key, owner)
    },
  }
}
