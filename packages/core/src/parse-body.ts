import { RoomhooksError } from './errors.js'
import { parseJsonLosslessly } from './lossless-json.js'

/** A body as the receiver may get it: raw text or bytes, or an object a body parser already made. */
export type BodyInput = string | Uint8Array | object | null | undefined

const BOM = 0xfeff
const BLANK = /^\s*$/

/**
 * Turns a callback body into a plain object: bytes are read as UTF-8 (a BOM is dropped), text is parsed without
 * losing large user IDs, and an already-parsed object is taken as it is. Throws a {@link RoomhooksError} (400 or
 * 413) saying what is wrong.
 */
export function parseCallbackBody(body: BodyInput, limit: number): Record<string, unknown> {
  if (body === null || body === undefined) throw new RoomhooksError('EMPTY_BODY', 'The request has no body')
  if (body instanceof Uint8Array) {
    if (body.byteLength > limit) throw bodyTooLarge(limit)
    return parseText(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
  }
  if (typeof body === 'string') {
    if (body.length > limit / 3 && Buffer.byteLength(body) > limit) throw bodyTooLarge(limit)
    return parseText(body)
  }
  return asObject(body)
}

/** The 413 error, shared with the stream reader so both say the same. */
export function bodyTooLarge(limit: number): RoomhooksError {
  return new RoomhooksError('BODY_TOO_LARGE', `The body is larger than ${limit} bytes`)
}

function parseText(raw: string): Record<string, unknown> {
  const text = raw.charCodeAt(0) === BOM ? raw.slice(1) : raw
  let value: unknown
  try {
    value = parseJsonLosslessly(text)
  } catch (error) {
    if (BLANK.test(text)) throw new RoomhooksError('EMPTY_BODY', 'The request body is empty')
    const reason = error instanceof SyntaxError ? `: ${error.message.slice(0, 120)}` : ''
    throw new RoomhooksError('INVALID_JSON', `The body is not valid JSON${reason}`, { cause: error })
  }
  return asObject(value)
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RoomhooksError('NOT_AN_OBJECT', `The body must be a JSON object, not ${describe(value)}`)
  }
  return value as Record<string, unknown>
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}
