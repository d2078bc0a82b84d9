import type { RoomWebhooks } from '@roomhooks/core'
import { createFetchHandler, notFound, type InspectorClient } from './fetch-handler.js'
import { LiveStreams } from './live.js'
import { createNodeHandler, passOn, type NodeHandler } from './node-handler.js'
import { resolveOptions, type InspectorOptions } from './options.js'
import { Recorder } from './recorder.js'
import { replayEntry } from './replay.js'
import { followRooms } from './rooms.js'
import type { RouteState } from './routes.js'

/** A live page of every callback a receiver handles. Create it with {@link createInspector}. */
export interface Inspector {
  /**
   * Serves the page and its API under `path`, for `node:http`, Express and Connect; any other request goes to
   * `next()`, or is answered 404 without it. `next` is called before `handler` returns, which is what a Koa or
   * Fastify recipe needs to tell the two apart (docs/inspector.md).
   */
  readonly handler: NodeHandler
  /** The same for web-standard runtimes: a request not under `path` is answered 404. */
  readonly fetch: (request: Request, client?: InspectorClient) => Promise<Response>
  /** Ends every live connection and stops recording. */
  readonly close: () => void
  /** How many live connections (pages, event streams) are open now. */
  readonly connections: number
}

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
    replay: (id) => replayEntry(hooks, recorder, id),
  }
  const stopRooms = settings.presence === undefined ? undefined : followRooms(settings.presence, live)

  return {
    handler: createNodeHandler(state, live),
    fetch: createFetchHandler(state, live),
    close: () => {
      hooks.removeObserver(recorder.observer)
      recorder.close()
      stopRooms?.()
      live.close()
    },
    get connections() {
      return live.size
    },
  }
}

function disabledInspector(): Inspector {
  return {
    handler: (_req, res, next) => passOn(res, next),
    fetch: () => Promise.resolve(notFound()),
    close: () => {},
    connections: 0,
  }
}
