import type { DedupeStore } from '@roomhooks/core'

/** The two commands the store uses; an ioredis `Redis` or `Cluster` client has them. */
export interface RedisCommands {
  set(key: string, value: string, px: 'PX', ttl: number, nx: 'NX'): Promise<string | null>
  del(key: string): Promise<number>
}

/** Options of {@link createRedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /** Prepended to every key. Default `roomhooks:dedupe:`. */
  readonly prefix?: string
}

/**
 * A dedupe store in Redis, shared by every instance of the app: a callback the platform delivers twice, to the
 * same instance or to two, runs its handlers once. Claims are atomic (`SET key 1 PX ttl NX`).
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
    async claim(key, ttl) {
      return (await redis.set(prefix + key, '1', 'PX', Math.ceil(ttl), 'NX')) === 'OK'
    },
    async release(key) {
      await redis.del(prefix + key)
    },
  }
}
