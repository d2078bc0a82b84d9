import type { CallbackDelivery, EnqueueOptions, StoredCallback } from '@roomhooks/core/delivery'
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq'
import {
  positive,
  readLocation,
  WORKER_BACKOFF,
  WORKER_DECIDES_ATTEMPTS,
  type QueueLocation,
} from './queue-settings.js'

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
}

/** A delivery into a BullMQ queue, for the `delivery` option of createRoomWebhooks(). */
export interface QueueDelivery extends CallbackDelivery {
  readonly timeout: number
  /** The BullMQ queue, opened on the first callback: for a dashboard such as bull-board, or for metrics. */
  readonly queue: Queue
  /** Closes the queue's connection; `hooks.close()` calls it. */
  close(): Promise<void>
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
  const jobOptions: JobsOptions = {
    attempts: WORKER_DECIDES_ATTEMPTS,
    backoff: { type: WORKER_BACKOFF },
    removeOnComplete: { age: Math.ceil(ttl / 1000) },
    removeOnFail: false,
  }
  let queue: Queue | undefined
  const open = (): Queue => {
    if (queue !== undefined) return queue
    queue = new Queue(name, { connection: failingFast(options.connection), ...(prefix && { prefix }) })
    // Connection errors reach the receiver as failed enqueue() calls, each reported; the event itself is not news.
    queue.on('error', () => {})
    return queue
  }
  return {
    timeout,
    get queue() {
      return open()
    },
    async enqueue(callback: StoredCallback, { key, signal }: EnqueueOptions) {
      const job = await open().add(callback.command, callback, { ...jobOptions, jobId: key })
      // The receiver stopped waiting and handled the callback itself: take the job back unless a worker has it.
      if (signal.aborted && job.id !== undefined) await open().remove(job.id)
    },
    async close() {
      await queue?.close()
    },
  }
}

/**
 * ioredis options that fail a command at once while Redis is unreachable, rather than queueing it in memory: the
 * receiver then handles the callback itself within its timeout, and nothing is added later behind its back. An
 * ioredis instance is used as it is.
 */
function failingFast(connection: ConnectionOptions): ConnectionOptions {
  const isOptions = Object.getPrototypeOf(connection) === Object.prototype
  return isOptions ? { enableOfflineQueue: false, ...connection } : connection
}
