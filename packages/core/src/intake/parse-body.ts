import { quoteClientText, RoomhooksError } from '../errors.js'
import { parseJsonLosslessly } from './lossless-json.js'

/** A body as the receiver may get it: raw text or bytes, or an object a body parser already made. */
export type BodyInput = string | Uint8Array | object | null | undefined

const BOM = 0xfeff
const BLANK = /^\s*$/
// Fatal, so that bytes that are not UTF-8 throw rather than become replacement characters. The BOM is kept, so
// that bytes and text lose it alike, below.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The text of a callback body: bytes are read as UTF-8 (bytes that are not UTF-8 are refused rather than turned
 * into replacement characters) and a BOM is dropped. Undefined for an object a body parser already made. Throws a
 * {@link RoomhooksError} (400 or 413) saying what is wrong.
 */
export function readBodyText(body: BodyInput, limit: number): string | undefined {
  if (body === null || body === undefined) throw new RoomhooksError('EMPTY_BODY', 'The request has no body')
  let text: string
  if (body instanceof Uint8Array) {
    if (body.byteLength > limit) throw bodyTooLarge(limit)
    try {
      text = utf8.decode(body)
    } catch {
      throw new RoomhooksError('INVALID_JSON', 'The body is not valid UTF-8')
    }
  } else if (typeof body === 'string') {
    // Each UTF-16 unit is at most 3 bytes of UTF-8: only a long text needs counting.
    if (body.length > limit / 3 && utf8Length(body) > limit) throw bodyTooLarge(limit)
    text = body
  } else {
    return undefined
  }
  return text.charCodeAt(0) === BOM ? text.slice(1) : text
}

/**
 * Turns a callback body into a plain object: its text (from {@link readBodyText}) is parsed without losing large
 * user IDs, and an object a body parser already made is taken as it is. Throws a {@link RoomhooksError} (400).
 */
export function parseCallbackBody(body: BodyInput, text: string | undefined): Record<string, unknown> {
  return asObject(text === undefined ? body : parseText(text))
}

/** How many bytes of UTF-8 a text is (a lone surrogate counts as the 3 bytes of U+FFFD, as when encoded). */
function utf8Length(text: string): number {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    if (unit < 0x800) length += 1
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 2 // a pair: 2 units, 4 bytes
      i++
    } else length += 2
  }
  return length
}

/** The 413 error, shared with the stream reader so both say the same. */
export function bodyTooLarge(limit: number): RoomhooksError {
  return new RoomhooksError('BODY_TOO_LARGE', `The body is larger than ${limit} bytes`)
}

function parseText(text: string): unknown {
  try {
    return parseJsonLosslessly(text)
  } catch (error) {
    if (BLANK.test(text)) throw new RoomhooksError('EMPTY_BODY', 'The request body is empty')
    // V8's message quotes a piece of the body: quoted again, so that it stays one short line.
    const reason = error instanceof SyntaxError ? `: ${quoteClientText(error.message, 120)}` : ''
    throw new RoomhooksError('INVALID_JSON', `The body is not valid JSON${reason}`, { cause: error })
  }
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
