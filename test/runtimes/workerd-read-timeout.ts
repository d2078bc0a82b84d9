// A Cloudflare Worker module whose fetch handler gives up on a body after 300 ms (readTimeout): every request's
// read must time out on its own, whichever request of the isolate first read a body.
import { createFetchHandler, createRoomWebhooks } from '@roomhooks/core'

const hooks = createRoomWebhooks({ sdkAppId: 1400000000, log: { warn() {}, error() {} } })
const receive = createFetchHandler(hooks, { readTimeout: 300 })

export default {
  fetch(request: Request, env: unknown, ctx: unknown): Promise<Response> {
    return receive(request, env, ctx)
  },
}
