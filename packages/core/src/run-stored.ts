import { HandlerError, RoomhooksError } from './errors.js'
import { readCallback } from './intake.js'
import type { CallbackQuery } from './query.js'
import type { ReceiverState } from './receiver-state.js'
import { report } from './reporter.js'
import { failuresOf, runHandlers } from './run-handlers.js'
import { readStoredCallback } from './stored-callback.js'
import type { AnyCallbackEvent } from './types.js'

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
  | { readonly ok: false; readonly error: RoomhooksError; readonly retry: boolean }

/**
 * Runs the handlers of a stored callback, as a worker does: the same event as when it arrived (exact IDs,
 * `receivedAt`), with `attempt` set. Every failure goes to `onError`; late handlers' failures too, when they end.
 */
export async function runStored(
  state: ReceiverState,
  stored: unknown,
  { attempt, timeout }: StoredRunOptions,
): Promise<StoredRunOutcome> {
  let event: AnyCallbackEvent
  try {
    const callback = readStoredCallback(stored)
    const { command, clientIp, platform } = callback
    const query: CallbackQuery = { command }
    if (clientIp !== undefined) query.clientIp = clientIp
    if (platform !== undefined) query.platform = platform
    const intake = readCallback(query, callback.sdkAppId, callback.body, callback.receivedAt, state.config, attempt)
    if (intake.definition?.kind === 'before') {
      throw new RoomhooksError(
        'UNREADABLE_CALLBACK',
        `${callback.command} is a before-callback: its answer was due at once, it cannot be run from a queue`,
      )
    }
    event = intake.event
  } catch (error) {
    const refusal =
      error instanceof RoomhooksError
        ? error
        : new RoomhooksError('UNREADABLE_CALLBACK', `The stored callback cannot be read: ${messageOf(error)}`, {
            cause: error,
          })
    report(state, refusal, undefined)
    return { ok: false, error: refusal, retry: false }
  }
  const handlers = state.listeners.handlersOf(event.name)
  const outcome = await runHandlers(handlers, event as never, timeout)
  if (outcome.late) {
    void state.tasks.track(
      outcome.settled.then((results) => {
        const failures = failuresOf(results)
        if (failures.length > 0) report(state, new HandlerError(event, failures, true), undefined)
      }),
    )
    const late = new RoomhooksError(
      'HANDLER_TIMEOUT',
      `Handlers for ${event.command} did not finish within ${timeout} ms (attempt ${attempt})`,
    )
    report(state, late, undefined)
    return { ok: false, error: late, retry: true }
  }
  const failures = failuresOf(outcome.results)
  if (failures.length === 0) return { ok: true, event }
  const failure = new HandlerError(event, failures, false)
  report(state, failure, undefined)
  return { ok: false, error: failure, retry: true }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
