import type { EventFor, RoomWebhooks } from '@roomhooks/core'
import { createMemoryPresenceStore, isMemoryStore } from './memory-store.js'
import type {
  PresenceChange,
  PresenceMember,
  PresenceRoom,
  PresenceSeat,
  PresenceStore,
  PresenceUpdate,
} from './presence-store.js'
import { isFactTime } from './rules.js'
import { presenceEvents, updateOf, type PresenceEventName } from './updates.js'

/** A logger: console, pino, winston, bunyan… Presence calls `log.warn(message)` and `log.error(err, message)`. */
export interface PresenceLogger {
  /** Called with one message. */
  warn?(...details: unknown[]): void
  /** Called as `log.error(err, message)`, the error first as pino and bunyan take it (and core passes it). */
  error?(...details: unknown[]): void
}

/** Options of {@link createPresence}. */
export interface PresenceOptions {
  /** Where the state lives. Default: a new {@link createMemoryPresenceStore}, closed by `close()`. */
  readonly store?: PresenceStore
  /** Where warnings and failed `onChange` listeners are written: console, pino, winston, bunyan… Default the console. */
  readonly log?: PresenceLogger
}

/** Who is in each room now, kept from the callbacks of a receiver (or of a worker's receiver). */
export interface Presence {
  /** The users in a room now, earliest `since` first. */
  members(roomId: string): Promise<PresenceMember[]>
  /** How many users are in a room now. */
  count(roomId: string): Promise<number>
  /** The open rooms: created and not destroyed, or with members. */
  rooms(): Promise<PresenceRoom[]>
  /** A room's last seat list, by index. */
  seats(roomId: string): Promise<PresenceSeat[]>
  /**
   * Calls `listener` with each change this process applies (a change another process applies to a shared store is
   * told there). Returns a function that removes it.
   */
  onChange(listener: (change: PresenceChange) => void): () => void
  /**
   * Sets a room's members to exactly `userIds` as of `at` (ms, default now), e.g. from the REST member list: facts
   * older than `at` no longer count, later ones still do.
   */
  reconcile(roomId: string, userIds: readonly string[], at?: number): Promise<void>
  /** Stops following the receiver, and closes the store if `createPresence` made it (a store you pass stays open). */
  close(): Promise<void>
}

/**
 * Keeps who is in each room from a receiver's callbacks: room and live creation and destruction, member enter and
 * leave, live member state, seat lists. The latest `EventTime` per room and user wins, so duplicates and
 * reordering change nothing (docs/presence.md). With a durable delivery, attach it to the worker's receiver and
 * give every process the same {@link createRedisPresenceStore}.
 *
 * @example
 * const presence = createPresence(hooks, { store: createRedisPresenceStore({ connection, prefix: 'roomhooks' }) })
 * await presence.members('room-1') // [{ userId: 'alice', since: 1703589922780 }]
 */
export function createPresence(hooks: RoomWebhooks, options: PresenceOptions = {}): Presence {
  if (hooks === null || typeof hooks?.on !== 'function' || typeof hooks.removeListener !== 'function') {
    throw new TypeError('[@roomhooks/presence] createPresence() needs the receiver made by createRoomWebhooks()')
  }
  const log = options.log ?? console
  const store = options.store ?? createMemoryPresenceStore()
  const ownsStore = options.store === undefined
  if (typeof store.apply !== 'function' || typeof store.members !== 'function') {
    throw new TypeError(
      '[@roomhooks/presence] createPresence() needs { store } to be a PresenceStore, e.g. createRedisPresenceStore({ connection })',
    )
  }
  const listeners = new Set<(change: PresenceChange) => void>()
  let closed = false

  const warn = (message: string) => {
    try {
      log.warn?.(message)
    } catch {
      // A logger that throws must not fail a callback.
    }
  }

  const apply = async (update: PresenceUpdate) => {
    const changes = await store.apply(update)
    for (const change of changes) {
      for (const listener of listeners) {
        try {
          listener(change)
        } catch (error) {
          try {
            log.error?.(error, '[@roomhooks/presence] an onChange listener threw; fix the listener')
          } catch {
            // As above.
          }
        }
      }
    }
  }

  const handler = async (event: EventFor<PresenceEventName>): Promise<void> => {
    const toUpdate = updateOf[event.name] as (event: EventFor<PresenceEventName>) => PresenceUpdate | undefined
    const update = toUpdate(event)
    if (update !== undefined) return apply(update)
    warn(`[@roomhooks/presence] ${event.command} ignored: its EventType is neither Online nor Offline`)
  }
  hooks.on(presenceEvents, handler)

  // Callbacks handed to a delivery run in whichever process takes them: a memory store would see only its own.
  if (isMemoryStore(store) && hooks.delivers) {
    warn(
      '[@roomhooks/presence] callbacks go to a delivery and run in whichever process takes them, but a memory store only keeps what this process runs: give every process createRedisPresenceStore({ connection }) instead',
    )
  }

  return {
    members: (roomId) => store.members(roomId),
    count: (roomId) => store.count(roomId),
    rooms: () => store.rooms(),
    seats: (roomId) => store.seats(roomId),
    onChange(listener) {
      if (typeof listener !== 'function') throw new TypeError('[@roomhooks/presence] onChange() needs a function')
      const added = (change: PresenceChange) => listener(change)
      listeners.add(added)
      return () => void listeners.delete(added)
    },
    async reconcile(roomId, userIds, at = Date.now()) {
      if (typeof roomId !== 'string' || !Array.isArray(userIds) || !userIds.every((id) => typeof id === 'string')) {
        throw new TypeError('[@roomhooks/presence] reconcile() needs a room ID and an array of user ID strings')
      }
      if (!isFactTime(at)) {
        throw new TypeError(`[@roomhooks/presence] reconcile() needs \`at\` in whole ms since the epoch, got ${at}`)
      }
      await apply({ type: 'reconcile', roomId, userIds, at })
    },
    async close() {
      if (closed) return
      closed = true
      hooks.removeListener(presenceEvents, handler)
      listeners.clear()
      if (ownsStore) await store.close()
    },
  }
}
