/**
 * Fastify 4 and 5 plugin for roomhooks: {@link roomhooks}.
 *
 * @module @roomhooks/fastify
 */
import { METHODS } from 'node:http'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fastifyPlugin from 'fastify-plugin'
import type { RoomWebhooks } from '@roomhooks/core'
import {
  createNodeReceiver,
  JSON_CONTENT_TYPE,
  requestFailed,
  serializeEnvelope,
  type CallbackResponse,
  type NodeReceiver,
} from '@roomhooks/core/adapter'

/** Options of {@link roomhooks}, next to Fastify's own `register` options (`prefix`, `logLevel`). */
export interface RoomhooksPluginOptions {
  /** The receiver whose handlers the callbacks go to, from `createRoomWebhooks()`. */
  readonly hooks: RoomWebhooks
  /**
   * The callback URL's path, under the `prefix` the plugin is registered with. Every method at this path is the
   * plugin's (other methods than POST are answered 405). Default `'/tencent/callback'`.
   */
  readonly path?: string
  /** How long the body may take to arrive, in ms. Default 5000. */
  readonly readTimeout?: number
}

const DEFAULT_PATH = '/tencent/callback'

// Async although it awaits nothing: Fastify calls plugins without a try/catch, and this way a wrong option rejects
// the registration (app.ready()) instead of being thrown where nobody catches it.
// eslint-disable-next-line @typescript-eslint/require-await
async function roomhooksPlugin(
  instance: Parameters<FastifyPluginAsync<RoomhooksPluginOptions>>[0],
  options: RoomhooksPluginOptions,
): Promise<void> {
  const { hooks, path = DEFAULT_PATH, readTimeout } = options ?? {}
  if (typeof hooks?.receive !== 'function') {
    throw new TypeError(
      '[@roomhooks/fastify] hooks is required: app.register(roomhooks, { hooks: createRoomWebhooks(…) })',
    )
  }
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new TypeError(`[@roomhooks/fastify] path must start with "/", got ${JSON.stringify(path)}`)
  }
  const receiver = createNodeReceiver(hooks, readTimeout === undefined ? {} : { readTimeout })

  // This context is the plugin's own (it is not skip-override): its parsers and error handler reach only its route,
  // and the app's other routes keep Fastify's JSON parser. Here every content type, and none, is left unread, so
  // that roomhooks reads the raw text itself, with the receiver's bodyLimit and readTimeout, after the query
  // string passed verification; that keeps user IDs above 2^53 exact.
  instance.removeAllContentTypeParsers()
  // The content types the platform sends by name too: Fastify caches the parser it finds for a named type, and
  // looks the catch-all up again on every request.
  instance.addContentTypeParser(['application/json', 'text/plain'], leaveBodyUnread)
  instance.addContentTypeParser('*', leaveBodyUnread)
  instance.setErrorHandler((error, request, reply) => answerError(receiver, error, request, reply))
  // Every method, so that a GET gets the envelope's 405 rather than Fastify's 404, whose message echoes the URL,
  // Sign included. Fastify 5 routes only the common methods until told of others (WebDAV's PROPFIND, SEARCH…).
  routeEveryMethod(instance)
  instance.all(
    path,
    // The request's URL carries the Sign: Fastify's request log (`logger: true`) gets it without.
    { logSerializers: { req: requestWithoutSign } },
    (request, reply) => receiver.receive(request.raw).then((answer) => writeAnswer(reply, answer)),
  )
}

/**
 * Tells Fastify 5 of every method Node.js parses (CONNECT aside: it opens a tunnel, never reaches a route), so
 * that `all()` covers them. Fastify 4 has no such call; its `all()` covers the WebDAV methods already. The methods
 * are the whole app's, not this context's: each is added as one that may carry a body, so that the app's own
 * routes for them (a PROPFIND declared in a later plugin) still get their body parsed and may have a body schema;
 * added as bodyless, Fastify would drop their bodies and refuse such a schema.
 */
