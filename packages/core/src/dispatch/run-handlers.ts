import { isThenable } from '../thenable.js'

/** How the handlers of one callback ended: all within the deadline, or not all of them. */
export type HandlersOutcome =
  | { readonly late: false; readonly results: readonly PromiseSettledResult<unknown>[] }
  | { readonly late: true; readonly settled: Promise<readonly PromiseSettledResult<unknown>[]> }

const LATE = Symbol('late')

/**
 * Calls every handler with the event at once and waits for all of them, up to `deadline` ms. A thrown error is
 * collected like a rejection. When every handler returns synchronously the outcome is returned at once, with no
 * promise or timer made at all.
 */
export function runHandlers<Event>(
  handlers: readonly ((event: Event) => unknown)[],
  event: Event,
  deadline: number,
): HandlersOutcome | Promise<HandlersOutcome> {
  const calls = handlers.map((handler) => call(handler, event))
  if (!calls.some((result) => result instanceof Promise)) {
    return { late: false, results: calls as PromiseSettledResult<unknown>[] }
  }
  // Some calls returned at once, some are promises: Promise.all takes both.
  // eslint-disable-next-line @typescript-eslint/await-thenable
  const settled = Promise.all(calls)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(resolve, deadline, LATE)
  })
  return Promise.race([settled, timeout]).then((first): HandlersOutcome => {
    clearTimeout(timer)
    return first === LATE ? { late: true, settled } : { late: false, results: first }
  })
}

function call<Event>(
  handler: (event: Event) => unknown,
  event: Event,
): PromiseSettledResult<unknown> | Promise<PromiseSettledResult<unknown>> {
  try {
    const value = handler(event)
    if (!isThenable(value)) return { status: 'fulfilled', value }
    return Promise.resolve(value).then(
      (result): PromiseSettledResult<unknown> => ({ status: 'fulfilled', value: result }),
      (reason: unknown): PromiseSettledResult<unknown> => ({ status: 'rejected', reason }),
    )
  } catch (reason) {
    return { status: 'rejected', reason }
  }
}

/** The reasons of the handlers that failed. */
export function failuresOf(results: readonly PromiseSettledResult<unknown>[]): unknown[] {
  const failures: unknown[] = []
  for (const result of results) if (result.status === 'rejected') failures.push(result.reason)
  return failures
}
