import { MAX_TIMER } from '../max-timer.js'
import { RoomhooksError } from '../errors.js'
import { bodyTooLarge } from '../intake/parse-body.js'

/**
 * The largest refused body that is drained (read and thrown away) so the connection can serve the next request.
 * A refused body larger than this, of unknown size (chunked), or slower than the read timeout is left unread and
 * the connection is closed. Callbacks are a few kilobytes.
 */
export const DRAIN_LIMIT = 64 * 1024

/**
 * Collects the chunks of one body, for both the node:http and the web-stream readers: it never holds more than
 * `limit` bytes, gives up when the whole body has not arrived within `timeout` ms (a slow drip), and settles
 * once. The reader feeds it with {@link add}, {@link end} and {@link fail}; `settle` is called exactly once, with
 * the error when it failed, after which the reader stops its source. With `keep` false the chunks are counted
 * and dropped: that drains a refused body.
 */
export class BodyCollector {
  readonly #limit: number
  readonly #keep: boolean
  readonly #settle: (error: RoomhooksError | undefined) => void
  readonly #timer: ReturnType<typeof setTimeout>
  #chunks: Uint8Array[] = []
  #size = 0
  #settled = false

  constructor(limit: number, timeout: number, keep: boolean, settle: (error: RoomhooksError | undefined) => void) {
    this.#limit = limit
    this.#keep = keep
    this.#settle = settle
    this.#timer = setTimeout(
      () => this.fail(new RoomhooksError('BODY_TIMEOUT', `The body did not arrive within ${timeout} ms`)),
      timeout,
    )
  }

  /** Takes one chunk; false once collecting is over (the limit was passed, or the body already settled). */
  add(chunk: Uint8Array): boolean {
    if (this.#settled) return false
    this.#size += chunk.byteLength
    if (this.#size > this.#limit) {
      this.fail(bodyTooLarge(this.#limit))
      return false
    }
    if (this.#keep) this.#chunks.push(chunk)
    return true
  }

  /** The body is complete. */
  end(): void {
    if (this.#settled) return
    this.#settled = true
    clearTimeout(this.#timer)
    this.#settle(undefined)
  }

  /** The body cannot be had: what arrived is dropped. */
  fail(error: RoomhooksError): void {
    if (this.#settled) return
    this.#settled = true
    clearTimeout(this.#timer)
    this.#chunks = []
    this.#settle(error)
  }

  /** The bytes collected, once {@link end} was called (empty when `keep` is false). */
  bytes(): Uint8Array {
    const chunks = this.#chunks
    // No chunk kept (a drained body keeps none): empty, whatever size was counted.
    if (chunks.length <= 1) return chunks[0] ?? new Uint8Array(0)
    const bytes = new Uint8Array(this.#size)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    return bytes
  }
}

/**
 * Whether a refused body that nobody read may be drained to keep the connection: its size is declared with
 * Content-Length, and at most {@link DRAIN_LIMIT}. A chunked body, of unknown size, is not.
 */
export function isDrainable(
  contentLength: string | null | undefined,
  transferEncoding: string | null | undefined,
): boolean {
  return transferEncoding == null && contentLength != null && Number(contentLength) <= DRAIN_LIMIT
}

/**
 * Refuses a body from its headers alone, before any of it is read: a declared size over the limit (413), or a
 * compressed body (415; the platform sends plain JSON).
 */
export function checkBodyHeaders(
  contentLength: string | null | undefined,
  contentEncoding: string | null | undefined,
  limit: number,
): void {
  const refusal = bodyHeadersRefusal(contentLength, contentEncoding, limit)
  if (refusal !== undefined) throw refusal
}

/** What {@link checkBodyHeaders} throws, returned instead: undefined when the headers allow reading the body. */
export function bodyHeadersRefusal(
  contentLength: string | null | undefined,
  contentEncoding: string | null | undefined,
  limit: number,
): RoomhooksError | undefined {
  if (contentLength != null && Number(contentLength) > limit) return bodyTooLarge(limit)
  if (contentEncoding != null && contentEncoding.toLowerCase() !== 'identity') {
    return new RoomhooksError(
      'UNSUPPORTED_ENCODING',
      `Content-Encoding ${JSON.stringify(contentEncoding.slice(0, 32))} is not supported`,
    )
  }
  return undefined
}

/** Checks the `readTimeout` option of the node:http and fetch receivers (ms; default 5000). */
export function readTimeoutOption(value: number | undefined): number {
  const readTimeout = value ?? 5000
  if (typeof readTimeout !== 'number' || !(readTimeout > 0) || !(readTimeout <= MAX_TIMER)) {
    throw new TypeError(`[@roomhooks/core] readTimeout must be a positive number of ms, at most ${MAX_TIMER}`)
  }
  return readTimeout
}
