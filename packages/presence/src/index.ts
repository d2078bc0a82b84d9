/**
 * Who is in each Tencent Cloud Room and Live room now, kept from roomhooks callbacks ({@link createPresence}):
 * right under duplicates, reordering and many processes, in memory ({@link createMemoryPresenceStore}) or in Redis
 * ({@link createRedisPresenceStore}) for every receiver and worker to share.
 *
 * @module @roomhooks/presence
 */
export { createPresence } from './presence.js'
export type { Presence, PresenceLogger, PresenceOptions } from './presence.js'
export { createMemoryPresenceStore } from './memory-store.js'
export type { MemoryPresenceStoreOptions } from './memory-store.js'
export { createRedisPresenceStore } from './redis-store.js'
export type { RedisPresenceStoreOptions } from './redis-store.js'
export type {
  PresenceChange,
  PresenceMember,
  PresenceRoom,
  PresenceSeat,
  PresenceStore,
  PresenceUpdate,
  RoomKind,
} from './presence-store.js'
export type { PresenceEventName } from './updates.js'
