// A Cloudflare Worker module whose onError keeps a refused body, as docs/nothing-lost.md shows: an async write
// (here 200 ms) after the 400 answer. GET /kept lists the commands whose body was kept. The Worker passes its
// arguments on to the fetch handler.
import { createFetchHandler, createRoomWebhooks, ValidationError } from '@roomhooks/core'

const kept: string[] = []
const hooks = createRoomWebhooks({ sdkAppId: 1400000000, log: { warn() {}, error() {} } }).onError(async (error) => {
  if (!(error instanceof ValidationError)) return
  await new Promise((resolve) => setTimeout(resolve, 200))
  kept.push(error.command)
})
const receive = createFetchHandler(hooks)

export default {
  fetch(request: Request, env: unknown, ctx: unknown): Promise<Response> {
    if (new URL(request.url).pathname === '/kept') return Promise.resolve(Response.json(kept))
    return receive(request, env, ctx)
  },
}
