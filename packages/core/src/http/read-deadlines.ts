// Every body being read gets a deadline, and most arrive long before it: a timer of its own for each (made,
// listed, cancelled) cost a callback more than the rest of its reading. Reads with the same timeout expire in the
// order they started, so one timer, set for the oldest unfinished read, serves all of them.

type Timer = ReturnType<typeof setTimeout> & { ref?: () => unknown; unref?: () => unknown }

/** A read's deadline, from {@link watchDeadline}: cancel it once the read is over. */
export class ReadDeadline {
  readonly #queue: DeadlineQueue
  /** When it expires, in ms of `performance.now()`: a clock that a change of the system's time leaves alone. */
  readonly expires: number
  /** What to call when it expires; undefined once cancelled or called. */
  expired: (() => void) | undefined

  constructor(queue: DeadlineQueue, expires: number, expired: () => void) {
    this.#queue = queue
    this.expires = expires
    this.expired = expired
  }

  cancel(): void {
    this.expired = undefined
    this.#queue.dropFinished()
  }
}

/** The reads under way with one timeout, oldest first. */
class DeadlineQueue {
  readonly #timeout: number
  #entries: ReadDeadline[] = []
  #head = 0
  #timer: Timer | undefined

  constructor(timeout: number) {
    this.#timeout = timeout
  }

  add(expired: () => void): ReadDeadline {
    const deadline = new ReadDeadline(this, performance.now() + this.#timeout, expired)
    if (this.#entries.push(deadline) === 1) {
      // The timer, when there is one, is set for a deadline further off than this one: it checks again then.
      if (this.#timer === undefined) this.#arm(this.#timeout)
      else this.#timer.ref?.()
    }
    return deadline
  }

  /** Forgets the reads at the front that are over, so that reads finishing in order leave nothing behind. */
  dropFinished(): void {
    const entries = this.#entries
    while (this.#head < entries.length && entries[this.#head]!.expired === undefined) this.#head++
    if (this.#head === entries.length) {
      entries.length = 0
      this.#head = 0
      // Nothing is being read: the timer, still set, keeps no process alive.
      this.#timer?.unref?.()
    } else if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head)
      this.#head = 0
    }
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => this.#expire(), delay)
  }

  #expire(): void {
    this.#timer = undefined
    const now = performance.now()
    for (;;) {
      const deadline = this.#entries[this.#head]
      if (deadline === undefined || (deadline.expired !== undefined && deadline.expires > now)) break
      this.#head++
      const expired = deadline.expired
      deadline.expired = undefined
      expired?.()
    }
    this.dropFinished()
    const next = this.#entries[this.#head]
    if (next !== undefined) this.#arm(next.expires - now)
  }
}

const queues = new Map<number, DeadlineQueue>()

/** Calls `expired` once `timeout` ms have passed, unless the deadline is cancelled first. */
export function watchDeadline(timeout: number, expired: () => void): ReadDeadline {
  let queue = queues.get(timeout)
  if (queue === undefined) queues.set(timeout, (queue = new DeadlineQueue(timeout)))
  return queue.add(expired)
}
