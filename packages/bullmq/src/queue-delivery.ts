import { Writable } from 'node:stream'
import type { CallbackDelivery, EnqueueOptions, StoredCallback } from '@roomhooks/core/delivery'
import { Queue, type ConnectionOptions, type Job, type JobsOptions } from 'bullmq'
import {
  count,
  positive,
  readLocation,
  WORKER_BACKOFF,
  WORKER_DECIDES_ATTEMPTS,
  type QueueLocation,
} from './queue-settings.js'
import { handledHere } from './handled-here.js'
import { keepRefusedBounded } from './refused-records.js'

type RedisClient = Awaited<ReturnType<Queue['getBackend']>['client']>

/** Options of {@link createQueueDelivery}. */
export interface QueueDeliveryOptions extends QueueLocation {
  /**
   * How long the receiver waits for Redis to confirm a callback, in ms, before it handles the callback in its own
   * process (and reports `DELIVERY_FAILED`). Default 500: the platform waits about 2 s for the answer.
   */
  readonly deliveryTimeout?: number
  /**
   * How long a handled callback's job is kept, in ms: a copy of it delivered meanwhile is not run again. Default
   * 10 minutes. Failed jobs (the dead letter) are kept until replayed or removed.
   */
  readonly ttl?: number
  /**
   * The most refused bodies (authentic, failing their schema) kept for a replay; the oldest are removed first.
   * Default 1,000. Only receivers with a `token` keep them: without one, anybody could fill Redis with them.
   */
  readonly maxRefused?: number
  /** How long a refused body is kept, in ms; removed when a later one is kept. Default 7 days. */
  readonly refusedTtl?: number
}

/** A delivery into a BullMQ queue, for the `delivery` option of createRoomWebhooks(). */
export interface QueueDelivery extends CallbackDelivery {
  readonly timeout: number
  /** The BullMQ queue the callbacks are added to: for a dashboard such as bull-board, or for metrics. */
  readonly queue: Queue
  /**
   * Closes the queue's connections; `hooks.close()` calls it. When `signal` aborts (hooks.close()'s timeout is up:
   * Redis does not answer), the connections made here are ended at once.
   */
  close(options?: { readonly signal?: AbortSignal }): Promise<void>
}

/**
 * A delivery that stores verified after-callbacks in a BullMQ queue before the platform is answered; workers of
 * {@link createRoomWorker} run them. The job's id is the callback's key (command, SdkAppID, SHA-256 of the body),
 * so a callback delivered twice is one job while the first is kept.
 *
 * @example
 * const hooks = createRoomWebhooks({
 *   sdkAppId: 1400000000,
 *   delivery: createQueueDelivery({ connection: { host: 'localhost', port: 6379 } }),
 * })
 */
export function createQueueDelivery(options: QueueDeliveryOptions): QueueDelivery {
  const { name, prefix } = readLocation(options, 'createQueueDelivery')
  const timeout = positive('deliveryTimeout', options.deliveryTimeout, 500)
  const ttl = positive('ttl', options.ttl, 10 * 60 * 1000)
  const refusedBounds = {
    count: count('maxRefused', options.maxRefused, 1000),
    ttl: positive('refusedTtl', options.refusedTtl, 7 * 24 * 60 * 60 * 1000),
  }
  const jobOptions: JobsOptions = {
    attempts: WORKER_DECIDES_ATTEMPTS,
    backoff: { type: WORKER_BACKOFF },
    removeOnComplete: { age: Math.ceil(ttl / 1000) },
    removeOnFail: false,
  }
  // Opened now, so that the first callback finds the connection ready.
  const queue = new Queue(name, { connection: failingFast(options.connection), ...(prefix && { prefix }) })
  // Connection errors reach the receiver as failed enqueue() calls, each reported; the event itself is not news.
  queue.on('error', () => {})
  const connection = firstConnection(queue)
  const refused = keepRefusedBounded(queue, refusedBounds)
  const handled = handledHere(queue, ttl)
  return {
    timeout,
    queue,
    async enqueue(callback: StoredCallback, { key, signal }: EnqueueOptions) {
      await connection.within(timeout)
      const redis = await queue.getBackend().client
      // The receiver stopped waiting for the first connection and has handled the callback: adding it would only
      // run it twice.
      if (signal.aborted) return undefined
      // Asked in the same round trip: whether the job of this key waits in the dead letter, where BullMQ's add of
      // an id it has adds nothing. Both go out in one write (see oneWrite).
      const added = oneWrite(redis, () =>
        Promise.all([
          queue.add(callback.command, callback, { ...jobOptions, jobId: key }),
          redis.zscore(queue.toKey('failed'), key),
        ]),
      )
      // The receiver gave up waiting and handled the callback itself, successfully: a worker must not run it again.
      // Noted at once, not once the add has returned, so that Redis has the note before a worker can take the job;
      // then the job is taken back if it still waits.
      const takeBack = () =>
        void handled.mark(key, callback).then(() => added.then(() => withdraw(queue, key, callback)).catch(() => {}))
      signal.addEventListener('abort', takeBack, { once: true })
      const [job, deadLettered] = await added
      if (callback.refusal !== undefined) refused.kept(key, callback.receivedAt)
      else if (deadLettered !== null) {
        refused.forget(key) // the job may have been a refused body that now passes: it runs, it is not trimmed
        await runAgain(job, callback)
      }
      return job.id
    },
    async close({ signal } = {}) {
      // With Redis gone, the QUIT fails and ioredis would reconnect for ever, keeping the process alive; with Redis
      // hanging (a network partition), the QUIT and the notes being written wait for ever, and so does this close
      // until the caller gives up. The connections made here are then ended for good; an ioredis instance given
      // is the caller's to end.
      const end = () => {
        handled.end()
        if (isOptions(options.connection)) {
          void queue
            .getBackend()
            .client.then((client) => client.disconnect())
            .catch(() => {})
        }
      }
      signal?.addEventListener('abort', end, { once: true })
      try {
        await Promise.all([refused.settled(), handled.close()])
        await queue.close()
      } finally {
        signal?.removeEventListener('abort', end)
        end()
      }
    },
  }
}

