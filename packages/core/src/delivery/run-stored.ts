import { watchCallback, type CallbackWatch } from '../observe/callback-watch.js'
import { HandlerError, isRoomhooksError, RoomhooksError } from '../errors.js'
import { readCallback } from '../intake/intake.js'
import type { CallbackQuery } from '../intake/query.js'
import { acceptsSdkAppId } from '../intake/verify.js'
import type { ReceiverState } from '../receiver-state.js'
import { report } from '../observe/reporter.js'
import { failuresOf, runHandlers } from '../dispatch/run-handlers.js'
import { readStoredCallback, type StoredCallback } from './stored-callback.js'
import type { CallbackOutcome } from '../observe/observer.js'
import type { AnyCallbackEvent } from '../types.js'

/**
 * The key of what RoomWebhooks lends a worker (`@roomhooks/core/delivery`). A registered symbol, so that two copies
 * of the package (an ES module and a CommonJS build in one process) still find each other.
 */
export const workerBridge = Symbol.for('@roomhooks/core/worker-bridge')

/** What a worker borrows from a receiver: its handlers, to run stored callbacks, and its error reporting. */
export interface WorkerBridge {
  run(stored: unknown, options: StoredRunOptions): Promise<StoredRunOutcome>
  report(error: RoomhooksError): void
}

/** Options of one run of a stored callback. */
export interface StoredRunOptions {
  /** Which attempt this is, from 1: it becomes `event.attempt`. */
  readonly attempt: number
  /** How long the handlers may take before the attempt counts as failed, in ms. */
  readonly timeout: number
}

/**
 * How a run of a stored callback ended. A failure says whether running it again may succeed: handlers that
 * failed or were late may; a body that fails its schema, or a record this version cannot read, will not until the
 * code changes.
 */
export type StoredRunOutcome =
  | { readonly ok: true; readonly event: AnyCallbackEvent }
  | {
      readonly ok: false
      readonly error: RoomhooksError
      readonly retry: boolean
      /**
       * Set when the handlers were still running at the timeout (`HANDLER_TIMEOUT`): settles once they have all
       * ended. A worker keeps counting the run until then, so that late runs cannot pile up beyond its concurrency.
       */
      readonly late?: Promise<void>
    }

/**
 * Runs the handlers of a stored callback, as a worker does: the same event as when it arrived (exact IDs,
 * `receivedAt`), with `attempt` set. Every failure goes to `onError`; late handlers' failures too, when they end.
 */
export async function runStored(
  state: ReceiverState,
  stored: unknown,
  options: StoredRunOptions,
): Promise<StoredRunOutcome> {
  const carried = carriedBy(stored)
  const start = { source: 'worker', attempt: options.attempt, carried } as const
  const watch = watchCallback(state.observers, undefined, start, state.config.log)
  // Counted as running, so that hooks.close() waits for a worker's runs as it does for the receiver's.
  if (watch === undefined) return state.tasks.track(run(state, stored, options, undefined))
  const outcome = await state.tasks.track(run(state, stored, options, watch))
  watch.outcome = outcome.ok ? 'ok' : failureOutcome(outcome.error)
  watch.answered(undefined)
  return outcome
}

async function run(
  state: ReceiverState,
  stored: unknown,
  { attempt, timeout }: StoredRunOptions,
  watch: CallbackWatch | undefined,
): Promise<StoredRunOutcome> {
  let event: AnyCallbackEvent
  try {
    const callback = readStoredCallback(stored)
    const { command, clientIp, platform } = callback
    const query: CallbackQuery = { command }
    if (clientIp !== undefined) query.clientIp = clientIp
    if (platform !== undefined) query.platform = platform
    // The receiver stores only what it verified; a record for another app (another app's receiver on the same
    // queue, or one written into Redis by hand) is not this receiver's to run.
    if (!acceptsSdkAppId(state.config.verification.sdkAppIds, callback.sdkAppId)) {
      throw new RoomhooksError(
        'UNKNOWN_SDKAPPID',
        `The stored callback is for SdkAppid ${callback.sdkAppId}, which this receiver does not accept: give each app a queue of its own`,
      )
    }
    const intake = await readCallback(
      query,
      callback.sdkAppId,
      callback.body,
      callback.receivedAt,
      state.config,
      attempt,
      watch,
    )
    if (intake.definition?.kind !== 'after') {
      throw new RoomhooksError('UNREADABLE_CALLBACK', notQueued(intake.event.command, intake.definition?.kind))
    }
    event = intake.event
  } catch (error) {
    const refusal = isRoomhooksError(error)
      ? error
      : new RoomhooksError('UNREADABLE_CALLBACK', `The stored callback cannot be read: ${messageOf(error)}`, {
          cause: error,
        })
    watch?.decidedBy(refusal)
    report(state, refusal, watch)
    return { ok: false, error: refusal, retry: false }
  }
  watch?.read(event)
  const handlers = state.listeners.handlersOf(event.name)
  const runAll = () => runHandlers(handlers, event as never, timeout)
  const outcome = await (watch === undefined || handlers.length === 0 ? runAll() : watch.runHandlers(runAll))
  if (outcome.late) {
    const settled = state.tasks.track(
      outcome.settled.then((results) => {
        const failures = failuresOf(results)
        if (failures.length > 0) report(state, new HandlerError(event, failures, true), watch)
        watch?.handlersSettled()
      }),
    )
    const late = new RoomhooksError(
      'HANDLER_TIMEOUT',
      `Handlers for ${event.command} did not finish within ${timeout} ms (attempt ${attempt})`,
    )
    watch?.decidedBy(late)
    report(state, late, watch)
    return { ok: false, error: late, retry: true, late: settled }
  }
  watch?.handlersSettled()
  const failures = failuresOf(outcome.results)
  if (failures.length === 0) return { ok: true, event }
  const failure = new HandlerError(event, failures, false)
  watch?.decidedBy(failure)
  report(state, failure, watch)
  return { ok: false, error: failure, retry: true }
}

/**
 * The fields a receiving observer stored with a callback, their strings only: what a worker's observers get is
 * never a reason to refuse the callback itself.
 */
function carriedBy(stored: unknown): Readonly<Record<string, string>> | undefined {
  const context: unknown =
    stored !== null && typeof stored === 'object' ? (stored as StoredCallback).traceContext : undefined
  if (context === null || typeof context !== 'object') return undefined
  const strings = Object.entries(context).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  return strings.length === 0 ? undefined : Object.fromEntries(strings)
}

/**
 * Why a stored callback that is not a known after-callback is not run: a receiver hands only those to a delivery,
 * so anything else was not stored by one.
 */
function notQueued(command: string, kind: 'before' | undefined): string {
  return kind === 'before'
    ? `${command} is a before-callback: its answer was due at once, it cannot be run from a queue`
    : `${command} is not an after-callback this version knows: a receiver handles such commands itself and never queues them`
}

/** How a failed run ended, for its observers. */
function failureOutcome(error: RoomhooksError): CallbackOutcome {
  if (error.reason === 'HANDLER_TIMEOUT') return 'late'
  return error.reason === 'HANDLER_FAILED' ? 'failed' : 'refused'
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
