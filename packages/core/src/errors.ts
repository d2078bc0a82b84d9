import type { ValueError } from '@sinclair/typebox/errors'
import type { AnyCallbackEvent } from './types.js'

/**
 * The library's own `ErrorCode` values, with the HTTP status each refusal is answered with.
 * docs/responses.md is generated from this table.
 */
export const errorCodes = {
  EMPTY_BODY: { code: 40001, status: 400, meaning: 'The request has no body.' },
  INVALID_JSON: { code: 40002, status: 400, meaning: 'The body is not valid UTF-8 JSON.' },
  NOT_AN_OBJECT: { code: 40003, status: 400, meaning: 'The body is JSON, but not an object.' },
  MISSING_COMMAND: {
    code: 40004,
    status: 400,
    meaning: 'Neither the query string nor the body names a CallbackCommand.',
  },
  COMMAND_MISMATCH: { code: 40005, status: 400, meaning: 'The query string and the body name different commands.' },
  INVALID_PAYLOAD: {
    code: 40006,
    status: 400,
    meaning: "The body does not match the command's schema; ErrorInfo names the first failing field.",
  },
  BODY_UNAVAILABLE: {
    code: 40007,
    status: 400,
    meaning: 'Another middleware consumed the body stream and left no body behind.',
  },
  INCOMPLETE_BODY: {
    code: 40008,
    status: 400,
    meaning: 'The client closed the connection before the body was complete.',
  },
  INVALID_COMMAND: {
    code: 40009,
    status: 400,
    meaning: 'CallbackCommand is not a command name (letters, digits, dots and underscores, at most 128 characters).',
  },
  MISSING_SIGN: { code: 40101, status: 401, meaning: 'A token is configured and the query string has no Sign.' },
  MISSING_REQUEST_TIME: {
    code: 40102,
    status: 401,
    meaning: 'A token is configured and the query string has no RequestTime.',
  },
  INVALID_REQUEST_TIME: { code: 40103, status: 401, meaning: 'RequestTime is not a whole number of Unix seconds.' },
  STALE_REQUEST_TIME: {
    code: 40104,
    status: 401,
    meaning: "RequestTime is further from the receiver's clock than the window allows.",
  },
  MALFORMED_SIGN: { code: 40105, status: 401, meaning: 'Sign is not 64 hexadecimal characters.' },
  SIGN_MISMATCH: { code: 40106, status: 401, meaning: 'Sign does not match any configured token.' },
  MISSING_SDKAPPID: { code: 40301, status: 403, meaning: 'The query string has no SdkAppid.' },
  UNKNOWN_SDKAPPID: { code: 40302, status: 403, meaning: 'SdkAppid is not one this receiver accepts.' },
  NOT_FOUND: {
    code: 40401,
    status: 404,
    meaning: 'The request path is not the callback path (the node:http and fetch handlers, given a path).',
  },
  METHOD_NOT_ALLOWED: { code: 40501, status: 405, meaning: 'Callbacks are POST requests.' },
  BODY_TIMEOUT: { code: 40801, status: 408, meaning: 'The body did not arrive within the read timeout.' },
  DUPLICATE_IN_PROGRESS: {
    code: 40901,
    status: 409,
    meaning:
      'With dedupe on: the same callback is being handled by an earlier delivery; try again once it has finished.',
  },
  BODY_TOO_LARGE: { code: 41301, status: 413, meaning: 'The body is larger than the configured limit.' },
  UNSUPPORTED_ENCODING: {
    code: 41501,
    status: 415,
    meaning: 'The body is compressed (Content-Encoding); callbacks are plain JSON.',
  },
  UNREADABLE_CALLBACK: {
    code: 42201,
    status: 422,
    meaning:
      'Never answered, only reported by a worker: a stored callback is not one this version can run (a newer format, a before-callback or a command it does not know, or data that is not JSON).',
  },
  HANDLER_FAILED: {
    code: 50001,
    status: 500,
    meaning: 'A handler threw or rejected; details go to onError, never to the caller.',
  },
  REQUEST_FAILED: {
    code: 50002,
    status: 500,
    meaning:
      "The web framework failed the request before roomhooks took it (a hook of the app threw, for instance); answered with the framework's status when it is 4xx or 5xx, and the details go to the framework's log (the Fastify plugin).",
  },
  DEDUPE_FAILED: {
    code: 50301,
    status: 503,
    meaning:
      'Never answered, only reported to onError: the dedupe store failed or was slow, and the callback was handled anyway.',
  },
  SHUTTING_DOWN: {
    code: 50302,
    status: 503,
    meaning: 'The receiver is closing (hooks.close()); the callback was not handled.',
  },
  CONNECTION_CLOSING: {
    code: 50303,
    status: 503,
    meaning:
      'Not processed, never answered: the request was pipelined behind one answered with Connection: close, and the connection closes.',
  },
  DELIVERY_FAILED: {
    code: 50304,
    status: 503,
    meaning:
      'Never answered, only reported to onError: the delivery (a queue) failed or was slow, so the callback was handled in this process; error.callback holds it.',
  },
  QUEUE_ERROR: {
    code: 50305,
    status: 503,
    meaning:
      'Never answered, only reported by a worker: BullMQ or its connection to Redis failed (a lost connection is made again by itself; jobs wait meanwhile).',
  },
  HANDLER_TIMEOUT: {
    code: 50401,
    status: 504,
    meaning:
      "Never answered, only reported to onError: a before-callback's handlers missed the deadline, so the failure decision was sent; or a worker's handlers missed theirs, so the attempt failed.",
  },
} as const

