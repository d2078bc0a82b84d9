import { readDelivery, type CallbackDelivery, type DeliverySettings } from './delivery/callback-delivery.js'
import { findDefinition, type AnyCommandDefinition } from './catalog.js'
import type { FailureDecision } from './decision.js'
import { createMemoryDedupeStore, type DedupeOptions } from './dispatch/dedupe.js'
import { createLogger, type Log, type Logger } from './logger.js'
import type { BeforeEventName } from './types.js'
import { parseSdkAppId, type VerificationSettings } from './intake/verify.js'

/** An SDKAppID, as a number or a string of digits. */
export type SdkAppIdInput = number | string

/** Options of {@link createRoomWebhooks}. */
export interface RoomWebhooksOptions {
  /**
   * The app's SDKAppID, or several; callbacks for any other app are refused with 403. `'*'` accepts every app: for
   * a local first look at what arrives (`roomhooks dev` uses it), never for a receiver the internet can reach.
   */
  readonly sdkAppId: SdkAppIdInput | readonly SdkAppIdInput[]
  /** The callback token set in the console or with `set_callback_token`; several while rotating. When set, every callback must carry a valid `Sign`. */
  readonly token?: string | readonly string[] | undefined
  /** How far `RequestTime` may be from this server's clock, in seconds, either way. Default 60. */
  readonly requestTimeWindow?: number
  /** How long handlers may take before the platform is answered anyway, in ms. Default 1500 (the platform waits about 2 s). */
  readonly handlerTimeout?: number
  /** The largest body accepted, in bytes. Default 1 MiB. */
  readonly bodyLimit?: number
  /**
   * What a before-callback answers when its handlers fail or miss the deadline. Defaults follow what the platform
   * does without an answer: `gift.beforeSend` rejects, `message.beforeSend` allows.
   */
  readonly failureDecisions?: { readonly [E in BeforeEventName]?: FailureDecision }
  /**
   * Runs the handlers of a callback delivered more than once (the platform may retry after-callbacks) only
   * once: `true` for an in-memory store, or a shared store such as `@roomhooks/redis`. Off by default.
   */
  readonly dedupe?: boolean | DedupeOptions | undefined
  /**
   * Stores verified after-callbacks durably before the platform is answered, for workers to handle with retries:
   * `createQueueDelivery()` of `@roomhooks/bullmq`. Before-callbacks are still handled here, as their answer is
   * the decision. When the delivery fails or is slow, the callback is handled here and `DELIVERY_FAILED` reported.
   */
  readonly delivery?: CallbackDelivery | undefined
  /**
   * Where to write what callers are not told: console, pino, winston, bunyan, Fastify's `app.log`, or an object
   * with some of `debug`, `info`, `warn`, `error`. Defaults to the console for warnings and errors.
   */
  readonly log?: Partial<Logger>
}

/** The options with their defaults filled in, checked once at start-up. */
export interface ReceiverConfig {
  readonly verification: VerificationSettings
  readonly handlerTimeout: number
  readonly bodyLimit: number
  readonly log: Log
  readonly failureDecisions: ReadonlyMap<string, FailureDecision>
  readonly dedupe: Required<DedupeOptions> | undefined
  readonly delivery: DeliverySettings | undefined
}

/** Checks the options and fills in the defaults; a mistake throws a TypeError that says what to pass. */
export function resolveOptions(options: RoomWebhooksOptions): ReceiverConfig {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('[@roomhooks/core] createRoomWebhooks() needs options: { sdkAppId, token? }')
  }
  const log = createLogger(options.log)
  const handlerTimeout = positive('handlerTimeout', options.handlerTimeout, 1500)
  if (handlerTimeout >= PLATFORM_WAIT) {
    log.warn(
      `[@roomhooks/core] handlerTimeout is ${handlerTimeout} ms, but the platform waits about ${PLATFORM_WAIT} ms for an answer: slow handlers will make callbacks time out. Keep it under ${PLATFORM_WAIT}.`,
    )
  }
  const delivery = readDelivery(options.delivery)
  if (delivery !== undefined && handlerTimeout < PLATFORM_WAIT && delivery.timeout + handlerTimeout > PLATFORM_WAIT) {
    log.warn(
      `[@roomhooks/core] delivery.timeout (${delivery.timeout} ms) and handlerTimeout (${handlerTimeout} ms) add up to more than the platform's ${PLATFORM_WAIT} ms: when the delivery is slow, the callback handled in the process may be answered too late. Keep their sum under ${PLATFORM_WAIT}.`,
    )
  }
  const sdkAppIds = readSdkAppIds(options.sdkAppId)
  if (sdkAppIds === 'any' && globalThis.process?.env?.['NODE_ENV'] === 'production') {
    // Meant for a first local look; in production it would run the handlers for any app's callbacks, unsaid.
    log.warn(
      `[@roomhooks/core] sdkAppId '*' accepts the callbacks of every app, and NODE_ENV is production: name your app's SDKAppID (or several) so that only its callbacks run your handlers.`,
    )
  }
  return {
    verification: {
      sdkAppIds,
      tokens: readTokens(options.token),
      requestTimeWindow: positive('requestTimeWindow', options.requestTimeWindow, 60),
    },
    handlerTimeout,
    bodyLimit: positive('bodyLimit', options.bodyLimit, 1024 * 1024),
    log,
    failureDecisions: readFailureDecisions(options.failureDecisions),
    dedupe: readDedupe(options.dedupe),
    delivery,
  }
}

