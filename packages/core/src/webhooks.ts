import { watchCallback, type CallbackWatch } from './observe/callback-watch.js'
import type { AnyCommandDefinition } from './catalog.js'
import { decisionHelpers, type Decision } from './decision.js'
import { dispatchHere } from './dispatch/dispatch-once.js'
import { recordDecision } from './dispatch/dispatch.js'
import type { CallbackResponse } from './envelope.js'
import { RoomhooksError, ValidationError, type ErrorHandler } from './errors.js'
import { handOver, keepRefused } from './delivery/hand-over.js'
import { readCallback } from './intake/intake.js'
import { Listeners } from './dispatch/listeners.js'
import { MAX_TIMER } from './max-timer.js'
import type { CallbackObservation, CallbackObserver } from './observe/observer.js'
import { resolveOptions, type RoomWebhooksOptions } from './options.js'
import type { BodyInput } from './intake/parse-body.js'
import { readCallbackQuery, type CallbackQuery, type QueryInput } from './intake/query.js'
import type { InFlight, ReceiverState } from './receiver-state.js'
import { refuse, report } from './observe/reporter.js'
import { runStored, workerBridge, type WorkerBridge } from './delivery/run-stored.js'
import { RunningTasks, type CloseResult } from './dispatch/running-tasks.js'
import {
  receiverSettings,
  receiveTraced,
  type CallbackTrace,
  type ReceiverSettings,
  type TracedResponse,
} from './observe/trace.js'
import type { AnyCallbackEvent, CallbackHandler, EventFor, ListenableName } from './types.js'
import { signUnchecked, verifyCallback } from './intake/verify.js'
import { withinTimeout } from './within-timeout.js'

export type { CloseResult } from './dispatch/running-tasks.js'

/**
 * A body reader, for runtimes that stream: called with the size limit only once the query string has passed
 * verification, so a refused request is never read.
 */
export type BodyReader = (limit: number) => Promise<BodyInput>

/** One callback as the transport received it. */
export interface CallbackRequest {
  /** The query string of the callback URL: raw text, URLSearchParams, or a parsed record. */
  readonly query: QueryInput
  /** The body: raw text or bytes, an object a body parser made, or a reader. */
  readonly body: BodyInput | BodyReader
}

/** Options of {@link RoomWebhooks.close}. */
export interface CloseOptions {
  /** How long to wait for running handlers, in ms. Default 10,000. */
  readonly timeout?: number
}

/**
 * Receives Tencent Cloud Room and Live callbacks: verifies, parses, validates, dispatches typed events to the
 * handlers, and answers with the envelope the platform expects. Create it with {@link createRoomWebhooks}.
 */
export class RoomWebhooks {
  readonly #state: ReceiverState
  #closing: Promise<CloseResult> | undefined
  /** Whether the log was told that callbacks carry a Sign nobody checks: once per receiver, not per callback. */
  #toldSignUnchecked = false

