import type { InspectorPresence } from './rooms.js'

/** Options of {@link createInspector}. */
export interface InspectorOptions {
  /** Where the page and its API are served. Default `/roomhooks`. */
  readonly path?: string | undefined
  /**
   * Whether the inspector serves anything. Default: `process.env.NODE_ENV !== 'production'`, read when it is
   * created. Disabled, it records nothing and passes every request on.
   */
  readonly enabled?: boolean | undefined
  /**
   * A secret the page and its API then require, as `?token=…` or `Authorization: Bearer …` (else 401). Without
   * one, only requests from this machine are answered (else 403): see docs/inspector.md.
   */
  readonly token?: string | undefined
  /** How many callbacks are kept; the oldest go first. Default 500. */
  readonly limit?: number | undefined
  /** A `createPresence()` of `@roomhooks/presence`: adds the Rooms view, updated live. */
  readonly presence?: InspectorPresence | undefined
  /** How much of each payload, raw body, answer and error text is kept, in UTF-8 bytes; the rest is cut and marked. Default 65,536. */
  readonly maxPayloadBytes?: number | undefined
}

const DEFAULT_PATH = '/roomhooks'
const DEFAULT_LIMIT = 500
const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024

/** The options with their defaults, checked. */
export interface ResolvedOptions {
  readonly path: string
  readonly enabled: boolean
  readonly token: string | undefined
  readonly limit: number
  readonly maxPayloadBytes: number
  readonly presence: InspectorPresence | undefined
}

/** Checks the options and fills in the defaults; throws a TypeError saying what is wrong. */
export function resolveOptions(options: InspectorOptions): ResolvedOptions {
  const path = (options.path ?? DEFAULT_PATH).replace(/\/+$/, '')
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) {
    throw new TypeError(
      `[@roomhooks/inspector] path must be a URL path below the root made of letters, digits and . _ ~ - (such as /roomhooks), not ${JSON.stringify(options.path)}`,
    )
  }
  const limit = options.limit ?? DEFAULT_LIMIT
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`[@roomhooks/inspector] limit must be a whole number of 1 or more, not ${String(limit)}`)
  }
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 256) {
    throw new TypeError(
      `[@roomhooks/inspector] maxPayloadBytes must be a whole number of 256 or more, not ${String(maxPayloadBytes)}`,
    )
  }
  const { token } = options
  if (token !== undefined && (typeof token !== 'string' || token === '')) {
    throw new TypeError(
      '[@roomhooks/inspector] token must be a non-empty string; leave it out to answer this machine only',
    )
  }
  const presence = options.presence
  if (presence !== undefined && typeof presence?.rooms !== 'function') {
    throw new TypeError('[@roomhooks/inspector] presence must be what createPresence() of @roomhooks/presence returns')
  }
  const enabled = options.enabled ?? globalThis.process?.env?.['NODE_ENV'] !== 'production'
  return { path, enabled, token, limit, maxPayloadBytes, presence }
}
