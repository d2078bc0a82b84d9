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
import {
  createdFence,
  createdStamp,
  destroyedFence,
  destroyedStamp,
  isOpen,
  isPresent,
  kindStamp,
  memberStamp,
  NONE,
  reconciledFence,
  seatStamp,
} from './rules.js'

/** Options of {@link createMemoryPresenceStore}. */
export interface MemoryPresenceStoreOptions {
  /** How long a departed member's record (which keeps an older Enter out) and a closed, empty room are kept, in ms. Default 24 h. */
  readonly ttl?: number
}

/** A member's record: the highest stamp seen, and when the stay began when a reconcile confirmed it. */
const memoryStores = new WeakSet<PresenceStore>()

/** The store's answer as a promise, as a shared store's would be; a throw becomes a rejection. */
const answer = <T>(read: () => T): Promise<T> => new Promise((resolve) => resolve(read()))

/** Whether a store keeps its state in this process (then each process of a queue's workers has its own). */
export function isMemoryStore(store: PresenceStore): boolean {
  return memoryStores.has(store)
}

interface MemberRecord {
  stamp: number
  since: number
}

interface RoomState {
  kind: RoomKind | undefined
  kindStamp: number
  /** The stamp of the latest create or destroy. */
  life: number
  fence: number
  count: number
  readonly members: Map<string, MemberRecord>
  /** Departed members, in the order their records expire. */
  readonly tombstones: Map<string, number>
  seatsAt: number
  seats: string | undefined
}

/**
 * Room state in this process's memory, under the same rules as the Redis store (docs/presence.md). Right for one
 * process that receives and handles every callback itself; with a durable delivery or several instances, each
 * process would only know what it handled: use {@link createRedisPresenceStore} there.
 *
 * @example
 * const presence = createPresence(hooks, { store: createMemoryPresenceStore({ ttl: 60 * 60 * 1000 }) })
 */
