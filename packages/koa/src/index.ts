/**
 * Koa 2 and 3 middleware for roomhooks: {@link createKoaMiddleware}.
 *
 * @module @roomhooks/koa
 */
import type { Middleware } from 'koa'
import type { RoomWebhooks } from '@roomhooks/core'
import {
  createNodeReceiver,
  JSON_CONTENT_TYPE,
  serializeEnvelope,
  type NodeReceiverOptions,
} from '@roomhooks/core/adapter'

/** Options of {@link createKoaMiddleware}. */
export type KoaMiddlewareOptions = NodeReceiverOptions

/**
 * Koa 2 and 3 middleware that receives Tencent Cloud Room and Live callbacks. Mount it on a router route, or with
 * `app.use()`: on a router route it takes every request the route matches; with `app.use()` and a `path`, the
 * requests to that path; with `app.use()` alone, only the requests that look like callbacks (`SdkAppid` or
 * `CallbackCommand` in the query string). Everything else goes to `next()`. Works with
 * or without `@koa/bodyparser` or `koa-body` before it; it reads the raw body itself when nothing did, which
 * keeps large user IDs exact.
 *
 * @example
 * router.post('/tencent/callback', createKoaMiddleware(hooks))
 */
export function createKoaMiddleware(hooks: RoomWebhooks, options: KoaMiddlewareOptions = {}): Middleware {
  const receiver = createNodeReceiver(hooks, options)
  return async (ctx, next) => {
    // @koa/router sets _matchedRoute when the middleware runs for one of its routes, not with app.use().
    if (!receiver.matches(ctx.req, (ctx as { _matchedRoute?: unknown })._matchedRoute !== undefined)) {
      await next()
      return
    }
    const { rawBody, body } = ctx.request as { rawBody?: unknown; body?: unknown }
    const answer = await receiver.receive(ctx.req, { rawBody, parsedBody: body })
    ctx.status = answer.status
    if (answer.headers !== undefined) ctx.set(answer.headers)
    ctx.type = JSON_CONTENT_TYPE
    ctx.body = serializeEnvelope(answer.body)
  }
}
