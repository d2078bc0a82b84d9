import type { IncomingMessage, ServerResponse } from 'node:http'
import { notFound } from './http-edge.js'
import { sendNodeResponse } from './send-node-response.js'
import { createNodeReceiver, type NodeReceiverOptions } from './node-receiver.js'
import type { RoomWebhooks } from '../webhooks.js'

/** A node:http request listener that also works as Connect-style middleware. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: () => void) => void

/**
 * A plain node:http handler for callbacks. With a `path`, other requests go to `next` when given, or get 404.
 * Without one it answers every request as a server, and as middleware (with `next`) takes only requests that
 * look like callbacks (`SdkAppid` or `CallbackCommand` in the query string), passing the others to `next`.
 *
 * @example
 * http.createServer(createNodeHandler(hooks, { path: '/tencent/callback' })).listen(3000)
 */
export function createNodeHandler(hooks: RoomWebhooks, options: NodeReceiverOptions = {}): NodeHandler {
  const receiver = createNodeReceiver(hooks, options)
  const routes = options.path !== undefined
  return (request, response, next) => {
    if ((routes || next !== undefined) && !receiver.matches(request)) {
      if (next) next()
      else void receiver.refuse(request, notFound()).then((answer) => sendNodeResponse(response, answer))
      return
    }
    void receiver.receive(request).then((answer) => sendNodeResponse(response, answer))
  }
}
