import type { IncomingMessage } from 'node:http'
import { checkBodyHeaders, isDrainable, readTimeoutOption } from './collect-body.js'
import type { CallbackResponse } from '../envelope.js'
import { RoomhooksError } from '../errors.js'
import { closingConnection, methodNotAllowed, notProcessed } from './http-edge.js'
import { bodyTooLarge, type BodyInput } from '../intake/parse-body.js'
import { looksLikeCallbackQuery } from '../intake/query.js'
import { drainRequestBody, readRequestBody } from './read-body.js'
import type { RoomWebhooks } from '../webhooks.js'

/** Options shared by the node:http handler and the framework adapters. */
export interface NodeReceiverOptions {
  /**
   * Only requests to this path are callbacks; others pass to the next middleware (or get 404 on plain
   * node:http). Without it, only requests whose query string names `SdkAppid` or `CallbackCommand` are taken.
   */
  readonly path?: string
  /** How long the body may take to arrive, in ms. Default 5000. */
  readonly readTimeout?: number
}

/** What a framework may already have done with the body. */
export interface PreReadBody {
  /** The raw text or bytes some middlewares keep (`req.rawBody`, `ctx.request.rawBody`). */
  readonly rawBody?: unknown
  /** What a body parser made (`req.body`, `ctx.request.body`). */
  readonly parsedBody?: unknown
}

/** Turns node:http requests into callback answers; the adapters only translate to and from their framework. */
export interface NodeReceiver {
  /**
   * Whether the request is for the receiver: with a `path` option, whether it is for that path; without one,
   * whether the framework routed it here (`routed`: mounted on a route, not with `app.use()`) or it looks like a
   * callback (its query string names `SdkAppid`, in any casing, or `CallbackCommand`).
   */
  matches(request: IncomingMessage, routed?: boolean): boolean
  /** Reads, checks and handles one request; never rejects. */
  receive(request: IncomingMessage, preRead?: PreReadBody): Promise<CallbackResponse>
  /**
   * Completes an answer given without reading the body (the node:http handler's 404): a small body is drained
   * so the connection can serve the next request, any other is left unread and the connection closed.
   */
  refuse(request: IncomingMessage, answer: CallbackResponse): Promise<CallbackResponse>
}

/** Connections answered with `connection: close`: a request pipelined behind such an answer is not processed. */
const closingSockets = new WeakSet<object>()

/**
 * Builds the Node.js receiving logic the adapters share: which requests are callbacks, choosing where the body
 * comes from (the unread stream, a raw body a middleware kept, or the parsed body, in that order, so big user IDs
 * stay exact whenever the raw text can be had), and what happens to a body that was refused before it was read
 * (drained when small, otherwise left unread and the connection closed; see docs/security.md).
 */
export function createNodeReceiver(hooks: RoomWebhooks, options: NodeReceiverOptions = {}): NodeReceiver {
  const { path } = options
  const readTimeout = readTimeoutOption(options.readTimeout)

  return {
    matches(request, routed = false) {
      const url = request.url ?? '/'
      const end = url.indexOf('?')
      if (path !== undefined) return (end === -1 ? url : url.slice(0, end)) === path
      return routed || (end !== -1 && looksLikeCallbackQuery(url, end + 1))
    },

    async receive(request, preRead = {}) {
      // RFC 9112 §9.6: after answering with `connection: close`, process no further request of that connection.
      if (closingSockets.has(request.socket)) return notProcessed()
      if (request.method !== 'POST') return settleUnread(request, methodNotAllowed(), readTimeout)
      const url = request.url ?? ''
      const start = url.indexOf('?')
      let bodyRequested = false
      const answer = await hooks.receive({
        query: start === -1 ? '' : url.slice(start + 1),
        body: (limit) => {
          bodyRequested = true
          return readBody(request, preRead, limit, readTimeout)
        },
      })
      if (hasArrived(request)) return answer
      // Refused before the body was read (403, 401): drain it when small. Refused while reading it (408, 413,
      // 415): close, as the rest is unread.
      return bodyRequested ? closeAfter(request, answer) : settleUnread(request, answer, readTimeout)
    },

    refuse(request, answer) {
      return Promise.resolve(settleUnread(request, answer, readTimeout))
    },
  }
}

/**
 * An answer given before the body was read: a body that has arrived is left to node:http, which discards it;
 * a small one still arriving is drained first (so the connection stays usable for the next request); a large,
 * chunked or slow one is left unread and the connection closed.
 */
function settleUnread(
  request: IncomingMessage,
  answer: CallbackResponse,
  readTimeout: number,
): CallbackResponse | Promise<CallbackResponse> {
  if (hasArrived(request)) return answer
  const { 'content-length': length, 'transfer-encoding': chunked } = request.headers
  if (length === undefined && chunked === undefined) return answer // no body (HTTP/1.1): nothing to wait for
  if (request.readableFlowing !== null || !isDrainable(length, chunked)) return closeAfter(request, answer)
  return drainRequestBody(request, readTimeout).then(
    () => answer,
    () => closeAfter(request, answer),
  )
}

/** Closes the connection after the answer, unless the body did arrive after all. */
function closeAfter(request: IncomingMessage, answer: CallbackResponse): CallbackResponse {
  if (hasArrived(request)) {
    // What is left of it is buffered: let it flow away so the connection can go on.
    request.resume()
    return answer
  }
  if (request.socket) closingSockets.add(request.socket)
  return closingConnection(answer)
}

/**
 * Whether the whole request has arrived. node:http says so with `complete`; a request made in memory (Fastify's
 * `app.inject()`, light-my-request) has no such flag, and says so by having been read to its end.
 */
function hasArrived(request: IncomingMessage): boolean {
  return request.complete || request.readableEnded
}

function readBody(
  request: IncomingMessage,
  preRead: PreReadBody,
  limit: number,
  readTimeout: number,
): Promise<BodyInput> {
  // Not an async function: one returning the reader's promise would cost every callback two more microtask turns.
  if (!request.readableDidRead && !request.readableEnded) return readRequestBody(request, limit, readTimeout)
  return new Promise((resolve) => resolve(readBodyAlreadyRead(request, preRead, limit)))
}

/**
 * A middleware read the body first: the same header checks apply (a body it inflated from gzip is refused, as its
 * size is unknown), and what it read still counts against the limit.
 */
function readBodyAlreadyRead(request: IncomingMessage, { rawBody, parsedBody }: PreReadBody, limit: number): BodyInput {
  checkBodyHeaders(request.headers['content-length'], request.headers['content-encoding'], limit)
  if (sizeOfReadBody(request, rawBody, parsedBody) > limit) throw bodyTooLarge(limit)
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return rawBody
  if (parsedBody !== undefined) return parsedBody
  throw new RoomhooksError('BODY_UNAVAILABLE', 'The body was consumed by another middleware that left no body behind')
}

function sizeOfReadBody(request: IncomingMessage, rawBody: unknown, parsedBody: unknown): number {
  const declared = request.headers['content-length']
  if (declared !== undefined) return Number(declared)
  if (typeof rawBody === 'string') return Buffer.byteLength(rawBody)
  if (rawBody instanceof Uint8Array) return rawBody.byteLength
  try {
    // A chunked body that a parser read without keeping the text: measure what it made.
    return parsedBody === undefined ? 0 : Buffer.byteLength(JSON.stringify(parsedBody) ?? '')
  } catch {
    return Number.POSITIVE_INFINITY
  }
}
