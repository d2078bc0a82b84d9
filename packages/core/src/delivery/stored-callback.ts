import type { ErrorReason } from '../errors.js'

/**
 * A verified callback as a delivery stores it, to be handled later by a worker: plain JSON, versioned. The body is
 * the raw text as received, so that user IDs of 18 digits stay exact when the worker parses it again.
 */
export interface StoredCallback {
  /** The format of this record; readers refuse one they do not know. */
  readonly version: typeof STORED_CALLBACK_VERSION
  readonly command: string
  readonly sdkAppId: number
  readonly clientIp?: string
  readonly platform?: string
  /** When the receiver took the callback, in ms since the epoch. */
  readonly receivedAt: number
  /** The body, as the platform sent it. */
  readonly body: string
  /**
   * What the receiving process's observers stored with it, such as a W3C `traceparent`, so that a worker's trace
   * links to the request's. Absent when nothing observed. Never checked: a callback is run whatever it holds.
   */
  readonly traceContext?: Readonly<Record<string, string>>
  /** Set when the receiver refused the body (answered 400): why, so the record is kept for a replay. */
  readonly refusal?: { readonly reason: ErrorReason; readonly message: string }
}

/** The version of the {@link StoredCallback} format this package writes and reads. */
export const STORED_CALLBACK_VERSION = 1

/**
 * Checks that a value read back from a store is a {@link StoredCallback} this version understands; throws a
 * TypeError saying what is wrong (a record from a newer version of roomhooks, or not a record at all).
 */
export function readStoredCallback(value: unknown): StoredCallback {
  if (value === null || typeof value !== 'object') throw new TypeError('A stored callback must be an object')
  const record = value as Record<string, unknown>
  if (record['version'] !== STORED_CALLBACK_VERSION) {
    throw new TypeError(
      `A stored callback of version ${JSON.stringify(record['version'])} cannot be read by this version of @roomhooks/core, which reads version ${STORED_CALLBACK_VERSION}`,
    )
  }
  const wrong = (
    [
      ['command', 'string'],
      ['sdkAppId', 'number'],
      ['receivedAt', 'number'],
      ['body', 'string'],
    ] as const
  ).find(([field, type]) => typeof record[field] !== type)
  if (wrong !== undefined) throw new TypeError(`A stored callback needs ${wrong[0]} as a ${wrong[1]}`)
  for (const field of ['clientIp', 'platform'] as const) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      throw new TypeError(`A stored callback's ${field} must be a string when present`)
    }
  }
  return record as unknown as StoredCallback
}
