// Type-checked as CommonJS with classic node10 resolution (see tsconfig.json here): proves that every subpath of
// every CommonJS-capable package finds its declarations without "exports".
import { createRoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createNodeReceiver, type NodeReceiver } from '@roomhooks/core/adapter'
import { runStoredCallback, type StoredCallback } from '@roomhooks/core/delivery'
import { createTestCallback, fixtures, signCallback, simulate } from '@roomhooks/core/testing'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import roomhooks, { roomhooks as namedRoomhooks } from '@roomhooks/fastify'
import fastify from 'fastify'
import { createRedisDedupeStore, type RedisCommands } from '@roomhooks/redis'
import { createQueueDelivery, createRoomWorker, type FailedCallback } from '@roomhooks/bullmq'
import { createMemoryPresenceStore, createPresence, type PresenceMember } from '@roomhooks/presence'
import { createInspector, type CallbackDetail } from '@roomhooks/inspector'
import roomCreatedSchema = require('@roomhooks/core/schemas/Room.CallbackAfterCreateRoom.json')
import corePackage = require('@roomhooks/core/package.json')

declare const redis: RedisCommands
declare const stored: StoredCallback
declare const failed: FailedCallback

const options: RoomWebhooksOptions = { sdkAppId: 1400000000, dedupe: { store: createRedisDedupeStore(redis) } }
const hooks = createRoomWebhooks(options)
hooks.on('room.created', (event) => void (event.payload.RoomInfo.RoomId satisfies string))

export async function check(): Promise<unknown[]> {
  const result = await simulate(hooks, 'member.leave', { Reason: 'Kicked' })
  const status: number = result.status
  const callback = createTestCallback('member.enter', { sdkAppId: 1400000000 })
  const receiver: NodeReceiver = createNodeReceiver(hooks, { readTimeout: 1000 })
  const app = fastify()
  await app.register(roomhooks, { hooks })
  await app.register(namedRoomhooks, { hooks, prefix: '/live', path: '/callback' })
  return [
    status,
    callback,
    receiver,
    fixtures,
    signCallback('t', 1),
    createExpressMiddleware(hooks),
    createKoaMiddleware(hooks, { path: '/tencent/callback' }),
    roomCreatedSchema.type,
    corePackage.name,
    createQueueDelivery({ connection: { host: 'localhost' } }).timeout,
    createRoomWorker(hooks, { connection: { host: 'localhost' }, autorun: false }).name,
    runStoredCallback(hooks, stored, { attempt: 1, timeout: 1000 }),
    failed.attempts satisfies number,
    createPresence(hooks, { store: createMemoryPresenceStore({ ttl: 1000 }) }).members('room-1') satisfies Promise<
      PresenceMember[]
    >,
    createInspector(hooks, { enabled: false }).fetch(new Request('http://localhost/roomhooks')),
    null as CallbackDetail | null,
  ]
}
