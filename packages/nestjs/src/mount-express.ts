import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RoomWebhooks } from '@roomhooks/core'
import { createNodeReceiver, sendNodeResponse } from '@roomhooks/core/adapter'
import type { RoomhooksRouteOptions } from './module-options.js'

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void

/** What this file uses of an Express 4 or 5 application (the instance under Nest's ExpressAdapter). */
interface ExpressApp {
  use(middleware: Middleware): unknown
  /** Express 4's router, made on first use. */
  readonly _router?: { readonly stack: unknown[] }
  /** Express 5's router (in Express 4, a getter that throws). */
  readonly router?: { readonly stack: unknown[] }
}

/**
 * Receives callbacks on the Express application under Nest, ahead of everything else in its router: Nest's body
 * parsers, the application's own middleware (`app.use()`, `configure(consumer)`), its routes. Any of them may read the
 * body first: parsed, an 18-digit user ID has lost its last digits, and a malformed body is answered by Nest's error
 * handler, not with the envelope. Which of them read bodies cannot be told (names do not survive a minifier, and Nest
 * wraps the middleware of `configure(consumer)` in functions of its own), so the receiver's layer is moved to the
 * head of the router's stack by position, in `app.init()`, when all of them are in it; the routes and middleware an
 * application adds later come after it anyway. The receiver reads the raw body itself, whatever `bodyParser` and
 * `rawBody` say, and passes every other request on untouched. Being no controller, the route has none of Nest's
 * guards, interceptors, pipes or exception filters: the platform is not a user, and its answers are the envelope.
 */
export function mountOnExpress(app: ExpressApp, hooks: RoomWebhooks, options: RoomhooksRouteOptions): void {
  const { path, readTimeout } = options
  const receiver = createNodeReceiver(hooks, readTimeout === undefined ? { path } : { path, readTimeout })
  const roomhooksReceiver: Middleware = (request, response, next) => {
    if (!receiver.matches(request)) {
      next()
      return
    }
    receiver.receive(request).then((answer) => sendNodeResponse(response, answer), next)
  }
  app.use(roomhooksReceiver)
  const stack = (app._router ?? app.router)?.stack
  if (stack === undefined) {
    throw new Error(
      '[@roomhooks/nestjs] RoomhooksModule found no router on the Express application to put the callback route first in: use Express 4 or 5 (@nestjs/platform-express 10 to 12).',
    )
  }
  // app.use() appended it: the last layer.
  stack.unshift(stack.pop())
}
