import type { CallbackDecision } from '../decision.js'
import type { CallbackResponse } from '../envelope.js'
import type { ErrorReason, RoomhooksError } from '../errors.js'
import type { Log } from '../logger.js'
import type {
  CallbackAnswer,
  CallbackObservation,
  CallbackObserver,
  CallbackOutcome,
  CallbackParameters,
  CallbackStart,
} from './observer.js'
import type { AnyCallbackEvent } from '../types.js'

/**
 * One callback followed by its observations: tells each of them every step, times the steps, and keeps an
 * observation that throws from changing anything else (it is logged). Made only when something observes, so an
 * unobserved receiver pays one `undefined` check per step.
 */
export class CallbackWatch {
  /** How the answer came about, when the step that decided it says so; otherwise read from the answer's status. */
  outcome: CallbackOutcome | undefined
  /** A before-callback's decision, set when it is answered. */
  decision: CallbackDecision | undefined
  readonly #observations: readonly CallbackObservation[]
  readonly #log: Log
  readonly #startedAt = performance.now()
  #verification: number | undefined
  #handlersStartedAt: number | undefined
  #handlersEndedAt: number | undefined
  /** The reason of the error the answer was made of (a refusal, a handler failure), once there is one. */
  #decisive: ErrorReason | undefined
  /** The reason of the last error reported before the answer: a secondary one (DELIVERY_FAILED) when none decided it. */
  #reason: ErrorReason | undefined
  #answered = false
  #ended = false

  constructor(observations: readonly CallbackObservation[], log: Log) {
    this.#observations = observations
    this.#log = log
  }

  /** The query string passed verification. */
  verified(): void {
    this.#verification = performance.now() - this.#startedAt
  }

  /** The query string was read: its parameters, without the Sign, which no observer is ever given. */
  query(query: CallbackParameters & { readonly sign?: string | undefined }): void {
    const { sign: _sign, ...parameters } = query
    const told: CallbackParameters = parameters
    this.#each((observation) => observation.query?.(told))
  }

  /** The body's text was read. */
  body(text: string): void {
    this.#each((observation) => observation.body?.(text))
  }

  read(event: AnyCallbackEvent): void {
    this.#each((observation) => observation.read?.(event))
  }

  /** Runs the handlers inside every observation's wrapper; `handlers` runs exactly once whatever the wrappers do. */
  runHandlers<T>(handlers: () => T): T {
    this.#handlersStartedAt = performance.now()
    let run = handlers
    for (const observation of this.#observations) {
      if (observation.runHandlers !== undefined) run = this.#wrapped(observation, run)
    }
    return run()
  }

  /** Every handler has finished, late ones included. */
  handlersSettled(): void {
    this.#handlersEndedAt ??= performance.now()
    if (this.#answered) this.#end()
  }

  /**
   * An error reported for this callback. Errors after the end (a dedupe store that fails to record the outcome
   * once everything else is done) are not told: the observations are closed by then.
   */
  error(error: RoomhooksError): void {
    if (this.#ended) return
    if (!this.#answered) this.#reason = error.reason
    this.#each((observation) => observation.error?.(error))
  }

  /** The answer is made of this error (a refusal, a failed handler): its reason is the answer's, whatever follows. */
  decidedBy(error: RoomhooksError): void {
    if (!this.#answered) this.#decisive ??= error.reason
  }

  /**
   * The fields the observations store with a callback handed to the delivery; undefined when none gave any. Only
   * strings are kept: the record must stay readable by any worker, whatever an observer returned.
   */
  carry(): Readonly<Record<string, string>> | undefined {
    let fields: Record<string, string> | undefined
    this.#each((observation) => {
      const given: unknown = observation.carry?.()
      if (given === undefined) return
      if (given === null || typeof given !== 'object')
        throw new TypeError('carry() returned neither an object nor undefined')
      const dropped: string[] = []
      for (const [name, value] of Object.entries(given)) {
        if (typeof value === 'string') (fields ??= {})[name] = value
        else dropped.push(name)
      }
      if (dropped.length > 0)
        throw new TypeError(`carry() gave ${dropped.join(', ')} as non-strings; they were not stored`)
    })
    return fields
  }

  /** The answer went (`response` undefined in a worker). Ends the watch unless handlers are still running. */
  answered(response: CallbackResponse | undefined): void {
    if (this.#answered) return
    this.#answered = true
    const now = performance.now()
    const handlersStartedAt = this.#handlersStartedAt
    const answer: CallbackAnswer = {
      outcome: this.outcome ?? outcomeOfStatus(response),
      decision: this.decision,
      status: response?.status,
      errorCode: response?.body.ErrorCode,
      envelope: response?.body,
      reason: this.#decisive ?? this.#reason,
      durations: {
        verification: this.#verification,
        handlers: handlersStartedAt === undefined ? undefined : (this.#handlersEndedAt ?? now) - handlersStartedAt,
        total: now - this.#startedAt,
      },
    }
    this.#each((observation) => observation.answered?.(answer))
    if (handlersStartedAt === undefined || this.#handlersEndedAt !== undefined) this.#end()
  }

  #end(): void {
    if (this.#ended) return
    this.#ended = true
    this.#each((observation) => observation.ended?.())
  }

  #wrapped<T>(observation: CallbackObservation, inner: () => T): () => T {
    return () => {
      let ran = false
      let result: T | undefined
      const once = () => {
        if (!ran) {
          ran = true
          result = inner()
        }
        return result as T
      }
      try {
        observation.runHandlers?.(once)
      } catch (error) {
        this.#failed(error)
      }
      if (!ran) this.#log.error('[@roomhooks/core] An observer did not run the handlers it was given; they ran anyway')
      return once()
    }
  }

  #each(tell: (observation: CallbackObservation) => void): void {
    for (const observation of this.#observations) {
      try {
        tell(observation)
      } catch (error) {
        this.#failed(error)
      }
    }
  }

  #failed(error: unknown): void {
    observerFailed(this.#log, error)
  }
}

function observerFailed(log: Log, error: unknown): void {
  log.error('[@roomhooks/core] An observer failed; the callback was handled all the same', error)
}

/** The outcome an answer shows when no step named it: OK, turned down, or broken. */
function outcomeOfStatus(response: CallbackResponse | undefined): CallbackOutcome {
  if (response === undefined || response.status < 400) return 'ok'
  return response.status === 500 ? 'failed' : 'refused'
}

/**
 * Starts watching a callback: asks every observer (and `extra`, the testing kit's trace) for an observation.
 * Undefined when none wants one, so the callback is handled as if nothing observed.
 */
export function watchCallback(
  observers: readonly CallbackObserver[],
  extra: CallbackObservation | undefined,
  start: CallbackStart,
  log: Log,
): CallbackWatch | undefined {
  if (observers.length === 0 && extra === undefined) return undefined
  const observations: CallbackObservation[] = []
  for (const observer of observers) {
    try {
      const observation = observer.observe(start)
      if (typeof observation === 'object' && observation !== null) observations.push(observation)
    } catch (error) {
      observerFailed(log, error)
    }
  }
  if (extra !== undefined) observations.push(extra)
  return observations.length === 0 ? undefined : new CallbackWatch(observations, log)
}
