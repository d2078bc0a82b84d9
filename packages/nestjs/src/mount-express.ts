import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RoomWebhooks } from '@roomhooks/core'
import { createNodeReceiver, sendNodeResponse } from '@roomhooks/core/adapter'
import type { RoomhooksRouteOptions } from './module-options.js'

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void

/** What this file uses of an Express 4 or 5 application (the instance under Nest's ExpressAdapter). */
interface ExpressApp {
  use(middleware: Middleware): unknown
  /** Express 4's router, made on first use. */
  readonly _router?: { readonly stack: Layer[] }
  /** Express 5's router (in Express 4, a getter that throws). */
  readonly router?: { readonly stack: Layer[] }
}

interface Layer {
  readonly handle?: { readonly name?: string }
}

/**
 * body-parser's middlewares by name, as Nest's ExpressAdapter finds them too (`isMiddlewareApplied()`): those Nest
 * registers in `app.init()`, and those an app adds itself (`express.json()`, `app.useBodyParser('text')`, …).
 */
const BODY_PARSERS = new Set(['jsonParser', 'urlencodedParser', 'textParser', 'rawParser'])

/**
 * Receives callbacks on the Express application under Nest. Nest registers its body parsers in `app.init()`,
 * before any module's hook runs, and they would read the body first: parsed, an 18-digit user ID has lost its last
 * digits, and a malformed body is answered by Nest's error handler, not with the envelope. So the receiver is
 * placed in Express's stack just before the first body parser (after the app's own `app.use()` middleware, such as
 * CORS or a request logger), and reads the raw body itself, whatever `bodyParser` and `rawBody` say. The
 * application's other routes keep their parsers. Being no controller, the route has none of Nest's guards,
 * interceptors, pipes or exception filters: the platform is not a user, and its answers are the envelope.
 */
export function mountOnExpress(app: ExpressApp, hooks: RoomWebhooks, options: RoomhooksRouteOptions): void {
  const { path, readTimeout } = options
  const receiver = createNodeReceiver(hooks, readTimeout === undefined ? { path } : { path, readTimeout })
  const roomhooksReceiver: Middleware = (request, response, next) => {
    if (!receiver.matches(request)) {
      next()
      return
    }
    // A middleware the application placed before this one may have read the body all the same (and kept it as
    // req.rawBody, or parsed it into req.body): the receiver takes what it left, or reads the stream itself.
    const { rawBody, body } = request as { rawBody?: unknown; body?: unknown }
    receiver.receive(request, { rawBody, parsedBody: body }).then((answer) => sendNodeResponse(response, answer), next)
  }
  app.use(roomhooksReceiver)
  const stack = (app._router ?? app.router)?.stack
  if (stack === undefined) return
  const parser = stack.findIndex((layer) => BODY_PARSERS.has(layer.handle?.name ?? ''))
  const own = stack.findIndex((layer) => layer.handle === roomhooksReceiver)
  if (parser === -1 || own < parser) return
  const [layer] = stack.splice(own, 1)
  stack.splice(parser, 0, layer!)
}
