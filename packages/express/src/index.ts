/**
 * Express 4 and 5 middleware for roomhooks: {@link createExpressMiddleware}.
 *
 * @module @roomhooks/express
 */
import type { RequestHandler } from 'express'
import type { RoomWebhooks } from '@roomhooks/core'
import { createNodeReceiver, sendNodeResponse, type NodeReceiverOptions } from '@roomhooks/core/adapter'

/** Options of {@link createExpressMiddleware}. */
export type ExpressMiddlewareOptions = NodeReceiverOptions

/**
 * Express 4 and 5 middleware that receives Tencent Cloud Room and Live callbacks. Mount it on a route, or with
 * `app.use()`: on a route it takes every request the route matches; with `app.use()` and a `path`, the requests to
 * that path; with `app.use()` alone, only the requests that look like callbacks (`SdkAppid` or `CallbackCommand`
 * in the query string). Everything else goes to `next()`. Works with
 * or without `express.json()` before it; it reads the raw body itself when nothing did, or takes `req.rawBody`
 * when a parser kept it, which keeps large user IDs exact.
 *
 * @example
 * app.post('/tencent/callback', createExpressMiddleware(hooks))
 */
export function createExpressMiddleware(hooks: RoomWebhooks, options: ExpressMiddlewareOptions = {}): RequestHandler {
  const receiver = createNodeReceiver(hooks, options)
  return (req, res, next) => {
    // Express sets req.route when the middleware was mounted on a route (app.post(path, …)), not with app.use().
    if (!receiver.matches(req, req.route !== undefined)) {
      next()
      return
    }
    const rawBody = (req as { rawBody?: unknown }).rawBody
    receiver.receive(req, { rawBody, parsedBody: req.body }).then((answer) => sendNodeResponse(res, answer), next)
  }
}
