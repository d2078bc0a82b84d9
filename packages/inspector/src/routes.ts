import { checkAccess, type ClientPlace } from './access.js'
import type { CallbackSummary } from './entry.js'
import { pageHtml, PAGE_SECURITY_HEADERS } from './page.js'
import type { Recorder } from './recorder.js'
import { readRooms, type InspectorPresence } from './rooms.js'

/** A request as an adapter hands it over: what every runtime can tell. */
export interface InspectorRequest {
  readonly method: string
  /** The path and query string, as in the request line. */
  readonly url: string
  readonly client: ClientPlace
  header(name: string): string | undefined
}

/** An answer to write, or `events`: open an event stream (access was checked). */
export type InspectorResponse =
  { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string } | 'events'

/** What the routes work with. */
export interface RouteState {
  readonly path: string
  readonly token: string | undefined
  readonly recorder: Recorder
  readonly presence: InspectorPresence | undefined
  readonly replay: (id: string) => Promise<CallbackSummary | { readonly refused: string; readonly status: number }>
}

const NO_STORE = { 'cache-control': 'no-store' }
const JSON_HEADERS = {
  ...NO_STORE,
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
}

/** The answer to a request that is not the inspector's: as bare as any 404, saying nothing of the inspector. */
export const NOT_INSPECTOR = {
  status: 404,
  headers: { ...NO_STORE, 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ error: 'Not found' }),
} as const

/** The path of a request URL, or undefined when it is not an origin-form path. */
function pathOf(url: string): string | undefined {
  const end = url.search(/[?#]/)
  const path = end === -1 ? url : url.slice(0, end)
  return path.startsWith('/') ? path : undefined
}

/** Whether a request is the inspector's: its path is `path` or below it. Decided without reading anything else. */
export function owns(path: string, url: string): boolean {
  const requested = pathOf(url)
  return requested !== undefined && (requested === path || requested.startsWith(`${path}/`))
}

/**
 * Answers a request the inspector owns: the page, the JSON API, or `events` for the live stream. All HTTP
 * decisions are made here, once; adapters only read the request and write the answer.
 */
export function route(state: RouteState, request: InspectorRequest): InspectorResponse | Promise<InspectorResponse> {
  const query = queryOf(request.url)
  const access = checkAccess(state.token, {
    method: request.method,
    client: request.client,
    header: (name) => request.header(name),
    queryToken: query.get('token') ?? undefined,
  })
  if (!access.allowed) {
    const challenge = access.status === 401 ? { 'www-authenticate': 'Bearer realm="roomhooks inspector"' } : {}
    return json(access.status, { error: access.error }, challenge)
  }
  const rest = (pathOf(request.url) ?? '').slice(state.path.length)
  const method = request.method === 'HEAD' ? 'GET' : request.method
  if (rest === '' || rest === '/') {
    return method === 'GET'
      ? { status: 200, headers: { ...PAGE_SECURITY_HEADERS, ...NO_STORE }, body: pageHtml(state.path) }
      : notAllowed('GET')
  }
  if (rest === '/api/callbacks') {
    return method === 'GET' ? json(200, { callbacks: state.recorder.list() }) : notAllowed('GET')
  }
  if (rest === '/api/events') return method === 'GET' ? 'events' : notAllowed('GET')
  if (rest === '/api/rooms') return method === 'GET' ? rooms(state.presence) : notAllowed('GET')
  const callback = /^\/api\/callbacks\/([^/]+)(\/replay)?$/.exec(rest)
  if (callback !== null) {
    const id = decoded(callback[1] ?? '')
    if (callback[2] === undefined) {
      if (method !== 'GET') return notAllowed('GET')
      const detail = id === undefined ? undefined : state.recorder.detail(id)
      return detail === undefined ? unknownCallback() : json(200, detail)
    }
    if (method !== 'POST') return notAllowed('POST')
    return id === undefined ? unknownCallback() : replay(state, id)
  }
  return json(404, { error: '[@roomhooks/inspector] Nothing here: the page is at the inspector path itself' })
}

async function replay(state: RouteState, id: string): Promise<InspectorResponse> {
  const result = await state.replay(id)
  if ('refused' in result) return json(result.status, { error: `[@roomhooks/inspector] ${result.refused}` })
  return json(200, { callback: result })
}

async function rooms(presence: InspectorPresence | undefined): Promise<InspectorResponse> {
  if (presence === undefined) return json(404, { error: 'presence not configured' })
  try {
    return json(200, { rooms: await readRooms(presence) })
  } catch {
    return json(503, { error: '[@roomhooks/inspector] The presence store could not be read; try again' })
  }
}

function unknownCallback(): InspectorResponse {
  return json(404, { error: '[@roomhooks/inspector] No such callback: it is unknown or no longer kept' })
}

function notAllowed(allow: string): InspectorResponse {
  return json(405, { error: `[@roomhooks/inspector] Use ${allow} here` }, { allow })
}

function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): InspectorResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) }
}

function queryOf(url: string): URLSearchParams {
  const start = url.indexOf('?')
  if (start === -1) return new URLSearchParams()
  const end = url.indexOf('#', start)
  return new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end))
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}