/**
 * Runs `send` with the connection's socket corked until this turn of the event loop has run its I/O callbacks
 * (`setImmediate`): the commands it sends (BullMQ's add leaves a few awaits later), and those of every callback
 * received in the same turn, leave in one write. On this path a write costs more than the bytes it carries: the
 * receiver makes a system call and wakes Redis, Redis makes a read, per write. Nothing waits longer than the turn,
 * and each command is still answered on its own. The socket is the one of this moment: after a reconnection it is
 * another, and uncorking the old one is harmless.
 */
function oneWrite<T>(redis: RedisClient, send: () => T): T {
  // An ioredis connection has its socket as `stream`; another client is used as it is.
  const socket = (redis as { readonly stream?: unknown }).stream
  if (!(socket instanceof Writable)) return send()
  socket.cork()
  try {
    return send()
  } finally {
    setImmediate(() => socket.uncork())
  }
}

/**
 * Until its first connection, BullMQ holds every command until Redis answers, however long that takes: the
 * receiver would have long given up, and the callback would be added behind its back. So a callback waits for
 * the first connection only as long as the receiver waits, and is then refused, never sent. (Once connected, the
 * fail-fast connection refuses commands at once while Redis is unreachable.) Waiters that give up are dropped, so
 * a long outage at start-up holds nothing.
 */
function firstConnection(queue: Queue): { within(ms: number): Promise<void> } {
  let connected = false
  const waiting = new Set<() => void>()
  queue.waitUntilReady().then(
    () => {
      connected = true
      for (const ready of waiting) ready()
      waiting.clear()
    },
    () => {}, // closed before it ever connected
  )
  return {
    within: (ms) =>
      connected
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const ready = () => {
              clearTimeout(timer)
              resolve()
            }
            const timer = setTimeout(() => {
              waiting.delete(ready)
              reject(new Error(`Redis was not reached within ${ms} ms (queue ${queue.name})`))
            }, ms)
            waiting.add(ready)
          }),
  }
}

/**
 * Removes a job the receiver handled itself after it was stored late: only the job this receiver stored (a copy
 * of the callback stored earlier has another `receivedAt`), and only while no worker has taken it. When one has,
 * the callback runs twice: at least once, as documented.
 */
async function withdraw(queue: Queue, key: string, callback: StoredCallback): Promise<void> {
  const job = await queue.getJob(key)
  if (job === undefined || (job.data as StoredCallback).receivedAt !== callback.receivedAt) return
  if (await job.isWaiting()) await job.remove()
}

/**
 * A callback delivered again while its first delivery waits in the failed set: runs it again, as this delivery
 * (its record, attempts reset), rather than answer OK for a callback that will never run. A job no longer in the
 * failed set (replayed meanwhile, or run again for another copy) is left as it is.
 */
async function runAgain(job: Job, callback: StoredCallback): Promise<void> {
  // The record first: once retried, a worker may take the job at once, and must run this delivery's record.
  await job.updateData(callback)
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => {})
}

/**
 * ioredis options that fail a command at once while Redis is unreachable, rather than queueing it in memory: the
 * receiver then handles the callback itself within its timeout, and nothing is added later behind its back. An
 * ioredis instance is used as it is.
 */
function failingFast(connection: ConnectionOptions): ConnectionOptions {
  return isOptions(connection) ? { enableOfflineQueue: false, ...connection } : connection
}

/** Whether `connection` is ioredis options (the queue makes its own connection), not an ioredis instance. */
function isOptions(connection: ConnectionOptions): boolean {
  return Object.getPrototypeOf(connection) === Object.prototype
}
