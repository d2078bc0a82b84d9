/**
 * The ordering rules, once, for every store (docs/presence.md explains them). The platform sends no sequence
 * number and no session id, only `EventTime`, so each fact is given a *stamp*: a number that orders it against
 * every other fact about the same room and user. A store keeps, per room and user, the highest stamp it has seen
 * and applies a fact only when its stamp is higher: delivery order, duplicates and the number of processes then
 * change nothing, since the result is the maximum.
 *
 * A stamp is `2 × time + tie`, time in ms: two facts of different milliseconds are ordered by time, two of the same
 * millisecond by `tie`. An Enter beats a Leave of the same millisecond (a user who joins from a second device is
 * kicked off the first one at that moment: the user is in). A room's destroy beats anything of its millisecond.
 *
 * Each room also has a *fence*: every fact stamped at or below it is over, and a store forgets the records below
 * it. A destroy at T raises it to `2T + 1` (memberships up to T end, and an Enter up to T arriving later changes
 * nothing); a create at T to `2T − 1` (the same RoomId created again starts empty, even when the destroy was lost);
 * a reconcile as of T to `2T` (the list read then is the truth as of T).
 */

/**
 * Whether `ms` can be a fact's time: a whole number of ms from the epoch below 2^52, so that `2 × ms + 1` is still
 * exact in a double (in JS and in Redis's Lua alike) and the in/out bit of a stamp survives. 2^52 ms is the year
 * 142,000; a larger `EventTime` is not a time the platform sent.
 */
export function isFactTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= 0 && ms < 2 ** 52
}

/** The stamp of a member fact: in (Enter, Online) or out (Leave, Offline) at `at` ms. */
export function memberStamp(at: number, present: boolean): number {
  return 2 * at + (present ? 1 : 0)
}

/** Whether a member stamp says "in". */
export function isPresent(stamp: number): boolean {
  return stamp % 2 === 1
}

/** When the member fact of this stamp happened, in ms. */
export function stampTime(stamp: number): number {
  return Math.floor(stamp / 2)
}

/** The stamp of a room's creation at `at`; its destruction at the same ms is stamped one higher, and wins. */
export function createdStamp(at: number): number {
  return 2 * at
}

/** The stamp of a room's destruction at `at`. */
export function destroyedStamp(at: number): number {
  return 2 * at + 1
}

/** Whether a room's lifecycle stamp says "open" (created, not destroyed since). */
export function isOpen(lifeStamp: number): boolean {
  return lifeStamp >= 0 && lifeStamp % 2 === 0
}

/** The fence a creation at `at` sets: the members of an earlier incarnation of the RoomId are gone. */
export function createdFence(at: number): number {
  return 2 * at - 1
}

/** The fence a destruction at `at` sets: every membership up to `at` is over. */
export function destroyedFence(at: number): number {
  return 2 * at + 1
}

/** The fence a reconcile as of `at` sets: the list is the truth as of `at`; an Enter of that very ms still counts. */
export function reconciledFence(at: number): number {
  return 2 * at
}

/**
 * The stamp of a seat snapshot: a snapshot counts when it is newer than the room's fence (`2 × at + 1 > fence`)
 * and newer than the snapshot kept; two of the same ms are ordered by their content, so that every store picks the
 * same one whatever the arrival order.
 */
export function seatStamp(at: number): number {
  return 2 * at + 1
}

/**
 * The stamp of the product a fact names (a room's `kind`): the latest fact's, whichever it is, a creation beating
 * the other facts of its ms, and of two kinds with one stamp the greater text; a maximum, so that the kind does not
 * depend on arrival order (a RoomId reused by the other product, its creation lost, its old destroy arriving late).
 * Every fact counts, also one the fence makes ignored otherwise.
 */
export function kindStamp(at: number, creation: boolean): number {
  return 2 * at + (creation ? 1 : 0)
}

/** No stamp yet. */
export const NONE = -1
