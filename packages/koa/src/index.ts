/**
 * Koa 2 and 3 middleware for roomhooks: {@link createKoaMiddleware}.
 *
 * @module @roomhooks/koa
 */
import type { Middleware } from 'koa'
import { createNodeReceiver, serializeEnvelope, type NodeReceiverOptions, type RoomWebhooks } from '@roomhooks/core'

/** Options of {@link createKoaMiddleware}. */
export type KoaMiddlewareOptions = NodeReceiverOptions

/**
 * Koa 2 and 3 middleware that receives Tencent Cloud Room and Live callbacks. Mount it on a router route, or with
 * `app.use()` and a `path`. Works with or without `@koa/bodyparser` or `koa-body` before it; it reads the raw
 * body itself when nothing did, which keeps large user IDs exact.
 *
 * @example
 * router.post('/tencent/callback', createKoaMiddleware(hooks))
 */
export function createKoaMiddleware(hooks: RoomWebhooks, options: KoaMiddlewareOptions = {}): Middleware {
  const receiver = createNodeReceiver(hooks, options)
  return async (ctx, next) => {
    if (!receiver.matches(ctx.req)) return next()
    const { rawBody, body } = ctx.request as { rawBody?: unknown; body?: unknown }
    const answer = await receiver.receive(ctx.req, { rawBody, parsedBody: body })
    ctx.status = answer.status
    if (answer.headers !== undefined) ctx.set(answer.headers)
    ctx.type = 'application/json'
    ctx.body = serializeEnvelope(answer.body)
  }
}
