import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RoomWebhooks } from '@roomhooks/core'
import { runStoredCallback } from '@roomhooks/core/delivery'
import { isLoopbackAddress, type ClientPlace } from './access.js'
import type { CallbackSummary } from './entry.js'
import { LiveStreams } from './live.js'
import { Recorder } from './recorder.js'
import { readRooms, type InspectorPresence } from './rooms.js'
import { owns, route, type InspectorResponse, type RouteState } from './routes.js'

/** Options of {@link createInspector}. */
export interface InspectorOptions {
  /** Where the page and its API are served. Default `/roomhooks`. */
  readonly path?: string | undefined
  /**
   * Whether the inspector serves anything. Default: `process.env.NODE_ENV !== 'production'`, read when it is
   * created. Disabled, it records nothing and passes every request on.
   */
  readonly enabled?: boolean | undefined
  /**
   * A secret the page and its API then require, as `?token=…` or `Authorization: Bearer …` (else 401). Without
   * one, only requests from this machine are answered (else 403): see docs/inspector.md.
   */
  readonly token?: string | undefined
  /** How many callbacks are kept; the oldest go first. Default 500. */
  readonly limit?: number | undefined
  /** A `createPresence()` of `@roomhooks/presence`: adds the Rooms view, updated live. */
  readonly presence?: InspectorPresence | undefined
  /** How much of each payload, raw body and error text is kept, in UTF-8 bytes; the rest is cut and marked. Default 65,536. */
  readonly maxPayloadBytes?: number | undefined
}

/** What the fetch handler may be told of the client, which a `Request` does not carry. */
export interface InspectorClient {
  /**
   * The client's IP address, from the runtime (Deno's `info.remoteAddr.hostname`, Bun's `server.requestIP(req)`,
   * `@hono/node-server`'s `c.env.incoming.socket.remoteAddress`). Without it and without a token, the fetch handler
   * answers 403, since it cannot tell this machine from another.
   */
  readonly remoteAddress?: string | undefined
}

/** A live page of every callback a receiver handles. Create it with {@link createInspector}. */
export interface Inspector {
  /**
   * Serves the page and its API under `path`, for `node:http`, Express and Connect; any other request goes to
   * `next()`, or is answered 404 without it. `next` is called before `handler` returns, which is what a Koa or
   * Fastify recipe needs to tell the two apart (docs/inspector.md).
   */
  readonly handler: (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void
  /** The same for web-standard runtimes: a request not under `path` is answered 404. */
  readonly fetch: (request: Request, client?: InspectorClient) => Promise<Response>
  /** Ends every live connection and stops recording. */
  readonly close: () => void
}

const DEFAULT_PATH = '/roomhooks'
const DEFAULT_LIMIT = 500
const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024
/** How long a replay's handlers may run before the replay counts as late, in ms. */
const REPLAY_TIMEOUT = 10_000
/** A client that lets this much of the stream pile up unread is dropped (it reconnects and reloads the list). */
const MAX_BACKLOG = 1024 * 1024
/** Presence changes come in bursts (a member list): the Rooms view is sent once they settle. */
const ROOMS_DELAY = 100

/**
 * Creates an inspector: a live local page of every callback `hooks` handles (outcome, reason, decision, payload
 * with exact IDs, errors with stacks), with Replay. Off under `NODE_ENV=production` unless `enabled`; without a
 * `token`, answers this machine only; never shows a token or a `Sign`.
 *
 * @example
 * const inspector = createInspector(hooks, { presence })
 * app.use(inspector.handler)            // Express, node:http; web runtimes: inspector.fetch(request)
 * // open http://localhost:3000/roomhooks
 */
export function createInspector(hooks: RoomWebhooks, options: InspectorOptions = {}): Inspector {
  const settings = resolveOptions(options)
  const { path, enabled } = settings
  if (!enabled) return disabledInspector()

  const live = new LiveStreams()
  const recorder = new Recorder(settings, (summary) => live.send('callback', summary))
  hooks.observe(recorder.observer)
  const state: RouteState = {
    path,
    token: settings.token,
    recorder,
    presence: settings.presence,
    replay: (id) => replay(hooks, recorder, id),
  }
  const stopRooms = settings.presence === undefined ? undefined : followRooms(settings.presence, live)

  return {
    handler: (req, res, next) => {
      const url = urlOf(req)
      if (!owns(path, url)) {
        passOn(res, next)
        return
      }
      const client: ClientPlace = isLoopbackAddress(req.socket?.remoteAddress) ? 'loopback' : 'remote'
      const header = (name: string) => {
        const value = req.headers[name]
        return Array.isArray(value) ? value[0] : value
      }
      const head = req.method === 'HEAD'
      const answer = (response: InspectorResponse) => {
        if (response !== 'events') writeNode(res, response, head)
        else if (head) writeNode(res, { status: 200, headers: STREAM_HEADERS, body: '' }, true)
        else openNodeStream(live, req, res)
      }
      try {
        const response = route(state, { method: req.method ?? 'GET', url, client, header })
        if (response instanceof Promise) response.then(answer, () => failNode(res))
        else answer(response)
      } catch {
        failNode(res)
      }
    },

    fetch: async (request, client) => {
      const url = new URL(request.url)
      const pathAndQuery = `${url.pathname}${url.search}`
      if (!owns(path, pathAndQuery)) return notFound()
      const address = client?.remoteAddress
      const place: ClientPlace = address === undefined ? 'unknown' : isLoopbackAddress(address) ? 'loopback' : 'remote'
      const header = (name: string) => request.headers.get(name) ?? (name === 'host' ? url.host : undefined)
      const response = await route(state, { method: request.method, url: pathAndQuery, client: place, header })
      const head = request.method === 'HEAD'
      if (response === 'events')
        return head ? new Response(null, { headers: STREAM_HEADERS }) : fetchStream(live, request)
      return new Response(head ? null : response.body, { status: response.status, headers: response.headers })
    },

    close: () => {
      recorder.close()
      stopRooms?.()
      live.close()
    },
  }
}

interface ResolvedOptions {
  readonly path: string
  readonly enabled: boolean
  readonly token: string | undefined
  readonly limit: number
  readonly maxPayloadBytes: number
  readonly presence: InspectorPresence | undefined
}

function resolveOptions(options: InspectorOptions): ResolvedOptions {
  const path = (options.path ?? DEFAULT_PATH).replace(/\/+$/, '')
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) {
    throw new TypeError(
      `[@roomhooks/inspector] path must be a URL path below the root made of letters, digits and . _ ~ - (such as /roomhooks), not ${JSON.stringify(options.path)}`,
    )
  }
  const limit = options.limit ?? DEFAULT_LIMIT
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`[@roomhooks/inspector] limit must be a whole number of 1 or more, not ${String(limit)}`)
  }
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 256) {
    throw new TypeError(
      `[@roomhooks/inspector] maxPayloadBytes must be a whole number of 256 or more, not ${String(maxPayloadBytes)}`,
    )
  }
  const { token } = options
  if (token !== undefined && (typeof token !== 'string' || token === '')) {
    throw new TypeError(
      '[@roomhooks/inspector] token must be a non-empty string; leave it out to answer this machine only',
    )
  }
  const presence = options.presence
  if (presence !== undefined && typeof presence?.rooms !== 'function') {
    throw new TypeError('[@roomhooks/inspector] presence must be what createPresence() of @roomhooks/presence returns')
  }
  const enabled = options.enabled ?? globalThis.process?.env?.['NODE_ENV'] !== 'production'
  return { path, enabled, token, limit, maxPayloadBytes, presence }
}

