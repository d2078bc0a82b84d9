import { hash } from 'node:crypto'
import { RoomhooksError } from './errors.js'
import type { BodyInput } from './parse-body.js'

/**
 * Remembers which callbacks were handled, so that a delivery the platform retries (after a timeout, possibly to
 * another instance behind a load balancer) runs its handlers once. `@roomhooks/redis` has one shared by
 * instances; {@link createMemoryDedupeStore} keeps one per process.
 */
export interface DedupeStore {
  /** Records `key` for `ttl` ms. True when it was not recorded already: the caller handles the callback. */
  claim(key: string, ttl: number): boolean | Promise<boolean>
  /** Forgets `key`, so that a retry is handled again (used when the handlers failed). */
  release(key: string): void | Promise<void>
}

/** Options of the `dedupe` setting of createRoomWebhooks(). */
export interface DedupeOptions {
  /** Where handled callbacks are remembered. Default: an in-memory store of this process. */
  readonly store?: DedupeStore
  /** How long a callback is remembered, in ms. Default 10 minutes. */
  readonly ttl?: number
  /** How long the store may take to answer before the callback is handled anyway, in ms. Default 300. */
  readonly timeout?: number
}

/** Options of {@link createMemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** The most callbacks remembered at once; the oldest are forgotten first. Default 10,000. */
  readonly maxEntries?: number
}

/**
 * A dedupe store in this process's memory, bounded in size and time. Enough for a single instance; several
 * instances need a shared store such as `@roomhooks/redis`.
 */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const maxEntries = options.maxEntries ?? 10_000
  if (!(Number.isInteger(maxEntries) && maxEntries > 0)) {
    throw new TypeError('[@roomhooks/core] maxEntries must be a positive integer')
  }
  // Insertion order is expiry order (every entry lives `ttl` ms from when it was set), so the oldest come first.
  const expiries = new Map<string, number>()
  return {
    claim(key, ttl) {
      const now = Date.now()
      if ((expiries.get(key) ?? 0) > now) return false
      expiries.delete(key)
      for (const [oldest, expiry] of expiries) {
        if (expiry > now && expiries.size < maxEntries) break
        expiries.delete(oldest)
      }
      expiries.set(key, now + ttl)
      return true
    },
    release(key) {
      expiries.delete(key)
    },
  }
}

/** What identifies a delivery: the command and the SHA-256 of the body as received. */
export function dedupeKey(command: string, body: BodyInput): string {
  const text = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)
  return `${command}:${hash('sha256', text, 'base64url')}`
}

/** A store's claim, given up after `ms` so that a slow store cannot eat the platform's 2 s. */
export function claimWithin(store: DedupeStore, key: string, ttl: number, ms: number): boolean | Promise<boolean> {
  const claimed = store.claim(key, ttl)
  if (typeof claimed === 'boolean') return claimed
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms`)), ms)
  })
  return Promise.race([claimed, timeout]).finally(() => clearTimeout(timer))
}

/** The error reported when the store fails; the callback is handled all the same. */
export function dedupeFailure(error: unknown, what: string): RoomhooksError {
  return new RoomhooksError('DEDUPE_FAILED', `The dedupe store ${what}`, { cause: error })
}
