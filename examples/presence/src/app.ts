import express from 'express'
import { createRoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createPresence, createRedisPresenceStore, type Presence } from '@roomhooks/presence'

export interface AppOptions extends Pick<RoomWebhooksOptions, 'sdkAppId' | 'token'> {
  /** The Redis the room state lives in, shared with every other instance: `{ host, port }` and so on. */
  readonly redis: { readonly host: string; readonly port: number }
  /** Starts the keys. Default `roomhooks`. */
  readonly prefix?: string
}

export interface PresenceApp {
  readonly app: express.Express
  readonly presence: Presence
  /** Stops following callbacks and quits the Redis connection. */
  close(): Promise<void>
}

/**
 * An Express app that receives callbacks at `/tencent/callback`, keeps who is in each room in Redis, and serves
 * it: `GET /rooms` and `GET /rooms/:id/members`. Several instances behind a load balancer agree, since they share
 * the store.
 */
export function createPresenceApp({ sdkAppId, token, redis, prefix }: AppOptions): PresenceApp {
  const hooks = createRoomWebhooks({ sdkAppId, token })
  // A Redis outage fails within 500 ms (the callback is answered 500 and onError told) instead of waiting past the
  // platform's 2 s; a command sent while the connection opens (the first callback) waits for it.
  const store = createRedisPresenceStore({
    connection: { ...redis, commandTimeout: 500 },
    ...(prefix !== undefined && { prefix }),
  })
  const presence = createPresence(hooks, { store })
  hooks.onError((error) => console.error(`callback refused or failed: ${error.message}`))

  const app = express()
  app.post('/tencent/callback', createExpressMiddleware(hooks))
  app.get('/rooms', async (_req, res) => {
    res.json({ rooms: await presence.rooms() })
  })
  app.get('/rooms/:id/members', async (req, res) => {
    const roomId = req.params.id
    const [members, seats] = await Promise.all([presence.members(roomId), presence.seats(roomId)])
    res.json({ roomId, count: members.length, members, seats })
  })
  // Express 5 passes a rejected handler here: Redis could not be read.
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    console.error(`room state could not be read: ${error instanceof Error ? error.message : String(error)}`)
    res.status(503).json({ error: 'Room state is not available right now; try again shortly' })
  })

  return {
    app,
    presence,
    async close() {
      await presence.close()
      await hooks.close()
      await store.close()
    },
  }
}