function disabledInspector(): Inspector {
  return {
    handler: (_req, res, next) => passOn(res, next),
    fetch: () => Promise.resolve(notFound()),
    close: () => {},
  }
}

async function replay(
  hooks: RoomWebhooks,
  recorder: Recorder,
  id: string,
): Promise<CallbackSummary | { readonly refused: string; readonly status: number }> {
  const prepared = recorder.prepareReplay(id)
  if ('refused' in prepared) return prepared
  // Never rejects: the run's outcome is the new entry's.
  await runStoredCallback(hooks, prepared.stored, { attempt: prepared.attempt, timeout: REPLAY_TIMEOUT })
  return prepared.finish() ?? { refused: 'The inspector was closed while the replay ran', status: 503 }
}

/** Sends the Rooms view to the open streams once a burst of presence changes has settled. */
function followRooms(presence: InspectorPresence, live: LiveStreams): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const send = () => {
    timer = undefined
    if (live.size === 0) return
    // A store that fails now is read again at the next change; the page keeps the last view meanwhile.
    readRooms(presence).then(
      (rooms) => live.send('rooms', { rooms }),
      () => {},
    )
  }
  const stop = presence.onChange(() => {
    if (timer !== undefined) return
    timer = setTimeout(send, ROOMS_DELAY)
    ;(timer as { unref?: () => void }).unref?.()
  })
  return () => {
    if (timer !== undefined) clearTimeout(timer)
    stop()
  }
}

/** The request's URL as the app received it: Express's `originalUrl` when mounted below a path. */
function urlOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
}

function passOn(res: ServerResponse, next: ((error?: unknown) => void) | undefined): void {
  if (next !== undefined) {
    next()
    return
  }
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(NOT_FOUND)
}

const NOT_FOUND = JSON.stringify({ error: 'Not found' })

function notFound(): Response {
  return new Response(NOT_FOUND, {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  })
}

function writeNode(res: ServerResponse, response: Exclude<InspectorResponse, 'events'>, head: boolean): void {
  if (res.headersSent) return
  res.writeHead(response.status, response.headers)
  res.end(head ? undefined : response.body)
}

/** A failure of the inspector itself: answered 500 here, whatever the framework, and never with its detail. */
function failNode(res: ServerResponse): void {
  writeNode(
    res,
    {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify({ error: '[@roomhooks/inspector] The inspector failed to answer' }),
    },
    false,
  )
}

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
}

function openNodeStream(live: LiveStreams, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { ...STREAM_HEADERS, connection: 'keep-alive' })
  res.flushHeaders()
  req.socket?.setKeepAlive?.(true)
  const forget = live.open({
    write: (chunk) => {
      if (res.writableEnded || res.destroyed) return false
      res.write(chunk)
      return res.writableLength < MAX_BACKLOG
    },
    end: () => res.end(),
  })
  res.on('close', forget)
}

function fetchStream(live: LiveStreams, request: Request): Response {
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
