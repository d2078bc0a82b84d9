/**
 * A live local page of every Tencent Cloud Room and Live callback a roomhooks receiver handles
 * ({@link createInspector}): outcome, reason, before-callback decision, the payload with exact IDs, handler errors
 * with their stacks, and Replay. Off in production unless enabled; answers this machine only unless given a token.
 *
 * @module @roomhooks/inspector
 */
export { createInspector } from './inspector.js'
export type { Inspector } from './inspector.js'
export type { InspectorOptions } from './options.js'
export type { InspectorClient } from './fetch-handler.js'
export type { NodeHandler } from './node-handler.js'
export type { CallbackDetail, CallbackSummary, EntryDecision, EntryError, EntrySource } from './entry.js'
export type { InspectorPresence, RoomView } from './rooms.js'
