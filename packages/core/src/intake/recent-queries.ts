import { readCallbackQuery, type CallbackQuery, type QueryInput } from './query.js'

/** How many distinct query strings are kept; once full, the memory starts over. */
const MAX_QUERIES = 64
/** Longer query strings are read every time: the platform's are about 200 characters. */
const MAX_QUERY_LENGTH = 1024

/**
 * The query strings a receiver read most recently, each with what it says. The platform sends the same query
 * string to a receiver over and over (the same app and command; with a token, the same RequestTime and Sign for a
 * whole second), so a callback usually finds its parameters read already. What is kept is frozen and is only what
 * {@link readCallbackQuery} gives: every callback is still verified, against the receiver's clock, as it arrives.
 */
export class RecentQueries {
  readonly #read = new Map<string, CallbackQuery>()

  /** The parameters of a query string, as {@link readCallbackQuery} reads them. */
  read(input: QueryInput): CallbackQuery {
    if (typeof input !== 'string' || input.length > MAX_QUERY_LENGTH) return readCallbackQuery(input)
    let query = this.#read.get(input)
    if (query === undefined) {
      query = Object.freeze(readCallbackQuery(input))
      if (this.#read.size >= MAX_QUERIES) this.#read.clear()
      this.#read.set(input, query)
    }
    return query
  }
}
