import { RoomhooksError } from '../errors.js'
import type { BodyInput } from '../intake/parse-body.js'
import { sha256Base64Url } from '../sha256.js'

/**
 * Remembers which callbacks were handled, so that a delivery the platform retries (after a timeout, possibly to
 * another instance behind a load balancer) runs its handlers once. `@roomhooks/redis` has one shared by
 * instances; {@link createMemoryDedupeStore} keeps one per process.
 *
 * A key moves from claimed (handlers running, for at most `lease` ms) to done (for `ttl` ms), or is released when
 * the handlers failed, so that a retry runs them again. A duplicate is answered OK only once a delivery is done.
 * Each claim has an `owner` (unique per delivery): a delivery whose lease lapsed, and whose key another delivery
 * has claimed since, must not complete or release that other delivery's claim.
 */
export interface DedupeStore {
  /**
   * Marks `key` as running, for `owner`, for `lease` ms, unless the store already has it. Returns `'claimed'` when
   * it did not (the caller handles the callback), else the state it has: `'running'` or `'done'`.
   */
  claim(key: string, lease: number, owner: string): ClaimResult | Promise<ClaimResult>
  /** Marks `key` as done for `ttl` ms (its handlers succeeded), unless another owner has claimed it since. */
  complete(key: string, ttl: number, owner: string): void | Promise<void>
  /** Forgets `key` if `owner` still holds it, so that a retry is handled again (the handlers failed). */
  release(key: string, owner: string): void | Promise<void>
}

/** What {@link DedupeStore.claim} found. */
export type ClaimResult = 'claimed' | 'running' | 'done'

/** Options of the `dedupe` setting of createRoomWebhooks(). */
export interface DedupeOptions {
  /** Where handled callbacks are remembered. Default: an in-memory store of this process. */
  readonly store?: DedupeStore
  /** How long a handled callback is remembered, in ms. Default 10 minutes. */
  readonly ttl?: number
  /** How long the store may take to answer before the callback is handled anyway, in ms. Default 300. */
  readonly timeout?: number
}

/**
 * How long a claim holds while its handlers run, in ms. A process that dies mid-callback leaves its claim behind:
 * retries are answered 409 (never OK) until it lapses, and are then handled.
 */
export const DEDUPE_LEASE = 60_000

/** The in-memory store: it answers at once. */
export interface MemoryDedupeStore extends DedupeStore {
  claim(key: string, lease: number, owner: string): ClaimResult
  complete(key: string, ttl: number, owner: string): void
  release(key: string, owner: string): void
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
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): MemoryDedupeStore {
  const maxEntries = options.maxEntries ?? 10_000
  if (!(Number.isInteger(maxEntries) && maxEntries > 0)) {
    throw new TypeError('[@roomhooks/core] maxEntries must be a positive integer')
  }
  // Entries are kept in the order they were last written, which is close to expiry order: the oldest go first.
  const entries = new Map<
    string,
    { readonly state: 'running' | 'done'; readonly owner: string; readonly expiry: number }
  >()
  const write = (key: string, state: 'running' | 'done', owner: string, ms: number, now: number): void => {
    entries.delete(key)
    for (const [oldest, entry] of entries) {
      if (entry.expiry > now && entries.size < maxEntries) break
      entries.delete(oldest)
    }
    entries.set(key, { state, owner, expiry: now + ms })
  }
  /** The live entry of `key`, if any. */
  const find = (key: string, now: number) => {
    const entry = entries.get(key)
    return entry !== undefined && entry.expiry > now ? entry : undefined
  }
  return {
    claim(key, lease, owner) {
      const now = Date.now()
      const entry = find(key, now)
      if (entry !== undefined) return entry.state
      write(key, 'running', owner, lease, now)
      return 'claimed'
    },
    complete(key, ttl, owner) {
      const now = Date.now()
      const entry = find(key, now)
      if (entry === undefined || (entry.state === 'running' && entry.owner === owner))
        write(key, 'done', owner, ttl, now)
    },
    release(key, owner) {
      const entry = find(key, Date.now())
      if (entry?.state === 'running' && entry.owner === owner) entries.delete(key)
    },
  }
}

/** What identifies a delivery: the command, the app it is for, and the SHA-256 of the body as received. */
export function dedupeKey(command: string, sdkAppId: number, body: BodyInput): string {
  const text = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)
  return `${command}/${sdkAppId}/${sha256Base64Url(text)}`
}

/**
 * The key of a callback's job in a delivery: its {@link dedupeKey}, unless a body parser rounded IDs in the body
 * (`digitsLost`). Callbacks that differ only in those IDs have the same parsed body then, so the key is made
 * unique to this delivery: a copy delivered again is not recognised (it is handled twice), rather than the second
 * of two callbacks being taken for a copy of the first and dropped.
 */
export function deliveryKey(command: string, sdkAppId: number, body: BodyInput, digitsLost: boolean): string {
  const key = dedupeKey(command, sdkAppId, body)
  return digitsLost ? `${key}/${crypto.randomUUID()}` : key
}

/** The error reported when the store fails; the callback is handled all the same. */
export function dedupeFailure(error: unknown, what: string): RoomhooksError {
  return new RoomhooksError('DEDUPE_FAILED', `The dedupe store ${what}`, { cause: error })
}
