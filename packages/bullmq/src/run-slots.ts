/**
 * A worker's handler runs under way, late ones included: a run keeps its slot until its handlers have all ended,
 * even after its attempt failed at `handlerTimeout`. Without this, a handler that hangs frees the worker's slot at
 * the timeout and BullMQ takes the next job, so runs pile up without bound on a downstream that hangs.
 */
export class RunSlots {
  #free: number
  readonly #waiting = new Set<() => void>()
  readonly #idle = new Set<() => void>()
  #size: number

  constructor(size: number) {
    this.#size = size
    this.#free = size
  }

  /** Takes a slot: true at once when one is free, else once one is given back within `timeout` ms, else false. */
  take(timeout: number): Promise<boolean> {
    if (this.#free > 0) {
      this.#free--
      return Promise.resolve(true)
    }
    return new Promise((resolve) => {
      const given = () => {
        clearTimeout(timer)
        this.#waiting.delete(given)
        resolve(true)
      }
      const timer = setTimeout(() => {
        this.#waiting.delete(given)
        resolve(false)
      }, timeout)
      this.#waiting.add(given)
    })
  }

  /**
   * Makes the slots `size` in all (the worker's concurrency changed): more slots go to waiting takers at once; with
   * fewer, runs under way end as they would, and new ones wait until they are within the new size.
   */
  resize(size: number): void {
    this.#free += size - this.#size
    this.#size = size
    while (this.#free > 0 && this.#waiting.size > 0) {
      this.#free--
      ;(this.#waiting.values().next().value as () => void)()
    }
  }

  /** Gives a slot back, to the longest waiting taker if any. */
  give(): void {
    const next = this.#waiting.values().next()
    if (!next.done) return next.value()
    if (++this.#free < this.#size) return
    for (const idle of this.#idle) idle()
    this.#idle.clear()
  }

  /** Resolves once no run is under way. */
  idle(): Promise<void> {
    if (this.#free === this.#size) return Promise.resolve()
    return new Promise((resolve) => this.#idle.add(resolve))
  }
}
