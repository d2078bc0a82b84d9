import { randomUUID } from 'node:crypto'
import { commandDefinitions, findCommand, requireDefinition, type AnyCommandDefinition } from './catalog.js'
import { formatPath, type PayloadPath } from './coerce.js'
import {
  combineDecisions,
  Decision,
  decisionHelpers,
  decisionResponse,
  failureDecision,
  returnedDecisions,
  type DecisionFailure,
  type DecisionRules,
  type FailureDecision,
} from './decision.js'
import {
  DEDUPE_LEASE,
  dedupeFailure,
  dedupeKey,
  withinTimeout,
  type ClaimResult,
  type DedupeOptions,
  type DedupeStore,
} from './dedupe.js'
import { errorResponse, okResponse, type CallbackResponse } from './envelope.js'
import { HandlerError, quoteClientText, RoomhooksError, toRoomhooksError } from './errors.js'
import type { Log } from './logger.js'
import { resolveOptions, type RoomWebhooksOptions } from './options.js'
import { parseCallbackBody, readBodyText, type BodyInput } from './parse-body.js'
import { readCallbackQuery, type CallbackQuery, type QueryInput } from './query.js'
import { failuresOf, runHandlers, type HandlersOutcome } from './run-handlers.js'
import type {
  AnyCallbackEvent,
  CallbackHandler,
  ErrorHandler,
  EventFor,
  EventName,
  ListenableName,
} from './types.js'
import { compileSchema, validatePayload } from './validate.js'
import { receiverSettings, receiveTraced, type CallbackTrace, type ReceiverSettings, type TracedResponse } from './trace.js'
import { verifyCallback, type VerificationSettings } from './verify.js'

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

/** What {@link RoomWebhooks.close} found. */
export interface CloseResult {
  /** Everything finished within the timeout. */
  readonly drained: boolean
  /** How many tasks (callbacks being handled, handlers answered without, store updates) were unfinished. */
  readonly running: number
}

type AnyHandler = CallbackHandler<never>

/** One callback on its way through the receiver, from the event made for it to its answer. */
interface Delivery {
  readonly event: AnyCallbackEvent
  /** Before-callbacks only: how the handlers' decisions become the answer. */
  readonly rules: DecisionRules | undefined
  /** The decisions handlers made (before-callbacks), in the order they made them. */
  readonly decisions: Decision[]
  /** Set once the answer is known: later decisions cannot change it. */
  answered: boolean
  readonly trace: CallbackTrace | undefined
}

/** Told once every handler of a callback has finished, late ones included: whether all of them succeeded. */
type SettledListener = (succeeded: boolean) => void

// Tencent's commands are `Product.CallbackName`; anything else in CallbackCommand is not from the platform.
const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/

// setTimeout's largest delay; a longer one fires at once.
const MAX_TIMER = 2 ** 31 - 1

/**
 * Receives Tencent Cloud Room and Live callbacks: verifies, parses, validates, dispatches typed events to the
 * handlers, and answers with the envelope the platform expects. Create it with {@link createRoomWebhooks}.
 */
export class RoomWebhooks {
  readonly #verification: VerificationSettings
  readonly #handlerTimeout: number
  readonly #bodyLimit: number
  readonly #log: Log
  readonly #failureDecisions: ReadonlyMap<string, FailureDecision>
  readonly #dedupe: Required<DedupeOptions> | undefined
  // Handler lists are replaced, never mutated, so a dispatch in progress keeps the list it started with.
  readonly #handlers = new Map<EventName, readonly AnyHandler[]>()
  #anyHandlers: readonly AnyHandler[] = []
  #errorHandlers: readonly ErrorHandler[] = []
  // Tasks not finished yet: callbacks being handled, handlers answered without, store updates. A count, not the
  // tasks themselves, so that a handler that never settles is not kept in memory. close() waits for it to be 0.
  #running = 0
  #idle: (() => void) | undefined
  #closing: Promise<CloseResult> | undefined

  constructor(options: RoomWebhooksOptions) {
    const config = resolveOptions(options)
    this.#verification = config.verification
    this.#handlerTimeout = config.handlerTimeout
    this.#bodyLimit = config.bodyLimit
    this.#log = config.log
    this.#failureDecisions = config.failureDecisions
    this.#dedupe = config.dedupe
    // Compile every schema now, so the first callback of each kind pays nothing extra.
    for (const definition of commandDefinitions) compileSchema(definition)
  }

