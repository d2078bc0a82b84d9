// Type-checked as an ES module: proves `import` consumers get the packages' declarations.
import { createRoomWebhooks, signCallback } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'

const hooks = createRoomWebhooks({ sdkAppId: 1400000000 })
hooks.on('room.created', (event) => void (event.payload.RoomInfo.RoomId satisfies string))
export const handlers = [createExpressMiddleware(hooks), createKoaMiddleware(hooks), signCallback('t', 1)]
