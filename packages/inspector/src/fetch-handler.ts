import { isLoopbackAddress, type ClientPlace } from './access.js'
import { MAX_BACKLOG, STREAM_HEADERS, type LiveStreams } from './live.js'
import { NOT_INSPECTOR, owns, route, type RouteState } from './routes.js'

/** What the fetch handler may be told of the client, which a `Request` does not carry. */
export interface InspectorClient {
  /**
   * The client's IP address, from the runtime (Deno's `info.remoteAddr.hostname`, Bun's `server.requestIP(req)`,
   * `@hono/node-server`'s `c.env.incoming.socket.remoteAddress`). Without it and without a token, the fetch handler
   * answers 403, since it cannot tell this machine from another.
   */
  readonly remoteAddress?: string | undefined
}

/** The inspector for web-standard runtimes: `Request` in, `Response` out; 404 outside its path. */
export function createFetchHandler(
  state: RouteState,
  live: LiveStreams,
): (request: Request, client?: InspectorClient) => Promise<Response> {
  return async (request, client) => {
    const url = new URL(request.url)
    const pathAndQuery = `${url.pathname}${url.search}`
    if (!owns(state.path, pathAndQuery)) return notFound()
    const address = client?.remoteAddress
    const place: ClientPlace = address === undefined ? 'unknown' : isLoopbackAddress(address) ? 'loopback' : 'remote'
    // A Request made by hand may carry no Host header: its URL names the host.
    const header = (name: string) => request.headers.get(name) ?? (name === 'host' ? url.host : undefined)
    const response = await route(state, { method: request.method, url: pathAndQuery, client: place, header })
    const head = request.method === 'HEAD'
    if (response === 'events') return head ? new Response(null, { headers: STREAM_HEADERS }) : stream(live, request)
    return new Response(head ? null : response.body, { status: response.status, headers: response.headers })
  }
}

/** The answer to a request that is not the inspector's, or to any request while it is disabled. */
export function notFound(): Response {
  return new Response(NOT_INSPECTOR.body, { status: NOT_INSPECTOR.status, headers: NOT_INSPECTOR.headers })
}

/** The live stream as a Response body; forgotten when the client cancels it or the request is aborted. */
function stream(live: LiveStreams, request: Request): Response {
  const encoder = new TextEncoder()
  let forget = () => {}
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let ended = false
        const end = () => {
          if (ended) return
          ended = true
          forget()
          try {
            controller.close()
          } catch {
            // already closed by the client
          }
        }
        forget = live.open({
          write: (chunk) => {
            if (ended) return false
            controller.enqueue(encoder.encode(chunk))
            return (controller.desiredSize ?? 0) > -MAX_BACKLOG
          },
          end,
        })
        request.signal?.addEventListener('abort', end, { once: true })
      },
      cancel() {
        forget()
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  )
  return new Response(body, { status: 200, headers: STREAM_HEADERS })
}
