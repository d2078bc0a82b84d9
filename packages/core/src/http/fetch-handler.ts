import { BodyCollector, checkBodyHeaders, DRAIN_LIMIT, isDrainable, readTimeoutOption } from './collect-body.js'
import type { CallbackResponse } from '../envelope.js'
import { RoomhooksError } from '../errors.js'
import { closingConnection, methodNotAllowed, notFound, toFetchResponse } from './http-edge.js'
import type { RoomWebhooks } from '../webhooks.js'

/** A web-standard request handler: Hono, Next.js route handlers, Bun, Deno, Cloudflare Workers. */
export type FetchHandler = (request: Request) => Promise<Response>

/** Options of {@link createFetchHandler}. */
export interface FetchHandlerOptions {
  /** Only requests to this path are callbacks; others get 404. Leave it out when the framework routes. */
  readonly path?: string
  /** How long the body may take to arrive, in ms (408 after it). Default 5000. */
  readonly readTimeout?: number
}

const UNREAD = 0
const READING = 1
const READ = 2

/**
 * Receives callbacks as web-standard `Request`s and answers `Response`s, for runtimes without node:http.
 *
 * @example
 * app.post('/tencent/callback', (c) => handler(c.req.raw))      // Hono
 * export const POST = createFetchHandler(hooks)                   // Next.js route handler
 */
export function createFetchHandler(hooks: RoomWebhooks, options: FetchHandlerOptions = {}): FetchHandler {
  const { path } = options
  const readTimeout = readTimeoutOption(options.readTimeout)

  return async (request) => {
    const url = new URL(request.url)
    if (path !== undefined && url.pathname !== path) {
      return toFetchResponse(await settleUnread(request, notFound(), readTimeout, true))
    }
    if (request.method !== 'POST') {
      return toFetchResponse(await settleUnread(request, methodNotAllowed(), readTimeout, true))
    }
    let state = UNREAD
    const answer = await hooks.receive({
      query: url.search,
      body: async (limit) => {
        state = READING
        const body = await readFetchBody(request, limit, readTimeout)
        state = READ
        return body
      },
    })
    if (state === READ) return toFetchResponse(answer)
    // Refused before the body was read (403, 401): drain it when small. Refused while reading it (408, 413,
    // 415): stop the upload.
    return toFetchResponse(await settleUnread(request, answer, readTimeout, state === UNREAD))
  }
}

/** Reads a web-standard body, never holding more than `limit` bytes nor waiting longer than `timeout` ms. */
function readFetchBody(request: Request, limit: number, timeout: number): Promise<Uint8Array> {
  checkBodyHeaders(request.headers.get('content-length'), request.headers.get('content-encoding'), limit)
  if (request.body === null) return Promise.resolve(new Uint8Array())
  return collectStream(request.body, limit, timeout, true)
}

function collectStream(
  body: ReadableStream<Uint8Array>,
  limit: number,
  timeout: number,
  keep: boolean,
): Promise<Uint8Array> {
  const reader = body.getReader()
  return new Promise((resolve, reject) => {
    const collector = new BodyCollector(limit, timeout, keep, (error) => {
      if (error === undefined) {
        resolve(collector.bytes())
        return
      }
      // Stop the source: nothing more of this body is wanted (a pending read then ends).
      reader.cancel().catch(() => {})
      reject(error)
    })
    void pump(reader, collector)
  })
}

async function pump(reader: ReadableStreamDefaultReader<Uint8Array>, collector: BodyCollector): Promise<void> {
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        collector.end()
        return
      }
      if (!collector.add(value)) return
    }
  } catch (error) {
    collector.fail(new RoomhooksError('INCOMPLETE_BODY', 'The body could not be read', { cause: error }))
  }
}

/**
 * An answer given without the whole body read. A small body (declared Content-Length within the drain limit) is
 * read and dropped within the read timeout, so the connection can serve the next request. Any other is cancelled
 * unread, and the answer asks to close the connection: cancelling ends the upload where the runtime passes it on
 * to the socket; the close ends it on node:http-based servers such as @hono/node-server, which do not.
 */
async function settleUnread(
  request: Request,
  answer: CallbackResponse,
  readTimeout: number,
  mayDrain: boolean,
): Promise<CallbackResponse> {
  const body = request.body
  if (body === null) return answer
  if (!body.locked) {
    if (mayDrain && isDrainable(request.headers.get('content-length'), request.headers.get('transfer-encoding'))) {
      try {
        await collectStream(body, DRAIN_LIMIT, readTimeout, false)
        return answer
      } catch {
        // too slow: the stream was cancelled
        return closingConnection(answer)
      }
    }
    body.cancel().catch(() => {})
  }
  return closingConnection(answer)
}
