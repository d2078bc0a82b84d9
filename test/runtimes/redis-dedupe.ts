// A receiver deduplicating with @roomhooks/redis over ioredis (TCP), served by Bun or Deno, whichever runs it:
// prints its URL, then a line for each callback its handler runs.
import { Redis } from 'ioredis'
import { createFetchHandler, createRoomWebhooks, type FetchHandler } from '@roomhooks/core'
import { createRedisDedupeStore } from '@roomhooks/redis'

declare const Bun: { serve(options: { port: number; hostname: string; fetch: FetchHandler }): { url: URL } } | undefined
declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen: (address: { hostname: string; port: number }) => void },
    handler: FetchHandler,
  ): unknown
}

const redis = new Redis({ host: '127.0.0.1', port: Number(process.env['REDIS_PORT']) })
const hooks = createRoomWebhooks({
  sdkAppId: 1400000000,
  dedupe: { store: createRedisDedupeStore(redis) },
}).onAny((event) => console.log(`handled ${event.command}`))
const receive = createFetchHandler(hooks, { path: '/tencent/callback' })

if (typeof Bun !== 'undefined') {
  console.log(`listening on ${Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: receive }).url.origin}`)
} else {
  Deno.serve(
    {
      port: 0,
      hostname: '127.0.0.1',
      onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
    },
    receive,
  )
}
