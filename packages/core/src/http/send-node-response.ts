import type { ServerResponse } from 'node:http'
import { serializeEnvelope, type CallbackResponse } from '../envelope.js'
import { JSON_CONTENT_TYPE } from './http-edge.js'

/** Writes an answer to a node:http (or Express) response, unless one was already sent. */
export function sendNodeResponse(response: ServerResponse, answer: CallbackResponse): void {
  if (response.headersSent || response.writableEnded) return
  const json = serializeEnvelope(answer.body)
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(json),
  })
  response.end(json)
}
