// Type-checked as an ES module: proves `import` consumers get the packages' declarations.
import { createRoomWebhooks, signCallback } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import roomhooks, { roomhooks as namedRoomhooks, type RoomhooksPluginOptions } from '@roomhooks/fastify'
import fastify from 'fastify'
import { OnRoomEvent, RoomhooksModule, type RoomhooksModuleOptions } from '@roomhooks/nestjs'
import { createPresence, createRedisPresenceStore, type PresenceChange } from '@roomhooks/presence'
import { createInspector, type CallbackSummary } from '@roomhooks/inspector'

const hooks = createRoomWebhooks({ sdkAppId: 1400000000 })
hooks.on('room.created', (event) => void (event.payload.RoomInfo.RoomId satisfies string))
export const handlers = [createExpressMiddleware(hooks), createKoaMiddleware(hooks), signCallback('t', 1)]
const options: RoomhooksPluginOptions = { hooks, path: '/tencent/callback' }
export const app = fastify()
await app.register(roomhooks, options)
await app.register(namedRoomhooks, { hooks, prefix: '/live', path: '/callback' })
// @ts-expect-error -- hooks is required
await app.register(roomhooks, { path: '/tencent/callback' })
const nestOptions: RoomhooksModuleOptions = { sdkAppId: 1400000000, token: 'token', path: '/tencent/callback' }
export const nest = [RoomhooksModule.forRoot(nestOptions), OnRoomEvent(['member.enter', 'member.leave'])]
const presence = createPresence(hooks, { store: createRedisPresenceStore({ connection: { lazyConnect: true } }) })
export const off = presence.onChange((change: PresenceChange) => void (change.userId satisfies string | undefined))
// A presence is what the inspector's Rooms view takes; an environment variable may be undefined.
const inspector = createInspector(hooks, { presence, token: process.env['INSPECTOR_TOKEN'] })
export const inspect = [inspector.handler, inspector.fetch, inspector.close]
export type Listed = CallbackSummary['outcome']