export function createMemoryPresenceStore(options: MemoryPresenceStoreOptions = {}): PresenceStore {
  const ttl = readTtl(options.ttl, 'createMemoryPresenceStore')
  const rooms = new Map<string, RoomState>()
  /** Closed, empty rooms, in the order they expire. */
  const idle = new Map<string, number>()

  const sweep = (now: number) => {
    for (const [roomId, expires] of idle) {
      if (expires > now) break
      idle.delete(roomId)
      rooms.delete(roomId)
    }
  }

  const roomOf = (roomId: string): RoomState => {
    let room = rooms.get(roomId)
    if (room === undefined) {
      room = {
        kind: undefined,
        kindStamp: NONE,
        life: NONE,
        fence: NONE,
        count: 0,
        members: new Map(),
        tombstones: new Map(),
        seatsAt: NONE,
        seats: undefined,
      }
      rooms.set(roomId, room)
    }
    return room
  }

  /** Departed members' records go once their time is up, before a fact is compared with them. */
  const prune = (room: RoomState, now: number) => {
    for (const [userId, expires] of room.tombstones) {
      if (expires > now) break
      room.tombstones.delete(userId)
      room.members.delete(userId)
    }
  }

  /** A closed room without members is forgotten after the ttl. */
  const settle = (roomId: string, room: RoomState, now: number) => {
    idle.delete(roomId)
    if (room.count === 0 && !isOpen(room.life)) idle.set(roomId, now + ttl)
  }

  /** Records `stamp` for a user when it is the highest; returns the change of presence, if any. */
  const record = (room: RoomState, userId: string, stamp: number, since: number, now: number) => {
    const old = room.members.get(userId)
    if (old !== undefined && old.stamp >= stamp) return undefined
    const was = old !== undefined && isPresent(old.stamp)
    const present = isPresent(stamp)
    room.members.set(userId, { stamp, since })
    room.tombstones.delete(userId)
    if (!present) room.tombstones.set(userId, now + ttl)
    if (was === present) return undefined
    room.count += present ? 1 : -1
    return present ? ('enter' as const) : ('leave' as const)
  }

  /** Keeps the kind of the fact with the highest kind stamp (rules.ts). */
  const name = (room: RoomState, kind: RoomKind, stamp: number) => {
    if (stamp > room.kindStamp || (stamp === room.kindStamp && room.kind !== undefined && kind > room.kind)) {
      room.kindStamp = stamp
      room.kind = kind
    }
  }

  /** Raises the fence: records at or below it are over (members leave, the seat list goes). */
  const raise = (roomId: string, room: RoomState, fence: number, at: number, changes: PresenceChange[]) => {
    if (fence <= room.fence) return
    room.fence = fence
    for (const [userId, { stamp }] of room.members) {
      if (stamp > fence) continue
      room.members.delete(userId)
      room.tombstones.delete(userId)
      if (isPresent(stamp)) {
        room.count--
        changes.push({ type: 'leave', roomId, userId, at })
      }
    }
    if (room.seats !== undefined && seatStamp(room.seatsAt) <= fence) {
      room.seats = undefined
      changes.push({ type: 'seats', roomId, at })
    }
  }

  const apply = (update: PresenceUpdate, now: number): PresenceChange[] => {
    const { roomId, at } = update
    const room = roomOf(roomId)
    prune(room, now)
    const changes: PresenceChange[] = []
    switch (update.type) {
      case 'members': {
        name(room, update.kind, kindStamp(at, false))
        const stamp = memberStamp(at, update.present)
        if (stamp <= room.fence) break
        for (const userId of new Set(update.userIds)) {
          const type = record(room, userId, stamp, at, now)
          if (type !== undefined) changes.push({ type, roomId, userId, at })
        }
        break
      }
      case 'room.created': {
        name(room, update.kind, kindStamp(at, true))
        const stamp = createdStamp(at)
        if (stamp > room.life) {
          const was = isOpen(room.life)
          room.life = stamp
          if (!was) changes.push({ type: 'room.created', roomId, at })
        }
        raise(roomId, room, createdFence(at), at, changes)
        break
      }
      case 'room.destroyed': {
        name(room, update.kind, kindStamp(at, false))
        const stamp = destroyedStamp(at)
        if (stamp > room.life) {
          const was = isOpen(room.life)
          room.life = stamp
          if (was) changes.push({ type: 'room.destroyed', roomId, at })
        }
        raise(roomId, room, destroyedFence(at), at, changes)
        break
      }
      case 'seats': {
        const text = seatsText(update.seats)
        if (seatStamp(at) <= room.fence) break
        if (at < room.seatsAt || (at === room.seatsAt && room.seats !== undefined && text <= room.seats)) break
        const same = text === room.seats
        room.seatsAt = at
        room.seats = text
        if (!same) changes.push({ type: 'seats', roomId, at })
        break
      }
      case 'reconcile': {
        // Of two reconciles of one ms, either order keeps the users of both lists (their fences are equal).
        const fence = reconciledFence(at)
        if (fence < room.fence) break
        const stamp = memberStamp(at, true)
        for (const userId of new Set(update.userIds)) {
          const old = room.members.get(userId)
          const since = old !== undefined && isPresent(old.stamp) ? old.since : at
          const type = record(room, userId, stamp, since, now)
          if (type !== undefined) changes.push({ type, roomId, userId, at })
        }
        raise(roomId, room, fence, at, changes)
        break
      }
    }
    settle(roomId, room, now)
    return changes
  }

  const store: PresenceStore = {
    apply: (update) =>
      answer(() => {
        const now = Date.now()
        sweep(now)
        return apply(update, now)
      }),
    members: (roomId) =>
      answer(() => {
        const members: PresenceMember[] = []
        for (const [userId, { stamp, since }] of rooms.get(roomId)?.members ?? []) {
          if (isPresent(stamp)) members.push({ userId, since })
        }
        return members.sort(byArrival)
      }),
    count: (roomId) => answer(() => rooms.get(roomId)?.count ?? 0),
    rooms: () =>
      answer(() => {
        sweep(Date.now())
        const open: PresenceRoom[] = []
        for (const [roomId, room] of rooms) {
          if (room.count > 0 || isOpen(room.life)) open.push({ roomId, kind: room.kind ?? 'room', count: room.count })
        }
        return open
      }),
    seats: (roomId) =>
      answer(() => {
        const text = rooms.get(roomId)?.seats
        return text === undefined ? [] : seatsFromText(text)
      }),
    close: () => Promise.resolve(),
  }
  memoryStores.add(store)
  return store
}
