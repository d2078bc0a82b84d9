/** When a body read gives up: every read of a receiver has the same timeout, counted from its start. */
export interface ReadDeadline {
  /** How long a read may take, in ms. */
  readonly timeout: number
  /** Starts the clock of one read: `expire` is called once, `timeout` ms from now, unless `stop` comes first. */
  start(expire: () => void): unknown
  /** The read ended in time (or failed): its `expire` is not called, if it has not been already. */
  stop(read: unknown): void
}

/**
 * A timer for each read: for the fetch handler, as a Worker's timer belongs to the request that set it (a timer
 * shared with a request that has ended would never fire).
 */
export function timerPerRead(timeout: number): ReadDeadline {
  return {
    timeout,
    start: (expire) => setTimeout(expire, timeout),
    stop: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  }
}

/** A read on the clock of a {@link SharedReadDeadline}: a link of its list, oldest first. */
interface PendingRead {
  /** When it expires, on `performance.now()`'s clock. */
  readonly at: number
  readonly expire: () => void
  older: PendingRead | undefined
  newer: PendingRead | undefined
  ended: boolean
}

/**
 * One timer for every read of a node:http receiver. The reads share one timeout, so they expire in the order they
 * started: a list in that order and a timer set for its oldest read do the work of a timer per read, whose setting
 * and clearing cost about 5 % of a callback's CPU on node:http. The timer is unref'd: a pending read's socket keeps
 * the process alive, and once no read is pending it fires at most once more, to no effect. Node.js only (see
 * {@link timerPerRead}).
 */
export class SharedReadDeadline implements ReadDeadline {
  readonly timeout: number
  #oldest: PendingRead | undefined
  #newest: PendingRead | undefined
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(timeout: number) {
    this.timeout = timeout
  }

  start(expire: () => void): PendingRead {
    const read: PendingRead = {
      at: performance.now() + this.timeout,
      expire,
      older: this.#newest,
      newer: undefined,
      ended: false,
    }
    if (this.#newest === undefined) this.#oldest = read
    else this.#newest.newer = read
    this.#newest = read
    if (this.#timer === undefined) this.#arm(this.timeout)
    return read
  }

  stop(read: unknown): void {
    const pending = read as PendingRead
    if (pending.ended) return
    pending.ended = true
    if (pending.older === undefined) this.#oldest = pending.newer
    else pending.older.newer = pending.newer
    if (pending.newer === undefined) this.#newest = pending.older
    else pending.newer.older = pending.older
    // An ended read keeps no other alive (with its collector and the chunks it kept).
    pending.older = undefined
    pending.newer = undefined
  }

  #arm(delay: number): void {
    // The timer may fire a little before a read's time on this clock (node's timers count from the event loop's
    // cached time): the read is then left for the next firing, never expired early.
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(delay)))
    this.#timer.unref?.()
  }

  #fire(): void {
    this.#timer = undefined
    const now = performance.now()
    const expired: PendingRead[] = []
    while (this.#oldest !== undefined && this.#oldest.at <= now) {
      expired.push(this.#oldest)
      this.stop(this.#oldest)
    }
    if (this.#oldest !== undefined) this.#arm(this.#oldest.at - now)
    for (const read of expired) read.expire()
  }
}
