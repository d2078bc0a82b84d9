import type { CallbackDecision } from '../decision.js'
import type { CallbackEnvelope } from '../envelope.js'
import type { ErrorReason, RoomhooksError } from '../errors.js'
import type { AnyCallbackEvent } from '../types.js'

/**
 * Follows every callback a receiver (or a worker running stored callbacks) handles: what it was, how it was
 * answered and how long each step took. Add one with {@link RoomWebhooks.observe}; `@roomhooks/opentelemetry` is one.
 * A receiver nobody observes does none of this work.
 *
 * Each method of an observation is called synchronously, as the step happens: `query` (the query string read, in a
 * receiver), `body` (the body's text read), `read` (once the callback is verified and read), then `carry` (when it
 * is handed to a delivery) or `runHandlers`, `error` whenever an error is reported, then `answered`, then `ended`.
 * Any may throw: a failure is logged and never changes the answer.
 *
 * @example
 * hooks.observe({
 *   observe: () => ({
 *     answered: ({ outcome, decision, durations }) => console.log(outcome, decision ?? '', `${durations.total} ms`),
 *   }),
 * })
 */
export interface CallbackObserver {
  /**
   * A callback has arrived, not yet verified: called in the async context of the request (or of the worker's job),
   * so an observer can read the active trace there. Returns what follows this callback, or undefined to skip it.
   */
  observe(start: CallbackStart): CallbackObservation | undefined
}

/** Where a callback being observed comes from. */
export interface CallbackStart {
  /** `receiver`: a request from the platform. `worker`: a stored callback run by a worker. */
  readonly source: 'receiver' | 'worker'
  /** Which attempt this is: 1 in a receiver, counted from 1 by a worker. */
  readonly attempt: number
  /** A worker's run only: the fields a receiving observation gave {@link CallbackObservation.carry}, if any. */
  readonly carried: Readonly<Record<string, string>> | undefined
}

/** One callback, as an observer follows it. Each method is optional and called at most once, except `error`. */
export interface CallbackObservation {
  /**
   * The callback parameters of the query string, as sent and before they are checked, so that a refused callback
   * can still be told apart (which app, which command). Never the `Sign`. Called in a receiver only.
   */
  query?(parameters: CallbackParameters): void
  /**
   * The body as text (UTF-8, without a BOM), once read and before it is parsed: also for a body then refused as
   * not JSON or invalid, so an observer can show what arrived. In a worker, the stored text. Not called when a body
   * parser had already made an object of it, nor for a body that could not be read (too large, not UTF-8).
   */
  body?(text: string): void
  /**
   * The callback was verified and read: its event, with `command`, `name` and `sdkAppId`. Not called for a
   * callback refused before (a wrong Sign, an unreadable body).
   */
  read?(event: AnyCallbackEvent): void
  /**
   * Runs the handlers: an observer may wrap them, for instance to make its span the active one so that what the
   * handlers do is traced beneath it. It must call `handlers` once and return what it returns.
   */
  runHandlers?<T>(handlers: () => T): T
  /**
   * An error reported to `onError` for this callback, before or after `answered` (a late handler's failure), never
   * after `ended`.
   */
  error?(error: RoomhooksError): void
  /**
   * The callback is about to be stored for a worker (`delivery`): fields to store with it, such as a W3C
   * `traceparent`; string values only (others are dropped, and logged). The worker's observers get them back as
   * {@link CallbackStart.carried}.
   */
  carry?(): Readonly<Record<string, string>> | undefined
  /** The answer was given (or, in a worker, the attempt ended). */
  answered?(answer: CallbackAnswer): void
  /**
   * The last call: the answer was given and every handler has finished, late ones included (a handler that never
   * settles leaves its callback without an end).
   */
  ended?(): void
}

/**
 * How a callback ended:
 * - `ok`: handled (or, for a before-callback, decided) and answered;
 * - `refused`: turned down before its handlers ran (verification, an unreadable or invalid body, shutting down);
 * - `failed`: a handler failed, or roomhooks could not process it;
 * - `late`: the handlers missed the deadline, so the answer went without them;
 * - `duplicate`: the dedupe store had it already (answered OK), or has it running (answered 409);
 * - `queued`: stored by the delivery for a worker, and answered OK.
 */
export type CallbackOutcome = 'ok' | 'refused' | 'failed' | 'late' | 'duplicate' | 'queued'

/** What {@link CallbackObservation.answered} is told. */
export interface CallbackAnswer {
  readonly outcome: CallbackOutcome
  /**
   * A before-callback's decision, once its handlers ran (or it had none); undefined for after-callbacks, and for
   * a callback answered before its handlers (refused, shutting down) or in a worker.
   */
  readonly decision: CallbackDecision | undefined
  /** The HTTP status answered; undefined in a worker, which answers nobody. */
  readonly status: number | undefined
  /** The envelope's `ErrorCode` (a before-callback's decision code included); undefined in a worker. */
  readonly errorCode: number | undefined
  /**
   * The envelope answered, as the platform got it: a before-callback's decision is its `ErrorCode` and `ErrorInfo`
   * (and `MsgBody`, for a replaced message). Undefined in a worker.
   */
  readonly envelope: CallbackEnvelope | undefined
  /**
   * Why: the reason of the error the answer is made of (a refusal, a failed handler), else of the last error
   * reported before the answer (`DELIVERY_FAILED` for a callback handled here because the queue failed), if any.
   */
  readonly reason: ErrorReason | undefined
  readonly durations: CallbackDurations
}

/**
 * The callback parameters of a query string, each as sent (first occurrence, names matched in any casing), absent
 * when missing. The `Sign` is never among them.
 */
export interface CallbackParameters {
  readonly sdkAppId?: string
  readonly command?: string
  readonly clientIp?: string
  readonly platform?: string
  readonly requestTime?: string
}

/** How long the steps of one callback took, in milliseconds. */
export interface CallbackDurations {
  /** Reading and checking the query string: SdkAppid, RequestTime, Sign. Undefined in a worker. */
  readonly verification: number | undefined
  /** From the handlers' start to their end, or to the answer when they missed the deadline; undefined when none ran. */
  readonly handlers: number | undefined
  /** From arrival to the answer. */
  readonly total: number
}