  /**
   * Adds a handler for an event, by event name (`'member.enter'`), Tencent command
   * (`'Room.CallbackAfterMemberEnter'`), or several of them. The event's payload is typed for the names given.
   *
   * @example
   * hooks.on('room.created', (event) => console.log(event.payload.RoomInfo.RoomId))
   */
  on<N extends ListenableName>(names: N | readonly N[], handler: CallbackHandler<EventFor<N>>): this {
    assertHandler(handler)
    for (const event of eventNames(names)) {
      this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), handler as AnyHandler])
    }
    return this
  }

  /** Adds a handler for every verified callback, including commands not in the catalog (`event.name` is null). */
  onAny(handler: CallbackHandler<AnyCallbackEvent>): this {
    assertHandler(handler)
    this.#anyHandlers = [...this.#anyHandlers, handler as AnyHandler]
    return this
  }

  /** Adds a handler told of every failed handler, refused request and invalid payload. */
  onError(handler: ErrorHandler): this {
    assertHandler(handler)
    this.#errorHandlers = [...this.#errorHandlers, handler]
    return this
  }

  /** Removes a handler added with {@link on} for the same names. */
  removeListener<N extends ListenableName>(names: N | readonly N[], handler: CallbackHandler<EventFor<N>>): this {
    for (const event of eventNames(names)) {
      const remaining = (this.#handlers.get(event) ?? []).filter((existing) => existing !== handler)
      if (remaining.length > 0) this.#handlers.set(event, remaining)
      else this.#handlers.delete(event)
    }
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
    this.#closing ??= this.#drain(timeout)
    return this.#closing
  }

  /** @internal The testing kit's simulate(): the answer together with the event and the errors reported. */
  [receiveTraced](request: CallbackRequest): Promise<TracedResponse> {
    const trace: CallbackTrace = { errors: [] }
    return this.#receive(request, trace).then((response) => Object.assign(trace, { response }))
  }

  /** @internal The testing kit builds callbacks this receiver accepts from these. */
  get [receiverSettings](): ReceiverSettings {
    return { sdkAppId: [...this.#verification.sdkAppIds][0] as number, token: this.#verification.tokens[0] }
  }

  #receive(request: CallbackRequest, trace: CallbackTrace | undefined): Promise<CallbackResponse> {
    if (this.#closing !== undefined) {
      return Promise.resolve(this.#refuse(new RoomhooksError('SHUTTING_DOWN', 'The receiver is shutting down; send the callback again'), trace))
    }
    // Synchronous until a body has to be read or a handler returns a promise: a callback whose handlers are
    // synchronous costs one promise, the one returned.
    try {
      const receivedAt = Date.now()
      const query = readCallbackQuery(request.query ?? '')
      const sdkAppId = verifyCallback(query, this.#verification, receivedAt)
      const source = request.body
      if (typeof source === 'function') {
        return this.#track(
          (source as BodyReader)(this.#bodyLimit).then(
            (body) => this.#handle(query, sdkAppId, body, receivedAt, trace),
            (error: unknown) => this.#refuse(error, trace),
          ),
        )
      }
      const response = this.#handle(query, sdkAppId, source, receivedAt, trace)
      return response instanceof Promise ? this.#track(response) : Promise.resolve(response)
    } catch (error) {
      return Promise.resolve(this.#refuse(error, trace))
    }
  }

  #handle(
    query: CallbackQuery,
    sdkAppId: number,
    body: BodyInput,
    receivedAt: number,
    trace: CallbackTrace | undefined,
  ): CallbackResponse | Promise<CallbackResponse> {
    let delivery: Delivery
    let key: string | undefined
    try {
      const text = readBodyText(body, this.#bodyLimit)
      const payload = parseCallbackBody(body, text)
      const resolved = this.#resolveCommand(query.command, payload)
      const definition = typeof resolved === 'string' ? undefined : resolved
      const command = typeof resolved === 'string' ? resolved : resolved.command
      if (definition !== undefined) {
        validatePayload(definition, payload, text, (paths) => this.#warnInexact(command, paths))
      }
      const event = {
        name: definition?.event ?? null,
        command,
        payload,
        sdkAppId,
        clientIp: query.clientIp,
        platform: query.platform,
        eventTime: readEventTime(payload['EventTime']),
        receivedAt,
      } as AnyCallbackEvent
      delivery = { event, rules: definition?.decisions, decisions: [], answered: false, trace }
      if (definition?.decisions) {
        Object.assign(event, decisionHelpers(definition.event, definition.decisions, (decision) => this.#record(delivery, decision)))
      }
      // Before-callbacks are never deduplicated: a repeated question needs its answer again. Nor are commands
      // roomhooks does not know, whose names it cannot vouch for, nor callbacks nobody listens to.
      if (this.#dedupe !== undefined && definition?.kind === 'after' && this.#handlersFor(definition.event).length > 0) {
        key = this.#dedupeKey(command, sdkAppId, text ?? body, trace)
      }
    } catch (error) {
      return this.#refuse(error, trace)
    }
    if (trace) trace.event = delivery.event
    return key === undefined ? this.#dispatch(delivery) : this.#dispatchOnce(key, delivery)
  }

  /**
   * The command of a callback, as its catalog row when it is known: the body's, else the query's (which then
   * stands in for the body's). When both name known commands that differ, the body decides: some documentation
   * pages show one command's body under another's query string.
   */
  #resolveCommand(fromQuery: string | undefined, payload: Record<string, unknown>): AnyCommandDefinition | string {
    const inBody = payload['CallbackCommand']
    const fromBody = typeof inBody === 'string' && inBody !== '' ? inBody : undefined
    const command = fromBody ?? fromQuery
    if (command === undefined || command === '') {
      throw new RoomhooksError('MISSING_COMMAND', 'CallbackCommand is missing from both the query string and the body')
    }
    const definition = findCommand(command)
    if (definition === undefined && !COMMAND_NAME.test(command)) {
      throw new RoomhooksError('INVALID_COMMAND', `CallbackCommand ${quoteClientText(command)} is not a command name`)
    }
    if (fromBody === undefined) {
      if (inBody === undefined || inBody === null || inBody === '') payload['CallbackCommand'] = command
      return definition ?? command
    }
    if (fromQuery === undefined || fromQuery === '' || fromQuery === fromBody) return definition ?? command
    const queried = findCommand(fromQuery)
    if (definition === undefined || queried === undefined) {
      throw new RoomhooksError(
        'COMMAND_MISMATCH',
        `CallbackCommand differs between the query string (${quoteClientText(fromQuery, 64)}) and the body (${quoteClientText(fromBody, 64)})`,
      )
    }
    if (queried !== definition) {
      this.#log.warn(`[@roomhooks/core] The query string names ${queried.command} but the body is ${definition.command}; handled as ${definition.command}`)
    }
    return definition
  }

  /** The dedupe key, or undefined when the body cannot be hashed (a parsed body too deep to serialise): handled anyway. */
  #dedupeKey(command: string, sdkAppId: number, body: BodyInput, trace: CallbackTrace | undefined): string | undefined {
    try {
      return dedupeKey(command, sdkAppId, body)
    } catch (error) {
      this.#report(dedupeFailure(error, 'could not key this callback; it was handled without deduplication'), trace)
      return undefined
    }
  }

  /**
   * Dispatches unless the store has the callback: a duplicate of a handled one is answered OK, a duplicate of one
   * still running 409 (the platform may try again once it has finished). Fails open when the store fails or is
   * slow; a claim that lands after the timeout is still completed or released once the handlers have finished.
   */
  #dispatchOnce(key: string, delivery: Delivery): CallbackResponse | Promise<CallbackResponse> {
    const { store, ttl, timeout } = this.#dedupe as Required<DedupeOptions>
    const owner = randomUUID()
    const settle: SettledListener = (succeeded) => this.#settleClaim(store, key, owner, ttl, timeout, succeeded, delivery.trace)
    let claim: ClaimResult | Promise<ClaimResult>
    try {
      claim = store.claim(key, Math.min(DEDUPE_LEASE, ttl), owner)
    } catch (error) {
      return this.#dispatchUnclaimed(error, undefined, delivery, settle)
    }
    if (!(claim instanceof Promise)) return this.#afterClaim(claim, delivery, settle)
    const lateClaim = claim
    return (withinTimeout(lateClaim, timeout) as Promise<ClaimResult>).then(
      (result) => this.#afterClaim(result, delivery, settle),
      (error: unknown) => this.#dispatchUnclaimed(error, lateClaim, delivery, settle),
    )
  }

  /** Runs a callback the store let through; a copy of one handled is answered OK, of one running 409. */
  #afterClaim(result: ClaimResult, delivery: Delivery, settle: SettledListener): CallbackResponse | Promise<CallbackResponse> {
    if (result === 'claimed') return this.#dispatch(delivery, settle)
    if (result === 'done') {
      this.#log.debug(`[@roomhooks/core] ${delivery.event.command} was delivered again; its handlers already ran`)
      return okResponse
    }
    if (result === 'running') {
      const running = new RoomhooksError('DUPLICATE_IN_PROGRESS', 'The same callback is being handled; send it again once that has finished')
      return this.#refuse(running, delivery.trace)
    }
    const odd = new TypeError(`The store's claim() answered ${quoteClientText(String(result))}, not 'claimed', 'running' or 'done'`)
    return this.#dispatchUnclaimed(odd, undefined, delivery, settle)
  }

  /** Handles a callback the store could not claim in time, settling the claim if it lands later. */
  #dispatchUnclaimed(
    error: unknown,
    lateClaim: Promise<ClaimResult> | ClaimResult | undefined,
    delivery: Delivery,
    settle: SettledListener,
  ): CallbackResponse | Promise<CallbackResponse> {
    this.#report(dedupeFailure(error, 'failed or was slow; the callback was handled anyway'), delivery.trace)
    if (!(lateClaim instanceof Promise)) return this.#dispatch(delivery)
    let handlersSettled: SettledListener = () => {}
    const outcome = new Promise<boolean>((resolve) => (handlersSettled = resolve))
    // After the lease there is no claim left to settle, so a claim that never answers is not waited for longer.
    const claimSettled = Promise.all([withinTimeout(lateClaim, DEDUPE_LEASE), outcome]).then(
      ([result, succeeded]) => result === 'claimed' && settle(succeeded),
      () => {}, // the claim failed: there is nothing to settle
    )
    this.#track(claimSettled)
    return this.#dispatch(delivery, handlersSettled)
  }

  /** Records the outcome in the store: done when the handlers succeeded, released for a retry when they failed. */
  #settleClaim(
    store: DedupeStore,
    key: string,
    owner: string,
    ttl: number,
    timeout: number,
    succeeded: boolean,
    trace: CallbackTrace | undefined,
  ): void {
    const failed = (error: unknown) =>
      this.#report(
        dedupeFailure(
          error,
          succeeded
            ? 'could not record a handled callback; a retry may run its handlers again'
            : 'could not forget a failed callback; retries are answered 409 until its claim lapses',
        ),
        trace,
      )
    try {
      const written = withinTimeout(succeeded ? store.complete(key, ttl, owner) : store.release(key, owner), timeout)
      if (written instanceof Promise) this.#track(written.catch(failed))
    } catch (error) {
      failed(error)
    }
  }

  #refuse(error: unknown, trace: CallbackTrace | undefined): CallbackResponse {
    const refusal = toRoomhooksError(error)
    this.#report(refusal, trace)
    return errorResponse(refusal)
  }

  #dispatch(delivery: Delivery, onSettled?: SettledListener): CallbackResponse | Promise<CallbackResponse> {
    const { event } = delivery
    const handlers = event.name === null ? this.#anyHandlers : this.#handlersFor(event.name)
    if (handlers.length === 0) {
      delivery.answered = true
      onSettled?.(true)
      return okResponse
    }
    const outcome = runHandlers(handlers, event as never, this.#handlerTimeout)
    return outcome instanceof Promise
      ? outcome.then((settled) => this.#answer(delivery, settled, onSettled))
      : this.#answer(delivery, outcome, onSettled)
  }

  #answer(delivery: Delivery, outcome: HandlersOutcome, onSettled: SettledListener | undefined): CallbackResponse {
    const { event, rules, trace } = delivery
    delivery.answered = true
    if (outcome.late) {
      this.#track(
        outcome.settled.then((results) => {
          const failures = failuresOf(results)
          if (failures.length > 0) this.#report(new HandlerError(event, failures, true), trace)
          onSettled?.(failures.length === 0)
        }),
      )
      if (rules) {
        const timeout = new RoomhooksError(
          'HANDLER_TIMEOUT',
          `Handlers for ${event.command} did not decide within ${this.#handlerTimeout} ms; the failure decision was answered`,
        )
        this.#report(timeout, trace)
        return this.#failureResponse(delivery, rules, 'late')
      }
      this.#log.warn(
        `[@roomhooks/core] Handlers for ${event.command} took longer than ${this.#handlerTimeout} ms; answered without them and let them finish`,
      )
      return okResponse
    }
    const failures = failuresOf(outcome.results)
    onSettled?.(failures.length === 0)
    if (failures.length > 0) {
      const failure = new HandlerError(event, failures, false)
      this.#report(failure, trace)
      return rules ? this.#failureResponse(delivery, rules, 'failed') : errorResponse(failure)
    }
    return rules ? this.#decide(delivery, outcome.results) : okResponse
  }

  /** A before-callback's answer from every decision made, returned or not; the stricter wins. */
  #decide(delivery: Delivery, results: readonly PromiseSettledResult<unknown>[]): CallbackResponse {
    const name = delivery.event.name as string
    const returned = returnedDecisions(name, results)
    // Returned decisions in the handlers' order (the first rejecting handler's code is used), then the ones only made.
    const made = [...returned, ...delivery.decisions.filter((decision) => !returned.includes(decision))]
    const decision = combineDecisions(made)
    if (decision === undefined) return okResponse
    // Handlers that disagree are normal (the stricter wins, as documented); a handler whose own returned decision
    // lost to one it only made is worth a warning.
    const overruled = returned.includes(decision) ? undefined : returned.find((other) => other.action !== decision.action)
    if (overruled !== undefined) {
      this.#log.warn(
        `[@roomhooks/core] ${name}: a handler returned ${overruled.action}() but ${decision.action}() was also decided; answered ${decision.action}, the stricter`,
      )
    }
    return decisionResponse(decision)
  }

  /** Keeps a decision a handler made, unless the answer has already gone. */
  #record(delivery: Delivery, decision: Decision): void {
    if (!delivery.answered) {
      delivery.decisions.push(decision)
      return
    }
    this.#log.warn(
      `[@roomhooks/core] ${decision.event}: ${decision.action}() was called after the answer had gone (handlers took longer than ${this.#handlerTimeout} ms); it did not count`,
    )
  }

  /**
   * The answer when handlers failed or missed the deadline: the failure decision, unless a handler made a stricter
   * one in time (a reject or drop still counts; so does a replacement message when the failure decision allows).
   */
  #failureResponse(delivery: Delivery, rules: DecisionRules, why: DecisionFailure): CallbackResponse {
    const event = delivery.event.name as string
    const fallback = failureDecision(event, this.#failureDecisions.get(event) ?? rules.onFailure, why)
    return decisionResponse(combineDecisions([...delivery.decisions, fallback]) ?? fallback)
  }

  #handlersFor(name: EventName): readonly AnyHandler[] {
    const own = this.#handlers.get(name)
    if (own === undefined) return this.#anyHandlers
    return this.#anyHandlers.length === 0 ? own : [...own, ...this.#anyHandlers]
  }

  /** Counts `work` as running until it settles, so that close() can wait for it. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#running++
    const done = (): void => {
      if (--this.#running === 0) this.#idle?.()
    }
    work.then(done, done)
    return work
  }

  async #drain(timeout: number): Promise<CloseResult> {
    if (this.#running > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(timeout, MAX_TIMER))
        this.#idle = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    const running = this.#running
    if (running > 0) {
      this.#log.warn(`[@roomhooks/core] close(): ${running} tasks (handlers, store updates) were unfinished after ${timeout} ms`)
    }
    return { drained: running === 0, running }
  }

  #report(error: RoomhooksError, trace: CallbackTrace | undefined): void {
    trace?.errors.push(error)
    if (this.#errorHandlers.length === 0) {
      if (error instanceof HandlerError) this.#logHandlerError(error)
      else this.#log.warn(error.message, error.cause)
      return
    }
    for (const handler of this.#errorHandlers) {
      try {
        const result = handler(error)
        if (result instanceof Promise) result.catch((failure: unknown) => this.#logErrorHandlerFailure(failure))
      } catch (failure) {
        this.#logErrorHandlerFailure(failure)
      }
    }
  }

  #logHandlerError(error: HandlerError): void {
    const count = error.errors.length
    const others = count > 1 ? ` (${count} handlers failed; the first error is shown)` : ''
    this.#log.error(`${error.message}${error.late ? ' after the answer' : ''}${others}`, error.errors[0])
  }

  #logErrorHandlerFailure(failure: unknown): void {
    this.#log.error('[@roomhooks/core] An onError handler failed', failure)
  }

  #warnInexact(command: string, paths: readonly PayloadPath[]): void {
    const first = formatPath(paths[0] as PayloadPath)
    const fields = paths.length === 1 ? `${first} arrived as a number` : `${paths.length} fields (the first ${first}) arrived as numbers`
    this.#log.warn(
      `[@roomhooks/core] ${command}: ${fields} above 2^53 after a body parser had read the body, so digits may be wrong. Mount roomhooks before the parser, or keep the raw body (express.json({ verify })), to keep user IDs exact.`,
    )
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

function readEventTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value)
  return undefined
}

function eventNames(names: string | readonly string[]): EventName[] {
  const list = typeof names === 'string' ? [names] : names
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError('[@roomhooks/core] on() needs an event name, a command, or a non-empty array of them')
  }
  return list.map((name) => requireDefinition(name).event)
}

function assertHandler(handler: unknown): void {
  if (typeof handler !== 'function') throw new TypeError('[@roomhooks/core] A handler must be a function')
}
