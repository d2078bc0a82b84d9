import { requireDefinition } from '../catalog.js'
import type { ErrorHandler } from '../errors.js'
import type { CallbackHandler, EventName } from '../types.js'

/** A handler as the receiver stores it, whatever event it was added for. */
export type AnyHandler = CallbackHandler<never>

/**
 * The handlers added with `on()`, `onAny()` and `onError()`. Lists are replaced, never mutated, so a dispatch in
 * progress keeps the list it started with.
 */
export class Listeners {
  readonly #byEvent = new Map<EventName, readonly AnyHandler[]>()
  #any: readonly AnyHandler[] = []
  #errors: readonly ErrorHandler[] = []

  /** Adds a handler for each event named (event names, commands or aliases). */
  add(names: string | readonly string[], handler: unknown): void {
    assertHandler(handler)
    for (const event of eventNames(names))
      this.#byEvent.set(event, [...(this.#byEvent.get(event) ?? []), handler as AnyHandler])
  }

  /** Adds a handler for every callback. */
  addAny(handler: unknown): void {
    assertHandler(handler)
    this.#any = [...this.#any, handler as AnyHandler]
  }

  /** Adds a handler told of every error. */
  addError(handler: unknown): void {
    assertHandler(handler)
    this.#errors = [...this.#errors, handler as ErrorHandler]
  }

  /** Removes a handler added with {@link add} for the same names. */
  remove(names: string | readonly string[], handler: unknown): void {
    for (const event of eventNames(names)) {
      const remaining = (this.#byEvent.get(event) ?? []).filter((existing) => existing !== handler)
      if (remaining.length > 0) this.#byEvent.set(event, remaining)
      else this.#byEvent.delete(event)
    }
  }

  /** Whether any handler would run for an event, without building the list. */
  hasHandlers(name: EventName): boolean {
    return this.#any.length > 0 || this.#byEvent.has(name)
  }

  /** The handlers of an event (null: a command not in the catalog), `onAny` handlers last. */
  handlersOf(name: EventName | null): readonly AnyHandler[] {
    const own = name === null ? undefined : this.#byEvent.get(name)
    if (own === undefined) return this.#any
    return this.#any.length === 0 ? own : [...own, ...this.#any]
  }

  /** The `onError` handlers. */
  get errors(): readonly ErrorHandler[] {
    return this.#errors
  }
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