/** How long the platform waits for an answer, in ms (protocol: about 2 seconds). */
const PLATFORM_WAIT = 2000

/** `sdkAppId: '*'`: every app is accepted. */
const ANY_SDK_APP_ID = '*'

function readSdkAppIds(input: RoomWebhooksOptions['sdkAppId']): Set<number> | 'any' {
  if (input === ANY_SDK_APP_ID) return 'any'
  const list: readonly unknown[] = Array.isArray(input) ? input : [input]
  const ids = new Set<number>()
  for (const value of list) {
    if (value === ANY_SDK_APP_ID) {
      throw new TypeError(
        `[@roomhooks/core] sdkAppId '*' accepts every app and stands alone: pass '*', not a list with it`,
      )
    }
    const id = typeof value === 'number' || typeof value === 'string' ? parseSdkAppId(value) : undefined
    if (id === undefined) {
      throw new TypeError(
        `[@roomhooks/core] sdkAppId must be your app's SDKAppID (a positive integer), got ${String(value)}`,
      )
    }
    ids.add(id)
  }
  if (ids.size === 0) throw new TypeError('[@roomhooks/core] sdkAppId needs at least one SDKAppID')
  return ids
}

/** A frozen copy: emptying the caller's array later must not turn Sign checks off. */
function readTokens(input: RoomWebhooksOptions['token']): readonly string[] {
  if (input === undefined) return Object.freeze([])
  const list: readonly unknown[] = Array.isArray(input) ? [...(input as readonly unknown[])] : [input]
  for (const token of list) {
    if (typeof token !== 'string' || token === '') {
      throw new TypeError(
        '[@roomhooks/core] token must be a non-empty string (or leave it out to turn Sign checks off)',
      )
    }
    if (token.trim() !== token) {
      // Usually a newline read from a file or an environment variable: the platform's Sign would never match.
      throw new TypeError('[@roomhooks/core] token has white space at its start or end; remove it (e.g. token.trim())')
    }
  }
  if (list.length === 0) throw new TypeError('[@roomhooks/core] token needs at least one token (or leave it out)')
  return Object.freeze(list as string[])
}

function readDedupe(input: RoomWebhooksOptions['dedupe']): Required<DedupeOptions> | undefined {
  if (input === undefined || input === false) return undefined
  const options = input === true ? {} : input
  const store = options.store ?? createMemoryDedupeStore()
  if (
    typeof store.claim !== 'function' ||
    typeof store.complete !== 'function' ||
    typeof store.release !== 'function'
  ) {
    throw new TypeError('[@roomhooks/core] dedupe.store needs claim(), complete() and release()')
  }
  return {
    store,
    ttl: positive('dedupe.ttl', options.ttl, 10 * 60 * 1000),
    timeout: positive('dedupe.timeout', options.timeout, 300),
  }
}

function readFailureDecisions(input: RoomWebhooksOptions['failureDecisions']): Map<string, FailureDecision> {
  const decisions = new Map<string, FailureDecision>()
  for (const [event, decision] of Object.entries(input ?? {})) {
    const definition: AnyCommandDefinition | undefined = findDefinition(event)
    if (definition?.event !== event || definition.kind !== 'before') {
      throw new TypeError(
        `[@roomhooks/core] failureDecisions only takes before-callback events, not ${JSON.stringify(event)}`,
      )
    }
    if (decision !== 'allow' && decision !== 'reject') {
      throw new TypeError(`[@roomhooks/core] failureDecisions.${event} must be 'allow' or 'reject'`)
    }
    decisions.set(event, decision)
  }
  return decisions
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`[@roomhooks/core] ${name} must be a positive number, got ${String(value)}`)
  }
  return value
}
