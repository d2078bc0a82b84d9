// Type-checked against Fastify 4's declarations (see tsconfig.json here): the plugin registers on a Fastify 4 app.
import fastify, { type FastifyInstance } from 'fastify'
import { createRoomWebhooks } from '@roomhooks/core'
import roomhooks, { roomhooks as namedRoomhooks, type RoomhooksPluginOptions } from '@roomhooks/fastify'

const hooks = createRoomWebhooks({ sdkAppId: 1400000000 })
const options: RoomhooksPluginOptions = { hooks, path: '/tencent/callback', readTimeout: 1000 }

export async function start(): Promise<FastifyInstance> {
  const app = fastify({ logger: true })
  await app.register(roomhooks, options)
  await app.register(namedRoomhooks, { hooks, prefix: '/live', path: '/callback' })
  // @ts-expect-error -- hooks is required
  await app.register(roomhooks, { path: '/tencent/callback' })
  return app
}
