import type { ServerResponse } from 'node:http'
import { okResponse, serializeEnvelope, type CallbackResponse } from '../envelope.js'
import { JSON_CONTENT_TYPE } from './http-edge.js'

// Most callbacks are answered OK: its text and headers are made once, not for every answer. Made as the module
// loads, which a worker's bundle of core's fetch path does too (core's ES build is bundled in chunks): so nothing of
// Node's here, and the text being ASCII, its length is its size in bytes.
const OK_JSON = serializeEnvelope(okResponse.body)
const OK_HEADERS = Object.freeze({ 'content-type': JSON_CONTENT_TYPE, 'content-length': OK_JSON.length })

/** Writes an answer to a node:http (or Express) response, unless one was already sent. */
export function sendNodeResponse(response: ServerResponse, answer: CallbackResponse): void {
  if (response.headersSent || response.writableEnded) return
  if (answer === okResponse) {
    response.writeHead(200, OK_HEADERS)
    response.end(OK_JSON)
    return
  }
  const json = serializeEnvelope(answer.body)
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(json),
  })
  response.end(json)
}
