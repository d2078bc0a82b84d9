import { BodyCollector, checkBodyHeaders, readTimeoutOption } from './collect-body.js'
import { errorResponse, serializeEnvelope, type CallbackResponse } from './envelope.js'
import { RoomhooksError } from './errors.js'
import type { RoomWebhooks } from './webhooks.js'

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
      return toResponse(errorResponse(new RoomhooksError('NOT_FOUND', 'Not the callback path')))
    }
    if (request.method !== 'POST') {
      const refusal = errorResponse(new RoomhooksError('METHOD_NOT_ALLOWED', 'Callbacks must be sent with POST'))
      return toResponse({ ...refusal, headers: { allow: 'POST' } })
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
    if (state !== READING) return toResponse(answer)
    // The body could not be read (408, 413, 415): its stream was cancelled, and the connection is closed.
    return toResponse({ ...answer, headers: { ...answer.headers, connection: 'close' } })
  }
}

/** Reads a web-standard body, never holding more than `limit` bytes nor waiting longer than `timeout` ms. */
function readFetchBody(request: Request, limit: number, timeout: number): Promise<Uint8Array> {
  checkBodyHeaders(request.headers.get('content-length'), request.headers.get('content-encoding'), limit)
  if (request.body === null) return Promise.resolve(new Uint8Array())
  return collectStream(request.body, limit, timeout, true)
}

function collectStream(body: ReadableStream<Uint8Array>, limit: number, timeout: number, keep: boolean): Promise<Buffer> {
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

function toResponse(answer: CallbackResponse): Response {
  return new Response(serializeEnvelope(answer.body), {
    status: answer.status,
    headers: { ...answer.headers, 'content-type': 'application/json; charset=utf-8' },
  })
}
