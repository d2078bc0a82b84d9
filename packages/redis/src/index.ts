/**
 * A Redis dedupe store for roomhooks ({@link createRedisDedupeStore}): a callback the platform delivers again, to
 * any of several instances, runs its handlers once.
 *
 * @module @roomhooks/redis
 */
import type { ClaimResult, DedupeStore } from '@roomhooks/core'

/** The commands the store uses; an ioredis `Redis` or `Cluster` client has them. */
export interface RedisCommands {
  /** Runs the Lua script that claims a key atomically (`EVAL script 1 key lease`). */
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>
  /** Marks a handled callback as done for the ttl (`SET key done PX ttl`). */
  set(key: string, value: string, px: 'PX', ttl: number): Promise<unknown>
  /** Releases a claim whose handlers failed, so that the platform's retry runs them again (`DEL key`). */
  del(key: string): Promise<number>
}

/** Options of {@link createRedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /** Prepended to every key. Default `roomhooks:dedupe:`. */
  readonly prefix?: string
}

// Claims the key for the lease unless it exists, and says what it found, in one atomic step.
const CLAIM = `if redis.call('SET', KEYS[1], 'running', 'PX', ARGV[1], 'NX') then return 'claimed' end
return redis.call('GET', KEYS[1]) or 'claimed'`

/**
 * A dedupe store in Redis, shared by every instance of the app: a callback the platform delivers twice, to the
 * same instance or to two, runs its handlers once. A claim is atomic (a script: `SET key running PX lease NX`,
 * else `GET key`); a handled callback is then kept as `done` for the ttl.
 *
 * Create the client with `enableOfflineQueue: false` (and a `commandTimeout`) so that an unreachable Redis
 * fails fast; roomhooks then handles the callback anyway and tells `onError`.
 *
 * @example
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, commandTimeout: 200 })
 * const hooks = createRoomWebhooks({ sdkAppId, dedupe: { store: createRedisDedupeStore(redis) } })
 */
export function createRedisDedupeStore(redis: RedisCommands, options: RedisDedupeStoreOptions = {}): DedupeStore {
  const prefix = options.prefix ?? 'roomhooks:dedupe:'
  return {
    async claim(key, lease) {
      return (await redis.eval(CLAIM, 1, prefix + key, Math.ceil(lease))) as ClaimResult
    },
    async complete(key, ttl) {
      await redis.set(prefix + key, 'done', 'PX', Math.ceil(ttl))
    },
    async release(key) {
      await redis.del(prefix + key)
    },
  }
}
