import { errorResponse, serializeEnvelope, type CallbackResponse } from '../envelope.js'
import { RoomhooksError } from '../errors.js'

// The HTTP answers every transport gives alike, and how one is written as a fetch Response (send-node-response.ts
// writes one to node:http, apart, so that the fetch handler reaches nothing of Node's).

/** The envelope's content type. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/** The answer to a request for another path, where the receiver routes itself. */
export function notFound(): CallbackResponse {
  return errorResponse(new RoomhooksError('NOT_FOUND', 'Not the callback path'))
}

/** The answer to a request that is not a POST. */
export function methodNotAllowed(): CallbackResponse {
  return {
    ...errorResponse(new RoomhooksError('METHOD_NOT_ALLOWED', 'Callbacks must be sent with POST')),
    headers: { allow: 'POST' },
  }
}

/**
 * The answer to a request the web framework failed before the receiver took it (a hook of the app threw, for
 * instance): the framework's status when it is a 4xx or 5xx, 500 otherwise, and the envelope, never the
 * framework's own error body.
 */
export function requestFailed(status: unknown): CallbackResponse {
  const answer = errorResponse(new RoomhooksError('REQUEST_FAILED', 'The request failed before roomhooks received it'))
  const isErrorStatus = typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
  return isErrorStatus ? { ...answer, status } : answer
}

/** The answer to a request pipelined behind one answered with `connection: close`: not processed, never delivered. */
export function notProcessed(): CallbackResponse {
  return closingConnection(
    errorResponse(new RoomhooksError('CONNECTION_CLOSING', 'The connection is closing; the request was not processed')),
  )
}

/** The answer with `connection: close` added: the connection will not serve another request. */
export function closingConnection(answer: CallbackResponse): CallbackResponse {
  return { ...answer, headers: { ...answer.headers, connection: 'close' } }
}

/** An answer as a web-standard `Response`. */
export function toFetchResponse(answer: CallbackResponse): Response {
  return new Response(serializeEnvelope(answer.body), {
    status: answer.status,
    headers: { ...answer.headers, 'content-type': JSON_CONTENT_TYPE },
  })
}
