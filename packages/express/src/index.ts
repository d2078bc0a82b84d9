/**
 * Express 4 and 5 middleware for roomhooks: {@link createExpressMiddleware}.
 *
 * @module @roomhooks/express
 */
import type { RequestHandler } from 'express'
import { createNodeReceiver, sendNodeResponse, type NodeReceiverOptions, type RoomWebhooks } from '@roomhooks/core'

/** Options of {@link createExpressMiddleware}. */
export type ExpressMiddlewareOptions = NodeReceiverOptions

/**
 * Express 4 and 5 middleware that receives Tencent Cloud Room and Live callbacks. Mount it on a route, or with
 * `app.use()` and a `path`. Works with or without `express.json()` before it; it reads the raw body itself when
 * nothing did, which keeps large user IDs exact.
 *
 * @example
 * app.post('/tencent/callback', createExpressMiddleware(hooks))
 */
export function createExpressMiddleware(hooks: RoomWebhooks, options: ExpressMiddlewareOptions = {}): RequestHandler {
  const receiver = createNodeReceiver(hooks, options)
  return (req, res, next) => {
    if (!receiver.matches(req)) {
      next()
      return
    }
    const rawBody = (req as { rawBody?: unknown }).rawBody
    receiver.receive(req, { rawBody, parsedBody: req.body }).then((answer) => sendNodeResponse(res, answer), next)
  }
}
