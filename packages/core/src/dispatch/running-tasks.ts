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
  #idle: (() => void) | undefined

  /** Counts `work` as running until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#count++
    const done = (): void => {
      if (--this.#count === 0) this.#idle?.()
    }
    work.then(done, done)
    return work
  }

  /** Waits until nothing runs, or `timeout` ms. */
  async drain(timeout: number, log: Log): Promise<CloseResult> {
    if (this.#count > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(timeout, MAX_TIMER))
        this.#idle = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    const running = this.#count
    if (running > 0)
      log.warn(
        `[@roomhooks/core] close(): ${running} tasks (handlers, store updates) were unfinished after ${timeout} ms`,
      )
    return { drained: running === 0, running }
  }
}
