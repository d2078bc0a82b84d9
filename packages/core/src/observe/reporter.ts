import type { CallbackWatch } from './callback-watch.js'
import { errorResponse, type CallbackResponse } from '../envelope.js'
import { HandlerError, toRoomhooksError, type RoomhooksError } from '../errors.js'
import type { ReceiverState } from '../receiver-state.js'

/**
 * Tells the `onError` handlers of an error, or the logger when there are none. An `onError` handler that throws
 * or rejects is logged; it never reaches the caller. One that returns a promise (storing a refused body, say) is
 * running work of the receiver until it settles: `close()` and `idle()` wait for it.
 */
export function report(
  { config, listeners, tasks }: ReceiverState,
  error: RoomhooksError,
  watch: CallbackWatch | undefined,
): void {
  watch?.error(error)
  const { log } = config
  const handlers = listeners.errors
  if (handlers.length === 0) {
    if (error instanceof HandlerError) logHandlerError(log, error)
    else log.warn(error.message, error.cause)
    return
  }
  const failed = (failure: unknown) => log.error('[@roomhooks/core] An onError handler failed', failure)
  for (const handler of handlers) {
    try {
      const result = handler(error)
      if (result instanceof Promise) void tasks.track(result.catch(failed))
    } catch (failure) {
      failed(failure)
    }
  }
}

function logHandlerError(log: ReceiverState['config']['log'], error: HandlerError): void {
  const count = error.errors.length
  const others = count > 1 ? ` (${count} handlers failed; the first error is shown)` : ''
  log.error(`${error.message}${error.late ? ' after the answer' : ''}${others}`, error.errors[0])
}

/** The answer to a request refused or failed before its handlers ran, reported like any error. */
export function refuse(state: ReceiverState, error: unknown, watch: CallbackWatch | undefined): CallbackResponse {
  const refusal = toRoomhooksError(error)
  watch?.decidedBy(refusal)
  report(state, refusal, watch)
  return errorResponse(refusal)
}
