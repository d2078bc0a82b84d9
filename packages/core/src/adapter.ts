/**
 * What a framework adapter needs to hand requests to a receiver and write its answers (`@roomhooks/express`,
 * `@roomhooks/koa` and `@roomhooks/fastify` are built on it). Apps do not need it: their API is the package's
 * main entry.
 *
 * @module @roomhooks/core/adapter
 */
export { createNodeReceiver } from './node-receiver.js'
export type { NodeReceiver, NodeReceiverOptions, PreReadBody } from './node-receiver.js'
export { sendNodeResponse, toFetchResponse, requestFailed, JSON_CONTENT_TYPE } from './http-edge.js'
export { serializeEnvelope } from './envelope.js'
export type { CallbackEnvelope, CallbackResponse } from './envelope.js'
export { verifyCallback } from './verify.js'
export type { VerificationSettings } from './verify.js'
export { readCallbackQuery } from './query.js'
export type { CallbackQuery, QueryInput } from './query.js'