  constructor(options: RoomWebhooksOptions) {
    this.#state = {
      config: resolveOptions(options),
      listeners: new Listeners(),
      tasks: new RunningTasks(),
      observers: [],
    }
  }

  /** Whether after-callbacks are handed to a delivery (the `delivery` option) rather than handled in this process. */
  get delivers(): boolean {
    return this.#state.config.delivery !== undefined
  }

  /**
   * Adds a handler for an event, by event name (`'member.enter'`), Tencent command
   * (`'Room.CallbackAfterMemberEnter'`), or several of them. The event's payload is typed for the names given.
   *
   * @example
   * hooks.on('room.created', (event) => console.log(event.payload.RoomInfo.RoomId))
   */
  on<N extends ListenableName>(names: N | readonly N[], handler: CallbackHandler<EventFor<N>>): this {
    this.#state.listeners.add(names, handler)
    return this
  }

  /** Adds a handler for every verified callback, including commands not in the catalog (`event.name` is null). */
  onAny(handler: CallbackHandler<AnyCallbackEvent>): this {
    this.#state.listeners.addAny(handler)
    return this
  }

  /** Adds a handler told of every failed handler, refused request and invalid payload. */
  onError(handler: ErrorHandler): this {
    this.#state.listeners.addError(handler)
    return this
  }

  /**
   * Adds an observer, told of every callback from its arrival to its answer: outcome, status, reason and timings
   * (see {@link CallbackObserver}). `@roomhooks/opentelemetry` builds its spans and metrics on this.
   *
   * @example
   * hooks.observe({ observe: () => ({ answered: (answer) => metrics.count(answer.outcome) }) })
   */
  observe(observer: CallbackObserver): this {
    if (typeof observer?.observe !== 'function') {
      throw new TypeError('[@roomhooks/core] observe() needs an object with an observe(start) method')
    }
    this.#state.observers = [...this.#state.observers, observer]
    return this
  }

  /** Removes an observer added with {@link observe}, however often it was: callbacks from now on are not told to it. */
  removeObserver(observer: CallbackObserver): this {
    this.#state.observers = this.#state.observers.filter((added) => added !== observer)
    return this
  }

  /** Removes a handler added with {@link on} for the same names. */
  removeListener<N extends ListenableName>(names: N | readonly N[], handler: CallbackHandler<EventFor<N>>): this {
    this.#state.listeners.remove(names, handler)
    return this
  }

  /**
   * Handles one callback, whatever the transport: checks, parses, validates, runs the handlers and returns the
   * HTTP status and envelope to answer. Never rejects; every failure is an answer and goes to `onError`.
   *
   * @example
   * const { status, body } = await hooks.receive({ query: req.url.split('?')[1], body: rawText })
   */
  receive(request: CallbackRequest): Promise<CallbackResponse> {
    return this.#receive(request, undefined)
  }

  /**
   * Stops taking callbacks and waits for every handler still running, including those the platform was answered
   * without at the deadline. Callbacks that arrive meanwhile are answered 503, so the platform does not count them
   * as handled. Call it on SIGTERM before the process exits; calling it again returns the same promise.
   *
   * @example
   * process.on('SIGTERM', () => server.close(async () => { await hooks.close(); process.exit(0) }))
   */
  close(options: CloseOptions = {}): Promise<CloseResult> {
    const timeout = options.timeout ?? 10_000
    if (!(timeout >= 0)) throw new TypeError('[@roomhooks/core] close() needs a timeout of 0 ms or more')
    this.#closing ??= this.#state.tasks.drain(timeout, this.#state.config.log).then(async (result) => {
      await closeDelivery(this.#state, timeout)
      return result
    })
    return this.#closing
  }

  /**
   * Resolves once nothing of this receiver runs: no callback being handled, no handler the platform was answered
   * without at the deadline, no store update. It goes on taking callbacks meanwhile, unlike {@link close}, so a
   * callback that arrives before the others finish keeps it waiting. For platforms that keep an instance alive only
   * for the work they are told of (`waitUntil`); `createFetchHandler()` tells them itself.
   *
   * @example
   * const answer = await hooks.receive(request)
   * context.waitUntil(hooks.idle())
   */
  idle(): Promise<void> {
    return this.#state.tasks.idle()
  }

  /** @internal The testing kit's simulate(): the answer together with the event and the errors reported. */
  [receiveTraced](request: CallbackRequest): Promise<TracedResponse> {
    const trace: CallbackTrace = { errors: [] }
    const observation: CallbackObservation = {
      read: (event) => {
        trace.event = event
      },
      error: (error) => {
        trace.errors.push(error)
      },
      answered: (answer) => {
        if (answer.decision !== undefined) trace.decision = answer.decision
      },
    }
    return this.#receive(request, observation).then((response) => Object.assign(trace, { response }))
  }

  /** @internal What a worker of `@roomhooks/core/delivery` borrows: the handlers, and the error reporting. */
  get [workerBridge](): WorkerBridge {
    const state = this.#state
    return {
      run: (stored, options) => runStored(state, stored, options),
      report: (error) => report(state, error, undefined),
    }
  }

  /** @internal The testing kit builds callbacks this receiver accepts from these. */
  get [receiverSettings](): ReceiverSettings {
    const { sdkAppIds, tokens } = this.#state.config.verification
    // A receiver of every app takes the catalog's samples' own SDKAppID.
    return { sdkAppId: sdkAppIds === 'any' ? SAMPLE_SDK_APP_ID : ([...sdkAppIds][0] as number), token: tokens[0] }
  }

  #receive(request: CallbackRequest, extra: CallbackObservation | undefined): Promise<CallbackResponse> {
    const state = this.#state
    // Nothing observes most receivers: then not even a call is spent on it.
    if (state.observers.length === 0 && extra === undefined) return this.#answer(request, undefined)
    const watch = watchCallback(state.observers, extra, RECEIVER_START, state.config.log)
    const response = this.#answer(request, watch)
    if (watch === undefined) return response
    return response.then((answer) => {
      watch.answered(answer)
      return answer
    })
  }

  #answer(request: CallbackRequest, watch: CallbackWatch | undefined): Promise<CallbackResponse> {
    const state = this.#state
    if (this.#closing !== undefined) {
      return Promise.resolve(
        refuse(
          state,
          new RoomhooksError('SHUTTING_DOWN', 'The receiver is shutting down; send the callback again'),
          watch,
        ),
      )
    }
    // Synchronous until a body has to be read or a handler returns a promise: a callback whose handlers are
    // synchronous costs one promise, the one returned.
    try {
      const receivedAt = Date.now()
      const query = readCallbackQuery(request.query ?? '')
      watch?.query(query)
      const sdkAppId = verifyCallback(query, state.config.verification, receivedAt)
      if (!this.#toldSignUnchecked && signUnchecked(query, state.config.verification)) this.#tellSignUnchecked()
      watch?.verified()
      const source = request.body
      if (typeof source === 'function') {
        // A reader that throws is answered by the catch below, before anything counts as running; one that returns
        // something else than a promise is read as its value. Counted as running from here, as one task: one
        // promise reaction when the body arrives, not three.
        const reading = Promise.resolve((source as BodyReader)(state.config.bodyLimit))
        state.tasks.started()
        return reading.then(
          (body) => {
            try {
              const response = this.#handle(query, sdkAppId, body, receivedAt, watch)
              if (response instanceof Promise) return this.#settled(response, watch)
              state.tasks.finished()
              return response
            } catch (error) {
              state.tasks.finished()
              return refuse(state, error, watch)
            }
          },
          (error: unknown) => {
            state.tasks.finished()
            return refuse(state, error, watch)
          },
        )
      }
      const response = this.#handle(query, sdkAppId, source, receivedAt, watch)
      if (!(response instanceof Promise)) return Promise.resolve(response)
      state.tasks.started()
      return this.#settled(response, watch)
    } catch (error) {
      return Promise.resolve(refuse(state, error, watch))
    }
  }

  /**
   * The answer of a task counted with `tasks.started()`, which is told it finished once the answer is known.
   * `receive()` never rejects: whatever fails on the way (a store, a user's function) is answered like a refusal.
   */
  #settled(response: Promise<CallbackResponse>, watch: CallbackWatch | undefined): Promise<CallbackResponse> {
    const { tasks } = this.#state
    return response.then(
      (answer) => {
        tasks.finished()
        return answer
      },
      (error: unknown) => {
        tasks.finished()
        return refuse(this.#state, error, watch)
      },
    )
  }

  #tellSignUnchecked(): void {
    this.#toldSignUnchecked = true
    this.#state.config.log.warn(
      '[@roomhooks/core] Callbacks arrive with a Sign, but no token is configured, so nothing checks it and anyone who finds the URL can send callbacks: pass the callback token from the console as the token option of createRoomWebhooks()',
    )
  }

  /**
   * From a verified request to its answer: read the callback, then hand it to the delivery (after-callbacks, when
   * one is set) or dispatch it here (once, with dedupe on).
   */
  #handle(
    query: CallbackQuery,
    sdkAppId: number,
    body: BodyInput,
    receivedAt: number,
    watch: CallbackWatch | undefined,
  ): CallbackResponse | Promise<CallbackResponse> {
    const state = this.#state
    const { delivery } = state.config
    let inFlight: InFlight
    let definition: AnyCommandDefinition | undefined
    let raw: BodyInput
    const refused = (error: unknown): CallbackResponse | Promise<CallbackResponse> =>
      delivery !== undefined && error instanceof ValidationError
        ? keepRefused(state, delivery, error, { query, sdkAppId, receivedAt }, watch)
        : refuse(state, error, watch)
    try {
      const intake = readCallback(query, sdkAppId, body, receivedAt, state.config, 1, watch)
      if (intake instanceof Promise) return intake.then(undefined, refused)
      definition = intake.definition
      raw = intake.text ?? body
      const { event, digitsLost } = intake
      inFlight = { event, rules: definition?.decisions, decisions: [], answered: false, watch, digitsLost }
      if (definition?.decisions) {
        const record = (decision: Decision) => recordDecision(state, inFlight, decision)
        Object.assign(intake.event, decisionHelpers(definition.event, definition.decisions, record))
      }
    } catch (error) {
      return refused(error)
    }
    watch?.read(inFlight.event)
    if (delivery === undefined || definition?.kind !== 'after') return dispatchHere(state, definition, inFlight, raw)
    return handOver(state, delivery, inFlight, raw, () => dispatchHere(state, definition, inFlight, raw))
  }
}