/** Why a callback was refused or failed: a key of {@link errorCodes}. */
export type ErrorReason = keyof typeof errorCodes

const PREFIX = '[@roomhooks/core] '

// Marks roomhooks' errors across copies of this package: an app whose adapter loads core's CommonJS build while its
// receiver came from the ES module build has two RoomhooksError classes, and `instanceof` knows only one.
const BRAND = Symbol.for('@roomhooks/core/error')

/**
 * The one error class of roomhooks. `status` is the HTTP status to answer, `code` the envelope's `ErrorCode`,
 * `info` the text that is safe to send back as `ErrorInfo`.
 */
export class RoomhooksError extends Error {
  override readonly name: string = 'RoomhooksError'
  readonly reason: ErrorReason
  readonly status: number
  readonly code: number
  readonly info: string

  constructor(reason: ErrorReason, info: string, options?: { cause?: unknown }) {
    super(PREFIX + info, options)
    this.reason = reason
    this.status = errorCodes[reason].status
    this.code = errorCodes[reason].code
    this.info = info
  }

  /** @internal */
  get [BRAND](): true {
    return true
  }
}

/** Whether a value is a {@link RoomhooksError}, made by this copy of the package or another. */
export function isRoomhooksError(error: unknown): error is RoomhooksError {
  return error instanceof RoomhooksError || (typeof error === 'object' && error !== null && BRAND in error)
}

/**
 * The body does not match the command's schema: the message names the first issue, `errors` holds them all.
 * Since the platform does not retry after-callbacks, the callback is kept whole on the error: `payload` as parsed
 * (user IDs exact) and `body`, the raw text, so an `onError` handler can store it and send it again later.
 */
export class ValidationError extends RoomhooksError {
  override readonly name = 'ValidationError'
  readonly command: string
  readonly errors: readonly ValueError[]
  /** The parsed body, with the repairs roomhooks could make (user IDs exact). */
  readonly payload: Readonly<Record<string, unknown>>
  /** The body as received, when roomhooks read the raw text (not when a body parser ran first). */
  readonly body: string | undefined

  constructor(
    command: string,
    errors: readonly ValueError[],
    payload: Record<string, unknown>,
    body: string | undefined,
  ) {
    const first = errors[0]
    super(
      'INVALID_PAYLOAD',
      `${command} payload is invalid at ${first?.path || '/'}: ${first?.message ?? 'unknown error'}`,
    )
    this.command = command
    this.errors = errors
    this.payload = payload
    this.body = body
  }
}

/**
 * One or more handlers failed. The caller only ever sees a generic text; `errors` holds what the handlers threw,
 * `event` the event they were handling, and `late` tells whether the answer had already gone at the deadline.
 */
export class HandlerError extends RoomhooksError {
  override readonly name = 'HandlerError'
  readonly errors: readonly unknown[]
  readonly event: AnyCallbackEvent
  readonly late: boolean

  constructor(event: AnyCallbackEvent, errors: readonly unknown[], late: boolean) {
    super('HANDLER_FAILED', `A handler for ${event.command} failed`, { cause: errors[0] })
    this.errors = errors
    this.event = event
    this.late = late
  }
}

/**
 * A value the caller sent, made safe to echo in `ErrorInfo` or a log line: cut to `max` characters and written as a
 * JSON string, so control characters (CR, LF) and line separators cannot forge a log line.
 */
export function quoteClientText(value: string, max = 32): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Told of every failed handler and every refused request. Its own failures are logged, never thrown. */
export type ErrorHandler = (error: RoomhooksError) => unknown

/** Reads any thrown value as a RoomhooksError: unexpected errors become a generic 500 that leaks nothing. */
export function toRoomhooksError(error: unknown): RoomhooksError {
  if (isRoomhooksError(error)) return error
  return new RoomhooksError('HANDLER_FAILED', 'The callback could not be processed', { cause: error })
}
