// A Cloudflare Worker module whose room.created handler outlives handlerTimeout: the receiver answers without it and
// it goes on running. GET /finished lists the rooms whose handler finished. /without-context calls the fetch handler
// with the request alone, as a Worker that does not pass its arguments on would.
import { createFetchHandler, createRoomWebhooks } from '@roomhooks/core'

const finished: string[] = []
const hooks = createRoomWebhooks({ sdkAppId: 1400000000, handlerTimeout: 20, log: { warn() {}, error() {} } }).on(
  'room.created',
  async (event) => {
    await new Promise((resolve) => setTimeout(resolve, 200))
    finished.push(event.payload.RoomInfo.RoomId)
  },
)
const receive = createFetchHandler(hooks)

export default {
  fetch(request: Request, env: unknown, ctx: unknown): Promise<Response> {
    const { pathname } = new URL(request.url)
    if (pathname === '/finished') return Promise.resolve(Response.json(finished))
    return pathname === '/without-context' ? receive(request) : receive(request, env, ctx)
  },
}
