// Type-checked as CommonJS: proves `require()` consumers get the packages' declarations.
import core = require('@roomhooks/core')
import express = require('@roomhooks/express')
import koa = require('@roomhooks/koa')
import fastifyPlugin = require('@roomhooks/fastify')
import fastify = require('fastify')
import nestjs = require('@roomhooks/nestjs')
import presence = require('@roomhooks/presence')
import inspector = require('@roomhooks/inspector')

const hooks = core.createRoomWebhooks({ sdkAppId: 1400000000 })
hooks.on('room.created', (event) => void (event.payload.RoomInfo.RoomId satisfies string))
const app = fastify.fastify()
void app.register(fastifyPlugin.roomhooks, { hooks, path: '/tencent/callback' })
void app.register(fastifyPlugin.default, { hooks, readTimeout: 1000 })
const nestModule = nestjs.RoomhooksModule.forRoot({ hooks, path: '/tencent/callback' })
const roomState = presence.createPresence(hooks, { store: presence.createMemoryPresenceStore() })
export = [
  express.createExpressMiddleware(hooks),
  koa.createKoaMiddleware(hooks),
  core.signCallback('t', 1),
  app,
  nestModule,
  nestjs.OnRoomEvent('room.created'),
  roomState.count('room-1') satisfies Promise<number>,
  inspector.createInspector(hooks, { presence: roomState }).handler,
]
