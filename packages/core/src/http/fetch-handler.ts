import { BodyCollector, checkBodyHeaders, DRAIN_LIMIT, isDrainable, readTimeoutOption } from './collect-body.js'
import type { CallbackResponse } from '../envelope.js'
import { RoomhooksError } from '../errors.js'
import { closingConnection, methodNotAllowed, notFound, toFetchResponse } from './http-edge.js'
import type { RoomWebhooks } from '../webhooks.js'

/**
 * A web-standard request handler: Hono, Next.js route handlers, Bun, Deno, Cloudflare Workers. The platform's own
 * arguments may follow the request, as a Worker's `fetch(request, env, ctx)` gets them: the first with a
 * `waitUntil()` method ({@link WaitUntilContext}) keeps the instance alive for handlers still running after the answer.
 */
export type FetchHandler = (request: Request, ...platform: unknown[]) => Promise<Response>

/**
 * A platform's request context that can keep an instance alive after the answer: Cloudflare's `ExecutionContext`
 * (a Worker's third argument), the context of Netlify's edge functions and of Vercel's and Next.js's middleware.
 */
export interface WaitUntilContext {
  /** Keeps the instance alive until `promise` settles (within the platform's own limit). */
  waitUntil(promise: Promise<unknown>): void
}

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
 * A handler that outlives `handlerTimeout` is answered without and keeps running; where the platform ends work that
 * it was not told of once the answer is sent (Cloudflare Workers, edge functions), pass the handler its context
 * (a Worker's `fetch(request, env, ctx)` does so by itself): it is given `hooks.idle()` through `waitUntil()`.
 *
 * @example
 * app.post('/tencent/callback', (c) => handler(c.req.raw))      // Hono
 * export const POST = createFetchHandler(hooks)                   // Next.js route handler
 * export default { fetch: createFetchHandler(hooks) }             // Cloudflare Worker
 */
export function createFetchHandler(hooks: RoomWebhooks, options: FetchHandlerOptions = {}): FetchHandler {
  const { path } = options
  const readTimeout = readTimeoutOption(options.readTimeout)

  return async (request, ...platform) => {
    const response = await answerRequest(request)
    keepAliveWhileRunning(hooks, platform)
    return response
  }

  async function answerRequest(request: Request): Promise<Response> {
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

/**
 * Tells the platform's context, when one came with the request, to keep the instance alive until the receiver's
 * work is done. A context whose `waitUntil()` throws changes nothing of the answer, which is ready.
 */
function keepAliveWhileRunning(hooks: RoomWebhooks, platform: readonly unknown[]): void {
  if (platform.length === 0) return
  try {
    platform.find(hasWaitUntil)?.waitUntil(hooks.idle())
  } catch {
    // the answer goes out all the same; late handlers then run as long as the platform lets them
  }
}

function hasWaitUntil(value: unknown): value is WaitUntilContext {
  return typeof (value as Partial<WaitUntilContext> | null)?.waitUntil === 'function'
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
