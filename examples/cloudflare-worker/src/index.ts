// A Cloudflare Worker: `npx wrangler dev`, then `npx wrangler deploy`. wrangler.toml sets no compatibility flags.
import { createFetchHandler, createRoomWebhooks, type FetchHandler, type WaitUntilContext } from '@roomhooks/core'

/** The Worker's bindings: SDKAPPID from wrangler.toml's [vars], CALLBACK_TOKEN a secret. */
interface Env {
  readonly SDKAPPID: string
  readonly CALLBACK_TOKEN?: string
  /** Gifts worth more coins than this are refused. */
  readonly MAX_COINS?: string
}

function createReceiver(env: Env): FetchHandler {
  const maxCoins = Number(env.MAX_COINS ?? 500)
  const hooks = createRoomWebhooks({ sdkAppId: env.SDKAPPID, token: env.CALLBACK_TOKEN || undefined })
    .on('room.created', (event) => console.log(`room ${event.payload.RoomInfo.RoomId} created`))
    .on('gift.beforeSend', (event) =>
      event.payload.GiftWater.Coins > maxCoins ? event.reject(`Gifts are limited to ${maxCoins} coins`) : event.allow(),
    )
    .onError((error) => console.log(`refused or failed: ${error.message}`))
  return createFetchHandler(hooks, { path: '/tencent/callback' })
}

// A Worker gets its bindings with each request, so the receiver is made on the first one and kept for the life of
// the isolate. The context goes to the handler: a handler still running at handlerTimeout is answered without and
// kept alive through ctx.waitUntil() until it finishes.
let receive: FetchHandler | undefined

export default {
  fetch(request: Request, env: Env, ctx: WaitUntilContext): Promise<Response> {
    receive ??= createReceiver(env)
    return receive(request, ctx)
  },
}
