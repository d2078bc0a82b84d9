import type { IncomingMessage } from 'node:http'
import { RoomhooksError } from './errors.js'
import { bodyTooLarge } from './parse-body.js'

/**
 * Reads a request body, never holding more than `limit` bytes: a declared Content-Length over the limit is
 * refused before reading, a stream that grows past it is dropped, and a body that has not fully arrived within
 * `timeout` ms (a slow drip) is refused with 408.
 */
export async function readRequestBody(request: IncomingMessage, limit: number, timeout: number): Promise<Buffer> {
  checkBodyHeaders(request.headers['content-length'], request.headers['content-encoding'], limit)

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const timer = setTimeout(() => {
      finish(new RoomhooksError('BODY_TIMEOUT', `The body did not arrive within ${timeout} ms`))
    }, timeout)

    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) finish(bodyTooLarge(limit))
      else chunks.push(chunk)
    }
    const onEnd = (): void => finish(undefined)
    const onClose = (): void => {
      if (!request.complete) finish(new RoomhooksError('INCOMPLETE_BODY', 'The connection closed before the body was complete'))
    }
    const onError = (error: Error): void => {
      finish(new RoomhooksError('INCOMPLETE_BODY', 'The body could not be read', { cause: error }))
    }

    function finish(error: RoomhooksError | undefined): void {
      clearTimeout(timer)
      request.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError)
      if (error === undefined) {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))
        return
      }
      chunks.length = 0
      // Whatever is still coming is discarded; the answer closes the connection (see node-receiver.ts).
      request.resume()
      reject(error)
    }

    request.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError)
  })
}

/**
 * Refuses a body from its headers alone, before any of it is read: a declared size over the limit (413), or a
 * compressed body (415; the platform sends plain JSON).
 */
export function checkBodyHeaders(contentLength: string | null | undefined, contentEncoding: string | null | undefined, limit: number): void {
  if (contentLength != null && Number(contentLength) > limit) throw bodyTooLarge(limit)
  if (contentEncoding != null && contentEncoding.toLowerCase() !== 'identity') {
    throw new RoomhooksError('UNSUPPORTED_ENCODING', `Content-Encoding ${JSON.stringify(contentEncoding.slice(0, 32))} is not supported`)
  }
}
