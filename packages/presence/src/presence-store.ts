/** A user in a room: `since` is the `EventTime` (ms) of the Enter that counts (the latest one). */
export interface PresenceMember {
  readonly userId: string
  readonly since: number
}

/** What kind of room: a TUIRoomKit room or a TUILiveKit live room. */
export type RoomKind = 'room' | 'live'

/** An open room: created and not destroyed, or with members. */
export interface PresenceRoom {
  readonly roomId: string
  readonly kind: RoomKind
  readonly count: number
}

/** A seat of a room's last seat list: who sits on it, or null when it is free. */
export interface PresenceSeat {
  readonly index: number
  readonly userId: string | null
}

/** What changed, told to `onChange` listeners of the process that applied it. `at`: the fact's time, in ms. */
export interface PresenceChange {
  readonly type: 'enter' | 'leave' | 'room.created' | 'room.destroyed' | 'seats'
  readonly roomId: string
  /** For `enter` and `leave`. */
  readonly userId?: string
  readonly at: number
}

/** One fact for a store to apply; times in ms. */
export type PresenceUpdate =
  | {
      /** Users entered (`present`) or left a room, all at `at`. */
      readonly type: 'members'
      readonly roomId: string
      readonly kind: RoomKind
      readonly userIds: readonly string[]
      readonly present: boolean
      readonly at: number
    }
  | { readonly type: 'room.created'; readonly roomId: string; readonly kind: RoomKind; readonly at: number }
  | { readonly type: 'room.destroyed'; readonly roomId: string; readonly kind: RoomKind; readonly at: number }
  | { readonly type: 'seats'; readonly roomId: string; readonly seats: readonly PresenceSeat[]; readonly at: number }
  | {
      /** Exactly these users are in the room as of `at`. */
      readonly type: 'reconcile'
      readonly roomId: string
      readonly userIds: readonly string[]
      readonly at: number
    }

/**
 * Where room state lives: {@link createMemoryPresenceStore} (one process) or {@link createRedisPresenceStore}
 * (shared by every receiver and worker). Each store applies the rules of docs/presence.md: the latest fact per room
 * and user wins, whatever order facts arrive in and however often.
 */
export interface PresenceStore {
  /** Applies one fact atomically and returns what it changed (nothing, for a duplicate or an older fact). */
  apply(update: PresenceUpdate): Promise<readonly PresenceChange[]>
  /** The users in a room now, earliest `since` first. */
  members(roomId: string): Promise<PresenceMember[]>
  /** How many users are in a room now. */
  count(roomId: string): Promise<number>
  /** The open rooms: created and not destroyed, or with members. */
  rooms(): Promise<PresenceRoom[]>
  /** A room's last seat list, by index; empty when none is known. */
  seats(roomId: string): Promise<PresenceSeat[]>
  /** Lets go of what the store opened (a Redis connection it created); the user's own connection stays open. */
  close(): Promise<void>
}

/** How long the record of a departed member or of a closed room is kept by default: 24 hours, in ms. */
const DEFAULT_TTL = 24 * 60 * 60 * 1000

/** Checks a store's `ttl` option. */
export function readTtl(ttl: number | undefined, store: string): number {
  if (ttl === undefined) return DEFAULT_TTL
  // Up to 2^53 − 1: a larger one is written 1e+21 and Redis refuses it as an expiry, after the script has written.
  if (!(Number.isSafeInteger(ttl) && ttl > 0)) {
    throw new TypeError(
      `[@roomhooks/presence] ${store}({ ttl }) needs a whole number of ms from 1 to 2^53 − 1, got ${ttl}`,
    )
  }
  return ttl
}

/** Orders members as `members()` returns them: earliest `since` first, then by user ID. */
export function byArrival(a: PresenceMember, b: PresenceMember): number {
  return a.since - b.since || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)
}

/**
 * The canonical text of a seat list (by index), which also orders two lists of the same ms. It is ASCII (other
 * characters written `\uXXXX`): JavaScript compares strings by UTF-16 unit and the Redis script by byte, and the two
 * orders differ for other characters, so the stores would keep different lists.
 */
export function seatsText(seats: readonly PresenceSeat[]): string {
  const sorted = [...seats].sort((a, b) => a.index - b.index)
  return JSON.stringify(sorted.map((seat) => [seat.index, seat.userId])).replace(
    /[\u0080-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** A seat list back from its canonical text. */
export function seatsFromText(text: string): PresenceSeat[] {
  return (JSON.parse(text) as [number, string | null][]).map(([index, userId]) => ({ index, userId }))
}
