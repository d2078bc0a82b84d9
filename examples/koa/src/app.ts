import Koa from 'koa'
import Router from '@koa/router'
import { createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createKoaMiddleware } from '@roomhooks/koa'

export interface AppOptions extends Pick<RoomWebhooksOptions, 'sdkAppId' | 'token'> {
  /** Where the app writes what it received. */
  readonly print?: (line: string) => void
}

/** The callback handlers: what the app does with each event. */
export function createHooks({ sdkAppId, token, print = console.log }: AppOptions): RoomWebhooks {
  return createRoomWebhooks({ sdkAppId, token })
    .on('live.destroyed', (event) => {
      print(`live room ${event.payload.RoomId} destroyed (${event.payload.EventType ?? 'no reason given'})`)
    })
    .on('seat.changed', (event) => {
      const taken = event.payload.SeatList.filter((seat) => seat.Member_Account)
      print(`${event.payload.RoomId}: ${taken.map((seat) => `seat ${seat.Index} ${seat.Member_Account}`).join(', ')}`)
    })
    .on('message.beforeSend', (event) => {
      const text = event.payload.MsgBody.map((element) => element.MsgContent['Text'])
        .filter((part) => typeof part === 'string')
        .join(' ')
      return /red packet/i.test(text)
        ? event.allow({ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '🧧' } }] })
        : event.allow()
    })
    .onAny((event) => print(`${event.name ?? 'unknown event'} (${event.command}) ${JSON.stringify(event.payload)}`))
    .onError((error) => print(`refused or failed: ${error.message}`))
}

/** A Koa app whose router has a callback route beside the rest of your routes. */
export function createApp(options: AppOptions, hooks: RoomWebhooks = createHooks(options)): Koa {
  const router = new Router()
  router.get('/health', (ctx) => {
    ctx.body = 'ok'
  })
  router.post('/tencent/callback', createKoaMiddleware(hooks))

  const app = new Koa()
  app.use(router.routes()).use(router.allowedMethods())
  return app
}