/** What a receiver's observers are told of each callback as it arrives. */
const RECEIVER_START = { source: 'receiver', attempt: 1, carried: undefined } as const

/** The SDKAppID the testing kit signs for when a receiver accepts every app: the one the docs' examples use. */
const SAMPLE_SDK_APP_ID = 1400000000

/**
 * Closes the delivery, if any, waiting at most `timeout` ms (a queue's connection may wait for a Redis that is
 * down); then it is told to end its connections at once. A failure is logged, never thrown: the receiver is closed
 * all the same.
 */
async function closeDelivery({ config }: ReceiverState, timeout: number): Promise<void> {
  const delivery = config.delivery?.delivery
  if (delivery?.close === undefined) return
  const outOfTime = new AbortController()
  try {
    const { signal } = outOfTime
    await withinTimeout((async () => delivery.close?.({ signal }))(), Math.min(timeout, MAX_TIMER))
  } catch (error) {
    outOfTime.abort(error)
    config.log.error('[@roomhooks/core] The delivery failed to close', error)
  }
}

/**
 * Creates a receiver for Tencent Cloud Room and Live callbacks.
 *
 * @example
 * const hooks = createRoomWebhooks({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN })
 * hooks.on('member.enter', (event) => console.log(event.payload.MemberList_Account))
 */
export function createRoomWebhooks(options: RoomWebhooksOptions): RoomWebhooks {
  return new RoomWebhooks(options)
}
