import type { IncomingMessage } from 'node:http'
import { BodyCollector, bodyHeadersRefusal, DRAIN_LIMIT } from './collect-body.js'
import { RoomhooksError } from '../errors.js'

/**
 * Reads a request body, never holding more than `limit` bytes: a declared Content-Length over the limit is
 * refused before reading, a stream that grows past it is dropped, and a body that has not fully arrived within
 * `timeout` ms (a slow drip) is refused with 408.
 */
export function readRequestBody(request: IncomingMessage, limit: number, timeout: number): Promise<Uint8Array> {
  // Not an async function: one returning this promise would cost every callback two more microtask turns.
  const refusal = bodyHeadersRefusal(request.headers['content-length'], request.headers['content-encoding'], limit)
  return refusal === undefined ? collectRequestBody(request, limit, timeout, true) : Promise.reject(refusal)
}

/**
 * Reads and throws away the body of a refused request whose declared size is small, so that the connection can
 * serve the next request; rejects when the body does not arrive in time.
 */
export function drainRequestBody(request: IncomingMessage, timeout: number): Promise<unknown> {
  return collectRequestBody(request, DRAIN_LIMIT, timeout, false)
}

function collectRequestBody(
  request: IncomingMessage,
  limit: number,
  timeout: number,
  keep: boolean,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const collector = new BodyCollector(limit, timeout, keep, (error) => {
      request.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError)
      if (error === undefined) {
        resolve(collector.bytes())
        return
      }
      // Whatever is still coming stays unread: the answer closes the connection (see node-receiver.ts).
      request.pause()
      reject(error)
    })
    const onData = (chunk: Buffer): void => void collector.add(chunk)
    const onEnd = (): void => collector.end()
    const onClose = (): void => {
      if (!request.complete)
        collector.fail(new RoomhooksError('INCOMPLETE_BODY', 'The connection closed before the body was complete'))
    }
    const onError = (error: Error): void => {
      collector.fail(new RoomhooksError('INCOMPLETE_BODY', 'The body could not be read', { cause: error }))
    }
    request.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError)
  })
}
