import type { ConnectionOptions } from 'bullmq'

/** Where the queue lives: what the receiving side, the workers and the CLI share. */
export interface QueueLocation {
  /**
   * The Redis to use: ioredis options (`{ host, port }`, `{ url }`), or an ioredis instance (then its options are
   * used as they are). Redis needs `maxmemory-policy noeviction`.
   */
  readonly connection: ConnectionOptions
  /** The queue's name. Default `'roomhooks'`. */
  readonly queueName?: string
  /** The prefix of the queue's Redis keys, as BullMQ's `prefix`. Default `'bull'`. */
  readonly prefix?: string
}

/** The queue's name when none is given. */
export const DEFAULT_QUEUE_NAME = 'roomhooks'

/**
 * The backoff type stored on each job. Its delays come from the worker's `backoff` option, so that retries are
 * the workers' setting, changed without touching jobs already queued.
 */
export const WORKER_BACKOFF = 'roomhooks'

/**
 * The attempts stored on each job: more than any worker allows. A worker fails a job for good (BullMQ's
 * UnrecoverableError) once its own `attempts` are spent.
 */
export const WORKER_DECIDES_ATTEMPTS = 2 ** 31 - 1

/** The queue's name and prefix, checked. */
export function readLocation(
  options: QueueLocation,
  caller: string,
): { readonly name: string; readonly prefix?: string } {
  if (options === null || typeof options !== 'object' || options.connection == null) {
    throw new TypeError(
      `[@roomhooks/bullmq] ${caller}() needs options with a connection, e.g. { connection: { host, port } }`,
    )
  }
  const name = options.queueName ?? DEFAULT_QUEUE_NAME
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    throw new TypeError(`[@roomhooks/bullmq] queueName must be a non-empty string without ':', got ${String(name)}`)
  }
  return options.prefix === undefined ? { name } : { name, prefix: options.prefix }
}

/** The longest delay `setTimeout()` takes, in ms; it fires at once for anything longer. */
export const MAX_TIMER = 2 ** 31 - 1

/** A positive number option (a count, or ms that a timer waits: at most 2^31 - 1), or its default. */
export function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value > 0) || !(value <= MAX_TIMER)) {
    throw new TypeError(
      `[@roomhooks/bullmq] ${name} must be a positive number, at most ${MAX_TIMER}, got ${String(value)}`,
    )
  }
  return value
}

/** A whole number of at least 1, or its default. */
export function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`[@roomhooks/bullmq] ${name} must be a whole number of at least 1, got ${String(value)}`)
  }
  return value
}
