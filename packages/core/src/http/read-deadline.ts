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
  /** Pending (in the list), due (out of the list, its `expire` about to be called), or ended. */
  state: 'pending' | 'due' | 'ended'
}

/**
 * One timer for every read of a node:http receiver. The reads share one timeout, so they expire in the order they
 * started: a list in that order and a timer set for its oldest read do the work of a timer per read, whose setting
 * and clearing cost about 5 % of a callback's CPU on node:http. While a read is pending the timer keeps the process
 * alive, as a timer of its own did (a request made in memory, by Fastify's `inject()` or light-my-request, has no
 * socket to do it); once none is, the timer is unref'd and fires at most once more, to no effect. Node.js only (see
 * {@link timerPerRead}).
 */
export class SharedReadDeadline implements ReadDeadline {
  readonly timeout: number
  #oldest: PendingRead | undefined
  #newest: PendingRead | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  /** When the timer is due, on `performance.now()`'s clock as it read when the timer was set. */
  #due = 0

  constructor(timeout: number) {
    this.timeout = timeout
  }

  start(expire: () => void): PendingRead {
    const read: PendingRead = {
      at: performance.now() + this.timeout,
      expire,
      older: this.#newest,
      newer: undefined,
      state: 'pending',
    }
    if (this.#newest === undefined) {
      this.#oldest = read
      this.#timer?.ref?.() // (a runtime whose timers are numbers has nothing to ref)
    } else {
      this.#newest.newer = read
    }
    this.#newest = read
    if (this.#timer === undefined) this.#arm(read.at, this.timeout)
    return read
  }

  stop(read: unknown): void {
    const pending = read as PendingRead
    if (pending.state === 'pending') this.#unlink(pending)
    pending.state = 'ended'
  }

  #unlink(read: PendingRead): void {
    if (read.older === undefined) this.#oldest = read.newer
    else read.older.newer = read.newer
    if (read.newer === undefined) this.#newest = read.older
    else read.newer.older = read.older
    // An ended read keeps no other alive (with its collector and the chunks it kept).
    read.older = undefined
    read.newer = undefined
    if (this.#oldest === undefined) this.#timer?.unref?.()
  }

  #arm(due: number, delay: number): void {
    this.#due = due
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(delay)))
  }

  #fire(): void {
    this.#timer = undefined
    // The timer's clock says `#due` has come, even where `performance.now()` lags it: fake timers in an app's tests
    // move only the timers, and node's timers count from the event loop's cached time. So a read may expire up to a
    // millisecond early on `performance.now()`, as with a timer of its own.
    const now = Math.max(performance.now(), this.#due)
    const due: PendingRead[] = []
    for (let read = this.#oldest; read !== undefined && read.at <= now; read = this.#oldest) {
      this.#unlink(read)
      read.state = 'due'
      due.push(read)
    }
    if (this.#oldest !== undefined) this.#arm(this.#oldest.at, this.#oldest.at - now)
    for (const read of due) {
      // An earlier read's expiry may have stopped this one.
      if (read.state !== 'due') continue
      read.state = 'ended'
      read.expire()
    }
  }
}
