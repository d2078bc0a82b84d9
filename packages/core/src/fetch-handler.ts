import { errorResponse, serializeEnvelope, type CallbackResponse } from './envelope.js'
import { RoomhooksError } from './errors.js'
import { bodyTooLarge } from './parse-body.js'
import { checkBodyHeaders } from './read-body.js'
import type { RoomWebhooks } from './webhooks.js'

/** A web-standard request handler: Hono, Next.js route handlers, Bun, Deno, Cloudflare Workers. */
export type FetchHandler = (request: Request) => Promise<Response>

/** Options of {@link createFetchHandler}. */
export interface FetchHandlerOptions {
  /** Only requests to this path are callbacks; others get 404. Leave it out when the framework routes. */
  readonly path?: string
}

/**
 * Receives callbacks as web-standard `Request`s and answers `Response`s, for runtimes without node:http.
 *
 * @example
 * app.post('/tencent/callback', (c) => handler(c.req.raw))      // Hono
 * export const POST = createFetchHandler(hooks)                   // Next.js route handler
 */
export function createFetchHandler(hooks: RoomWebhooks, options: FetchHandlerOptions = {}): FetchHandler {
  return async (request) => {
    const url = new URL(request.url)
    if (options.path !== undefined && url.pathname !== options.path) {
      return toResponse(errorResponse(new RoomhooksError('NOT_FOUND', 'Not the callback path')))
    }
    if (request.method !== 'POST') {
      const refusal = errorResponse(new RoomhooksError('METHOD_NOT_ALLOWED', 'Callbacks must be sent with POST'))
      return toResponse({ ...refusal, headers: { allow: 'POST' } })
    }
    return toResponse(await hooks.receive({ query: url.search, body: (limit) => readFetchBody(request, limit) }))
  }
}

/** Reads a web-standard body, never holding more than `limit` bytes. */
async function readFetchBody(request: Request, limit: number): Promise<Uint8Array> {
  checkBodyHeaders(request.headers.get('content-length'), request.headers.get('content-encoding'), limit)
  if (request.body === null) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw bodyTooLarge(limit)
    }
    chunks.push(value)
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size)
}

function toResponse(answer: CallbackResponse): Response {
  return new Response(serializeEnvelope(answer.body), {
    status: answer.status,
    headers: { ...answer.headers, 'content-type': 'application/json; charset=utf-8' },
  })
}
