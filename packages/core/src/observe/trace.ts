import type { CallbackResponse } from '../envelope.js'
import type { RoomhooksError } from '../errors.js'
import type { CallbackDecision } from '../decision.js'
import type { AnyCallbackEvent } from '../types.js'

/**
 * The key of RoomWebhooks' traced receive, for the testing kit's simulate(). A registered symbol, so that two
 * copies of the package (an ES module and a CommonJS build in one process) still find each other.
 */
export const receiveTraced = Symbol.for('@roomhooks/core/receive-traced')

/** What happened to one callback besides its answer. */
export interface CallbackTrace {
  /** The event the handlers got; undefined when the callback was refused before dispatch. */
  event?: AnyCallbackEvent
  /** Every error reported to onError for this callback; a late handler failure is appended when it happens. */
  readonly errors: RoomhooksError[]
  /** A before-callback's decision as answered; undefined for after-callbacks and refused callbacks. */
  decision?: CallbackDecision
}

/** The answer to a callback together with its trace. */
export interface TracedResponse extends CallbackTrace {
  readonly response: CallbackResponse
}

/** The settings the testing kit needs to build callbacks a receiver accepts. */
export interface ReceiverSettings {
  readonly sdkAppId: number
  readonly token: string | undefined
}

/** The key of the accessor for those settings. */
export const receiverSettings = Symbol.for('@roomhooks/core/receiver-settings')
