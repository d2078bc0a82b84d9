import { Hono } from 'hono'
import { createFetchHandler, createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'

export interface AppOptions extends Pick<RoomWebhooksOptions, 'sdkAppId' | 'token'> {
  /** Where the app writes what it received. */
  readonly print?: (line: string) => void
}

/** The callback handlers: what the app does with each event. */
export function createHooks({ sdkAppId, token, print = console.log }: AppOptions): RoomWebhooks {
  return createRoomWebhooks({ sdkAppId, token })
    .on('follow.added', (event) => {
      print(
        `${event.payload.From_Account} followed ${event.payload.FollowList.map((follow) => follow.To_Account).join(', ')}`,
      )
    })
    .on('follow.removed', (event) =>
      print(`${event.payload.From_Account} unfollowed ${event.payload.To_Account.join(', ')}`),
    )
    .onAny((event) => print(`${event.name ?? 'unknown event'} (${event.command})`))
    .onError((error) => print(`refused or failed: ${error.message}`))
}

/** A Hono app: the same code runs on Node.js, Bun, Deno and Cloudflare Workers. */
export function createApp(options: AppOptions, hooks: RoomWebhooks = createHooks(options)): Hono {
  const receive = createFetchHandler(hooks)

  const app = new Hono()
  app.get('/health', (c) => c.text('ok'))
  app.post('/tencent/callback', (c) => receive(c.req.raw))
  return app
}
