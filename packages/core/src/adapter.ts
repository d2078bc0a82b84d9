/**
 * What a framework adapter needs to hand requests to a receiver and write its answers (`@roomhooks/express`,
 * `@roomhooks/koa` and `@roomhooks/fastify` are built on it). Apps do not need it: their API is the package's
 * main entry.
 *
 * @module @roomhooks/core/adapter
 */
export { createNodeReceiver } from './http/node-receiver.js'
export type { NodeReceiver, NodeReceiverOptions, PreReadBody } from './http/node-receiver.js'
export { toFetchResponse, requestFailed, JSON_CONTENT_TYPE } from './http/http-edge.js'
export { sendNodeResponse } from './http/send-node-response.js'
export { serializeEnvelope } from './envelope.js'
export type { CallbackEnvelope, CallbackResponse } from './envelope.js'
export { verifyCallback } from './intake/verify.js'
export type { VerificationSettings } from './intake/verify.js'
export { readCallbackQuery } from './intake/query.js'
export type { CallbackQuery, QueryInput } from './intake/query.js'
