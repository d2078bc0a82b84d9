/** One open event stream, as its transport writes it. */
export interface LiveStream {
  /** Writes a chunk; returns false when the client reads too slowly and the stream should end. */
  write(chunk: string): boolean
  end(): void
}

/**
 * The headers of an event stream: never cached, never buffered by a proxy (nginx's X-Accel-Buffering), never
 * compressed (`no-transform`, which Express's compression() and proxies honour: gzip would hold events back in
 * its buffer until kilobytes of them had piled up).
 */
export const STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store, no-transform',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
}

/** A client that lets this much of the stream pile up unread is dropped (it reconnects and reloads the list). */
export const MAX_BACKLOG = 1024 * 1024

/** How often a comment line is sent, so that proxies and browsers keep an idle stream open. */
const PING_INTERVAL = 15_000

/**
 * The open `text/event-stream` connections of one inspector: sends each event to all of them, pings them while any
 * is open, and ends them all on `close()`. A stream is forgotten when its client goes, so nothing is kept for it.
 */
export class LiveStreams {
  readonly #streams = new Set<LiveStream>()
  readonly #pingInterval: number
  #timer: ReturnType<typeof setInterval> | undefined
  #closed = false

  constructor(pingInterval = PING_INTERVAL) {
    this.#pingInterval = pingInterval
  }

  /** How many streams are open. */
  get size(): number {
    return this.#streams.size
  }

  /** Adds a stream; returns the function that forgets it (its client went). Ended at once once closed. */
  open(stream: LiveStream): () => void {
    if (this.#closed) {
      stream.end()
      return () => {}
    }
    this.#streams.add(stream)
    stream.write(': connected\n\n')
    this.#timer ??= unrefed(setInterval(() => this.#send(': ping\n\n'), this.#pingInterval))
    return () => this.#forget(stream)
  }

  /** Sends an event to every open stream. */
  send(event: string, data: unknown): void {
    if (this.#streams.size === 0) return
    this.#send(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }

  /** Ends every stream; later ones are ended as they open. */
  close(): void {
    this.#closed = true
    for (const stream of [...this.#streams]) {
      this.#forget(stream)
      stream.end()
    }
  }

  #send(chunk: string): void {
    for (const stream of [...this.#streams]) {
      if (stream.write(chunk)) continue
      // A client that does not read: dropped, rather than its backlog kept. EventSource reconnects by itself.
      this.#forget(stream)
      stream.end()
    }
  }

  #forget(stream: LiveStream): void {
    this.#streams.delete(stream)
    if (this.#streams.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}

function unrefed<T>(timer: T): T {
  ;(timer as { unref?: () => void }).unref?.()
  return timer
}
