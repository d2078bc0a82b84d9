import { MAX_TIMER } from '../max-timer.js'
import type { Log } from '../logger.js'

/** What {@link RoomWebhooks.close} found. */
export interface CloseResult {
  /** Everything finished within the timeout. */
  readonly drained: boolean
  /** How many tasks (callbacks being handled, handlers answered without, store updates) were unfinished. */
  readonly running: number
}

/**
 * The receiver's unfinished work: callbacks being handled, handlers the platform was answered without, store
 * updates. A count, not the tasks themselves, so that a handler that never settles is not kept in memory.
 */
export class RunningTasks {
  #count = 0
  /** Resolves once the count is back to 0; made when first asked for while something runs. */
  #idle: { promise: Promise<void>; resolve: () => void } | undefined

  /** Counts `work` as running until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.started()
    const done = (): void => this.finished()
    work.then(done, done)
    return work
  }

  /**
   * Counts one task as running, for a caller that tells {@link finished} itself, exactly once, when it settles:
   * that costs the task no promise of its own.
   */
  started(): void {
    this.#count++
  }

  /** One task counted with {@link started} has settled. */
  finished(): void {
    if (--this.#count === 0 && this.#idle !== undefined) {
      this.#idle.resolve()
      this.#idle = undefined
    }
  }

  /** Resolves once nothing runs (at once when nothing does), however long that takes. */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve()
    if (this.#idle === undefined) {
      let resolve!: () => void
      const promise = new Promise<void>((settle) => (resolve = settle))
      this.#idle = { promise, resolve }
    }
    return this.#idle.promise
  }

  /** Waits until nothing runs, or `timeout` ms. */
  async drain(timeout: number, log: Log): Promise<CloseResult> {
    if (this.#count > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        this.idle(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(timeout, MAX_TIMER)))),
      ])
      clearTimeout(timer)
    }
    const running = this.#count
    if (running > 0)
      log.warn(
        `[@roomhooks/core] close(): ${running} tasks (handlers, store updates) were unfinished after ${timeout} ms`,
      )
    return { drained: running === 0, running }
  }
}
