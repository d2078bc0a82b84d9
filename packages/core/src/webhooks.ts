import { commandDefinitions, findCommand, findDefinition, requireDefinition } from './catalog.js'
import {
  combineDecisions,
  decisionHelpers,
  decisionResponse,
  failureDecision,
  type DecisionRules,
  type FailureDecision,
} from './decision.js'
import { claimWithin, dedupeFailure, dedupeKey, type DedupeOptions, type DedupeStore } from './dedupe.js'
import { errorResponse, okResponse, type CallbackResponse } from './envelope.js'
import { HandlerError, RoomhooksError, toRoomhooksError } from './errors.js'
import type { Logger } from './logger.js'
import { resolveOptions, type RoomWebhooksOptions } from './options.js'
import { type BodyInput, parseCallbackBody } from './parse-body.js'
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

type AnyHandler = CallbackHandler<never>

/**
 * Receives Tencent Cloud Room and Live callbacks: verifies, parses, validates, dispatches typed events to the
 * handlers, and answers with the envelope the platform expects. Create it with {@link createRoomWebhooks}.
 */
export class RoomWebhooks {
  readonly #verification: VerificationSettings
  readonly #handlerTimeout: number
  readonly #bodyLimit: number
  readonly #log: Logger
  readonly #failureDecisions: ReadonlyMap<string, FailureDecision>
  readonly #dedupe: Required<DedupeOptions> | undefined
  // Handler lists are replaced, never mutated, so a dispatch in progress keeps the list it started with.
  readonly #handlers = new Map<EventName, readonly AnyHandler[]>()
  #anyHandlers: readonly AnyHandler[] = []
  #errorHandlers: readonly ErrorHandler[] = []

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
    // Synchronous until a body has to be read or a handler returns a promise: a callback whose handlers are
    // synchronous costs one promise, the one returned.
    try {
      const receivedAt = Date.now()
      const query = readCallbackQuery(request.query ?? '')
      const sdkAppId = verifyCallback(query, this.#verification, receivedAt)
      const source = request.body
      if (typeof source === 'function') {
        return (source as BodyReader)(this.#bodyLimit).then(
          (body) => this.#handle(query, sdkAppId, body, receivedAt, trace),
          (error: unknown) => this.#refuse(error, trace),
        )
      }
      return Promise.resolve(this.#handle(query, sdkAppId, source, receivedAt, trace))
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
    let event: AnyCallbackEvent
    let key: string | undefined
    try {
      const payload = parseCallbackBody(body, this.#bodyLimit)
      const command = resolveCommand(query.command, payload['CallbackCommand'])
      const definition = findCommand(command)
      // Before-callbacks are never deduplicated: a repeated question needs its answer again.
      if (this.#dedupe !== undefined && definition?.kind !== 'before') key = dedupeKey(command, body)
      if (definition !== undefined) {
        validatePayload(definition, payload, (path) => this.#warnUnsafeNumber(command, path))
      }
      event = {
        name: definition?.event ?? null,
        command: definition?.command ?? command,
        payload,
        sdkAppId,
        clientIp: query.clientIp,
        platform: query.platform,
        eventTime: readEventTime(payload['EventTime']),
        receivedAt,
      } as AnyCallbackEvent
      if (definition?.decisions) Object.assign(event, decisionHelpers(definition.event, definition.decisions))
    } catch (error) {
      return this.#refuse(error, trace)
    }
    if (trace) trace.event = event
    return key === undefined ? this.#dispatch(event, trace) : this.#dispatchOnce(key, event, trace)
  }

  /** Dispatches unless the store has seen the callback; fails open when the store fails or is slow. */
  #dispatchOnce(key: string, event: AnyCallbackEvent, trace: CallbackTrace | undefined): CallbackResponse | Promise<CallbackResponse> {
    const { store, ttl, timeout } = this.#dedupe as Required<DedupeOptions>
    const decide = (fresh: boolean) => {
      if (fresh) return this.#dispatchReleasingOnFailure(store, key, event, trace)
      this.#log.debug(`[@roomhooks/core] ${event.command} was delivered again; its handlers already ran`)
      return okResponse
    }
    const failOpen = (error: unknown) => {
      this.#report(dedupeFailure(error, 'failed; the callback was handled anyway'), trace)
      return this.#dispatch(event, trace)
    }
    try {
      const claimed = claimWithin(store, key, ttl, timeout)
      return typeof claimed === 'boolean' ? decide(claimed) : claimed.then(decide, failOpen)
    } catch (error) {
      return failOpen(error)
    }
  }

  /** When handlers fail the platform is answered 500 and may retry: the store must not turn the retry away. */
  #dispatchReleasingOnFailure(store: DedupeStore, key: string, event: AnyCallbackEvent, trace: CallbackTrace | undefined) {
    const reportFailure = (error: unknown) => this.#report(dedupeFailure(error, 'could not forget a failed callback'), trace)
    const release = (response: CallbackResponse): CallbackResponse => {
      if (response.status !== 500) return response
      try {
        void Promise.resolve(store.release(key)).catch(reportFailure)
      } catch (error) {
        reportFailure(error)
      }
      return response
    }
    const response = this.#dispatch(event, trace)
    return response instanceof Promise ? response.then(release) : release(response)
  }

  #refuse(error: unknown, trace: CallbackTrace | undefined): CallbackResponse {
    const refusal = toRoomhooksError(error)
    this.#report(refusal, trace)
    return errorResponse(refusal)
  }

  #dispatch(event: AnyCallbackEvent, trace: CallbackTrace | undefined): CallbackResponse | Promise<CallbackResponse> {
    const handlers = event.name === null ? this.#anyHandlers : this.#handlersFor(event.name)
    if (handlers.length === 0) return okResponse
    const outcome = runHandlers(handlers, event as never, this.#handlerTimeout)
    return outcome instanceof Promise
      ? outcome.then((settled) => this.#answer(event, settled, trace))
      : this.#answer(event, outcome, trace)
  }

  #answer(event: AnyCallbackEvent, outcome: HandlersOutcome, trace: CallbackTrace | undefined): CallbackResponse {
    const rules: DecisionRules | undefined = event.name === null ? undefined : findDefinition(event.name)?.decisions
    if (outcome.late) {
      this.#log.warn(
        `[@roomhooks/core] Handlers for ${event.command} took longer than ${this.#handlerTimeout} ms; answered without them and let them finish`,
      )
      void outcome.settled.then((results) => {
        const failures = failuresOf(results)
        if (failures.length > 0) this.#report(new HandlerError(event, failures, true), trace)
      })
      return rules ? this.#failureResponse(event.name as string, rules) : okResponse
    }
    const failures = failuresOf(outcome.results)
    if (failures.length > 0) {
      const failure = new HandlerError(event, failures, false)
      this.#report(failure, trace)
      return rules ? this.#failureResponse(event.name as string, rules) : errorResponse(failure)
    }
    if (!rules) return okResponse
    const decision = combineDecisions(event.name as string, outcome.results)
    return decision ? decisionResponse(decision) : okResponse
  }

  #failureResponse(event: string, rules: DecisionRules): CallbackResponse {
    return decisionResponse(failureDecision(event, this.#failureDecisions.get(event) ?? rules.onFailure))
  }

  #handlersFor(name: EventName): readonly AnyHandler[] {
    const own = this.#handlers.get(name)
    if (own === undefined) return this.#anyHandlers
    return this.#anyHandlers.length === 0 ? own : [...own, ...this.#anyHandlers]
  }

  #report(error: RoomhooksError, trace: CallbackTrace | undefined): void {
    trace?.errors.push(error)
    if (this.#errorHandlers.length === 0) {
      if (error instanceof HandlerError) this.#log.error(error.message, ...error.errors)
      else this.#log.warn(error.message)
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

  #logErrorHandlerFailure(failure: unknown): void {
    this.#log.error('[@roomhooks/core] An onError handler failed', failure)
  }

  #warnUnsafeNumber(command: string, path: string): void {
    this.#log.warn(
      `[@roomhooks/core] ${command} ${path} arrived as a number above 2^53 in a body parsed before roomhooks, so its digits may be wrong. Let roomhooks read the raw body (mount it before any JSON body parser) to keep user IDs exact.`,
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

function resolveCommand(fromQuery: string | undefined, fromBody: unknown): string {
  const bodyCommand = typeof fromBody === 'string' && fromBody !== '' ? fromBody : undefined
  const command = fromQuery || bodyCommand
  if (command === undefined) {
    throw new RoomhooksError('MISSING_COMMAND', 'CallbackCommand is missing from both the query string and the body')
  }
  if (bodyCommand !== undefined && bodyCommand !== command) {
    const a = findCommand(command)
    if (a === undefined || a !== findCommand(bodyCommand)) {
      throw new RoomhooksError(
        'COMMAND_MISMATCH',
        `CallbackCommand differs between the query string (${command}) and the body (${bodyCommand.slice(0, 64)})`,
      )
    }
  }
  return command
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
