// Type-checked as CommonJS: proves `require()` consumers get the packages' declarations.
import core = require('@roomhooks/core')
import express = require('@roomhooks/express')
import koa = require('@roomhooks/koa')

const hooks = core.createRoomWebhooks({ sdkAppId: 1400000000 })
hooks.on('room.created', (event) => void (event.payload.RoomInfo.RoomId satisfies string))
export = [express.createExpressMiddleware(hooks), koa.createKoaMiddleware(hooks), core.signCallback('t', 1)]
