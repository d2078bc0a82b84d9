import express from 'express'
import { createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { instrumentRoomWebhooks } from '@roomhooks/opentelemetry'

export interface AppOptions extends Pick<RoomWebhooksOptions, 'sdkAppId' | 'token'> {
  /** Where the app writes what it received. */
  readonly print?: (line: string) => void
}

/**
 * The callback handlers: what the app does with each event. Instrumented for OpenTelemetry: without an SDK
 * (`npm start`) that records nothing; with one (`npm run start:traced`) every callback is a span and a metric.
 */
export function createHooks({ sdkAppId, token, print = console.log }: AppOptions): RoomWebhooks {
  const hooks = instrumentRoomWebhooks(createRoomWebhooks({ sdkAppId, token }))

  hooks.on('room.created', (event) => {
    const { RoomId, Owner_Account } = event.payload.RoomInfo
    print(`room ${RoomId} created by ${Owner_Account ?? 'unknown'}`)
  })
  hooks.on(['member.enter', 'member.leave'], (event) => {
    print(
      `${event.payload.MemberList_Account.join(', ')} ${event.name === 'member.enter' ? 'entered' : 'left'} ${event.payload.RoomId}`,
    )
  })
  hooks.on('gift.beforeSend', (event) => {
    const { From_Account, Coins } = event.payload.GiftWater
    if (Coins > 500) {
      print(`gift of ${Coins} coins from ${From_Account} rejected`)
      return event.reject('Gifts over 500 coins need approval')
    }
    return event.allow()
  })
  hooks.onAny((event) => print(`${event.name ?? 'unknown event'} (${event.command}) ${JSON.stringify(event.payload)}`))
  hooks.onError((error) => print(`refused or failed: ${error.message}`))
  return hooks
}

/** An Express app with a callback route; the rest of your app lives beside it. */
export function createApp(options: AppOptions, hooks: RoomWebhooks = createHooks(options)): express.Express {
  const app = express()
  app.get('/health', (_req, res) => {
    res.send('ok')
  })
  app.post('/tencent/callback', createExpressMiddleware(hooks))
  return app
}