function routeEveryMethod(instance: { supportedMethods?: readonly string[]; addHttpMethod?: unknown }): void {
  const known = instance.supportedMethods
  if (typeof instance.addHttpMethod !== 'function' || known === undefined) return
  const addHttpMethod = instance.addHttpMethod as (name: string, options: { hasBody: boolean }) => void
  for (const method of METHODS) {
    if (method !== 'CONNECT' && !known.includes(method)) addHttpMethod.call(instance, method, { hasBody: true })
  }
}

/**
 * The request as Fastify logs it by default (method, URL, host, remote address and port), its URL's Sign
 * replaced: anyone who reads the log could otherwise replay a callback within its RequestTime window.
 */
function requestWithoutSign(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url.replace(SIGN_VALUE, '$1REDACTED'),
    host: request.headers.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}

// The value of a Sign parameter in a URL as the receiver reads it: its name in any case, and any of its letters
// percent-encoded (`S%69gn`), which the receiver decodes and still checks as the Sign.
const SIGN_VALUE = /([?&](?:s|%[57]3)(?:i|%[46]9)(?:g|%[46]7)(?:n|%[46]e)=)[^&#]*/gi

function leaveBodyUnread(_request: FastifyRequest, _payload: unknown, done: (error: null) => void): void {
  done(null)
}

/**
 * Fastify failed the request before the handler ran. A content type it would not parse (Fastify 5 refuses a
 * malformed Content-Type header) is no reason to refuse a callback: the body is still unread, so the request goes
 * to roomhooks as any other. Any other error (a hook of the app threw) is answered with the envelope, never
 * Fastify's error body, and logged as Fastify's own error handler would.
 */
function answerError(
  receiver: NodeReceiver,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<string> {
  // Fastify 5 types what reaches an error handler as unknown: anything can be thrown.
  const { code, statusCode, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    statusCode?: unknown
    message?: unknown
  }
  if (isContentTypeRefusal(code)) return receiver.receive(request.raw).then((answer) => writeAnswer(reply, answer))
  const answer = requestFailed(statusCode)
  const text = typeof message === 'string' ? message : String(error)
  if (answer.status >= 500) request.log.error({ err: error }, text)
  else request.log.info({ err: error }, text)
  return receiver.refuse(request.raw, answer).then((settled) => writeAnswer(reply, settled))
}

function isContentTypeRefusal(code: unknown): boolean {
  return typeof code === 'string' && (code.startsWith('FST_ERR_CTP_') || code === 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE')
}

/** Sets the answer's status and headers on the reply; the JSON text it returns is what Fastify sends. */
function writeAnswer(reply: FastifyReply, answer: CallbackResponse): string {
  reply.code(answer.status)
  if (answer.headers !== undefined) reply.headers(answer.headers)
  reply.type(JSON_CONTENT_TYPE)
  return serializeEnvelope(answer.body)
}

/**
 * The Fastify 4 and 5 plugin that receives Tencent Cloud Room and Live callbacks: it registers a route at `path`
 * (default `/tencent/callback`, under the registration's `prefix`) and answers every request there with the
 * callback envelope. It reads the raw body itself inside its own encapsulated context, so large user IDs stay
 * exact while the app's other routes keep Fastify's JSON parser.
 *
 * @example
 * await app.register(roomhooks, { hooks, path: '/tencent/callback' })
 */
export const roomhooks: FastifyPluginAsync<RoomhooksPluginOptions> = fastifyPlugin(roomhooksPlugin, {
  fastify: '4.x || 5.x',
  name: '@roomhooks/fastify',
  // Keeps the plugin's own context (fastify-plugin would otherwise share the parent's): its content-type parsers
  // and error handler must not reach the app's routes.
  encapsulate: true,
})

// The same plugin as the default export, for `import roomhooks from '@roomhooks/fastify'`, as Fastify plugins are
// usually imported; the named one is for CommonJS, where a default export is `.default`.
export default roomhooks
