import type { CallbackWatch } from './observe/callback-watch.js'
import type { Decision, DecisionRules } from './decision.js'
import type { Listeners } from './dispatch/listeners.js'
import type { CallbackObserver } from './observe/observer.js'
import type { ReceiverConfig } from './options.js'
import type { RunningTasks } from './dispatch/running-tasks.js'
import type { AnyCallbackEvent } from './types.js'

/** What the receiving steps share: the settings, the handlers, and the count of unfinished work. */
export interface ReceiverState {
  readonly config: ReceiverConfig
  readonly listeners: Listeners
  readonly tasks: RunningTasks
  /**
   * Told of every callback (hooks.observe()); usually empty, and then nothing is timed or told. Replaced, never
   * changed in place, so that observers being told of a callback while one is added or removed are all told.
   */
  observers: readonly CallbackObserver[]
}

/** One callback on its way through the receiver, from the event made for it to its answer. */
export interface InFlight {
  readonly event: AnyCallbackEvent
  /** Before-callbacks only: how the handlers' decisions become the answer. */
  readonly rules: DecisionRules | undefined
  /** The decisions handlers made (before-callbacks), in the order they made them. */
  readonly decisions: Decision[]
  /** Set once the answer is known: later decisions cannot change it. */
  answered: boolean
  /** The callback's observers, when something observes it. */
  readonly watch: CallbackWatch | undefined
  /** A body parser rounded IDs of this callback's body: its key cannot tell it from a callback it differs from. */
  readonly digitsLost: boolean
  /** Told once every handler run in this process has finished, late ones included: whether all succeeded. */
  handled?: SettledListener
}

/** Told once every handler of a callback has finished, late ones included: whether all of them succeeded. */
export type SettledListener = (succeeded: boolean) => void
