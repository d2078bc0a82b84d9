import type { IncomingMessage, ServerResponse } from 'node:http'
import { checkBodyHeaders, readTimeoutOption } from './collect-body.js'
import { errorResponse, serializeEnvelope, type CallbackResponse } from './envelope.js'
import { RoomhooksError } from './errors.js'
import { bodyTooLarge, type BodyInput } from './parse-body.js'
import { looksLikeCallbackQuery } from './query.js'
import { readRequestBody } from './read-body.js'
import type { BodyReader, RoomWebhooks } from './webhooks.js'

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
   * whether it looks like a callback (its query string names `SdkAppid`, in any casing, or `CallbackCommand`).
   */
  matches(request: IncomingMessage): boolean
  /** Reads, checks and handles one request; never rejects. */
  receive(request: IncomingMessage, preRead?: PreReadBody): Promise<CallbackResponse>
}

const methodNotAllowed = (): CallbackResponse => ({
  ...errorResponse(new RoomhooksError('METHOD_NOT_ALLOWED', 'Callbacks must be sent with POST')),
  headers: { allow: 'POST' },
})

/**
 * Builds the Node.js receiving logic the adapters share: which requests are callbacks, choosing where the body comes from
 * (the unread stream, a raw body a middleware kept, or the parsed body, in that order, so big user IDs stay
 * exact whenever the raw text can be had), and closing the connection when a refused body was left unread.
 */
export function createNodeReceiver(hooks: RoomWebhooks, options: NodeReceiverOptions = {}): NodeReceiver {
  const { path } = options
  const readTimeout = readTimeoutOption(options.readTimeout)

  return {
    matches(request) {
      const url = request.url ?? '/'
      const end = url.indexOf('?')
      if (path !== undefined) return (end === -1 ? url : url.slice(0, end)) === path
      return end !== -1 && looksLikeCallbackQuery(url, end + 1)
    },

    async receive(request, preRead = {}) {
      if (request.method !== 'POST') return methodNotAllowed()
      const url = request.url ?? ''
      const start = url.indexOf('?')
      const response = await hooks.receive({
        query: start === -1 ? '' : url.slice(start + 1),
        body: chooseBody(request, preRead, readTimeout),
      })
      if (request.complete) return response
      // The body was refused before it was read (or while it was): close rather than drain it.
      return { ...response, headers: { ...response.headers, connection: 'close' } }
    },
  }
}

function chooseBody(request: IncomingMessage, { rawBody, parsedBody }: PreReadBody, readTimeout: number): BodyReader {
  return async (limit) => {
    if (!request.readableDidRead && !request.readableEnded) return readRequestBody(request, limit, readTimeout)
    // A middleware read the body first: the same header checks apply (a body it inflated from gzip is refused,
    // as its size is unknown), and what it read still counts against the limit.
    checkBodyHeaders(request.headers['content-length'], request.headers['content-encoding'], limit)
    if (sizeOfReadBody(request, rawBody, parsedBody) > limit) throw bodyTooLarge(limit)
    if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return rawBody
    if (parsedBody !== undefined) return parsedBody as BodyInput
    throw new RoomhooksError('BODY_UNAVAILABLE', 'The body was consumed by another middleware that left no body behind')
  }
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

/** Writes an answer to a node:http (or Express) response, unless one was already sent. */
export function sendNodeResponse(response: ServerResponse, answer: CallbackResponse): void {
  if (response.headersSent || response.writableEnded) return
  const json = serializeEnvelope(answer.body)
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  })
  response.end(json)
}
