import type { IncomingMessage, ServerResponse } from 'node:http'
import { isLoopbackAddress, type ClientPlace } from './access.js'
import { MAX_BACKLOG, STREAM_HEADERS, type LiveStreams } from './live.js'
import { NOT_INSPECTOR, owns, route, type InspectorResponse, type RouteState } from './routes.js'

/** A node:http request listener that is also Connect-style middleware. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void

/**
 * The inspector for node:http, Express and Connect: answers what is under its path, hands anything else to `next`
 * (synchronously, before returning) or answers it 404.
 */
export function createNodeHandler(state: RouteState, live: LiveStreams): NodeHandler {
  return (req, res, next) => {
    const url = urlOf(req)
    if (!owns(state.path, url)) {
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
      else openStream(live, req, res)
    }
    try {
      const response = route(state, { method: req.method ?? 'GET', url, client, header })
      if (response instanceof Promise) response.then(answer, () => failNode(res))
      else answer(response)
    } catch {
      failNode(res)
    }
  }
}

/** The request's URL as the app received it: Express's `originalUrl` when mounted below a path. */
function urlOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
}

/** Hands a request that is not the inspector's to `next`, or answers it 404 without one. */
export function passOn(res: ServerResponse, next: ((error?: unknown) => void) | undefined): void {
  if (next !== undefined) next()
  else writeNode(res, NOT_INSPECTOR, false)
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
      headers: NOT_INSPECTOR.headers,
      body: JSON.stringify({ error: '[@roomhooks/inspector] The inspector failed to answer' }),
    },
    false,
  )
}

/** Opens the live stream on a response; forgotten when the response closes, whoever closes it. */
function openStream(live: LiveStreams, req: IncomingMessage, res: ServerResponse): void {
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
