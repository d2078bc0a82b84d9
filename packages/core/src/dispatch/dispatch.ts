import {
  combineDecisions,
  decisionName,
  failureDecision,
  returnedDecisions,
  type Decision,
  type DecisionFailure,
  type DecisionRules,
} from '../decision.js'
import { decisionResponse, errorResponse, okResponse, type CallbackResponse } from '../envelope.js'
import { HandlerError, RoomhooksError } from '../errors.js'
import type { InFlight, ReceiverState, SettledListener } from '../receiver-state.js'
import { report } from '../observe/reporter.js'
import { failuresOf, runHandlers, type HandlersOutcome } from './run-handlers.js'

/**
 * Runs a callback's handlers, up to the deadline, and turns their outcome into the answer: OK, a 500 when one
 * failed, or a before-callback's decision. `onSettled` hears when every handler has finished, late ones included.
 */
export function dispatch(
  state: ReceiverState,
  inFlight: InFlight,
  onSettled?: SettledListener,
): CallbackResponse | Promise<CallbackResponse> {
  const { event } = inFlight
  const handlers = state.listeners.handlersOf(event.name)
  if (handlers.length === 0) {
    inFlight.answered = true
    tellSettled(inFlight, true, onSettled)
    return inFlight.rules ? answerDecision(inFlight, undefined) : okResponse
  }
  const { watch } = inFlight
  const { handlerTimeout } = state.config
  const outcome =
    watch === undefined
      ? runHandlers(handlers, event as never, handlerTimeout)
      : watch.runHandlers(() => runHandlers(handlers, event as never, handlerTimeout))
  return outcome instanceof Promise
    ? outcome.then((settled) => answer(state, inFlight, settled, onSettled))
    : answer(state, inFlight, outcome, onSettled)
}

/** Tells the listeners of a callback that its handlers have finished. */
function tellSettled(inFlight: InFlight, succeeded: boolean, onSettled: SettledListener | undefined): void {
  onSettled?.(succeeded)
  inFlight.handled?.(succeeded)
  inFlight.watch?.handlersSettled()
}

/** Keeps a decision a handler made, unless the answer has already gone. */
export function recordDecision(state: ReceiverState, inFlight: InFlight, decision: Decision): void {
  if (!inFlight.answered) {
    inFlight.decisions.push(decision)
    return
  }
  state.config.log.warn(
    `[@roomhooks/core] ${decision.event}: ${decision.action}() was called after the answer had gone (handlers took longer than ${state.config.handlerTimeout} ms); it did not count`,
  )
}

function answer(
  state: ReceiverState,
  inFlight: InFlight,
  outcome: HandlersOutcome,
  onSettled: SettledListener | undefined,
): CallbackResponse {
  const { event, rules, watch } = inFlight
  const { handlerTimeout, log } = state.config
  inFlight.answered = true
  if (outcome.late) {
    if (watch) watch.outcome = 'late'
    void state.tasks.track(
      outcome.settled.then((results) => {
        const failures = failuresOf(results)
        if (failures.length > 0) report(state, new HandlerError(event, failures, true), watch)
        tellSettled(inFlight, failures.length === 0, onSettled)
      }),
    )
    if (rules) {
      const timeout = new RoomhooksError(
        'HANDLER_TIMEOUT',
        `Handlers for ${event.command} did not decide within ${handlerTimeout} ms; the failure decision was answered`,
      )
      watch?.decidedBy(timeout)
      report(state, timeout, watch)
      return failureResponse(state, inFlight, rules, 'late')
    }
    log.warn(
      `[@roomhooks/core] Handlers for ${event.command} took longer than ${handlerTimeout} ms; answered without them and let them finish`,
    )
    return okResponse
  }
  const failures = failuresOf(outcome.results)
  tellSettled(inFlight, failures.length === 0, onSettled)
  if (failures.length > 0) {
    const failure = new HandlerError(event, failures, false)
    if (watch) watch.outcome = 'failed'
    watch?.decidedBy(failure)
    report(state, failure, watch)
    return rules ? failureResponse(state, inFlight, rules, 'failed') : errorResponse(failure)
  }
  return rules ? decide(state, inFlight, outcome.results) : okResponse
}

/** A before-callback's answer from every decision made, returned or not; the stricter wins. */
function decide(
  state: ReceiverState,
  inFlight: InFlight,
  results: readonly PromiseSettledResult<unknown>[],
): CallbackResponse {
  const name = inFlight.event.name as string
  const returned = returnedDecisions(name, results)
  // Returned decisions in the handlers' order (the first rejecting handler's code is used), then the ones only made.
  const made = [...returned, ...inFlight.decisions.filter((decision) => !returned.includes(decision))]
  const decision = combineDecisions(made)
  if (decision === undefined) return answerDecision(inFlight, undefined)
  // Handlers that disagree are normal (the stricter wins, as documented); a handler whose own returned decision
  // lost to one it only made is worth a warning.
  const overruled = returned.includes(decision) ? undefined : returned.find((other) => other.action !== decision.action)
  if (overruled !== undefined) {
    state.config.log.warn(
      `[@roomhooks/core] ${name}: a handler returned ${overruled.action}() but ${decision.action}() was also decided; answered ${decision.action}, the stricter`,
    )
  }
  return answerDecision(inFlight, decision)
}

/**
 * The answer when handlers failed or missed the deadline: the failure decision, unless a handler made a stricter
 * one in time (a reject or drop still counts; so does a replacement message when the failure decision allows).
 */
function failureResponse(
  state: ReceiverState,
  inFlight: InFlight,
  rules: DecisionRules,
  why: DecisionFailure,
): CallbackResponse {
  const event = inFlight.event.name as string
  const fallback = failureDecision(event, state.config.failureDecisions.get(event) ?? rules.onFailure, why)
  return answerDecision(inFlight, combineDecisions([...inFlight.decisions, fallback]) ?? fallback)
}

/** A before-callback's answer: the decision's envelope (OK when none was made), told to the observers. */
function answerDecision(inFlight: InFlight, decision: Decision | undefined): CallbackResponse {
  if (inFlight.watch) inFlight.watch.decision = decisionName(decision)
  return decision === undefined ? okResponse : decisionResponse(decision)
}
