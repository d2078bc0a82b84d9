import type { StoredCallback } from '@roomhooks/core/delivery'
import type { Job, Queue, Worker } from 'bullmq'

type RedisClient = Awaited<ReturnType<Queue['getBackend']>['client']>

/**
 * Where the receiving process notes a callback it handled itself after its add to the queue was slow: next to the
 * queue's keys (the same hash slot on a Redis Cluster), under the job's id.
 */
function markKey(queue: Pick<Queue, 'toKey'>, jobId: string): string {
  return queue.toKey(`roomhooks:handled:${jobId}`)
}

/** The receiving side's half: notes callbacks it handled itself, on a connection of its own. */
export interface HandledHere {
  /**
   * Notes that this process handled `callback` (stored under `key`, possibly late) successfully, so that a worker
   * that takes its job does not run it again. Resolves once Redis has the note; never rejects.
   */
  mark(key: string, callback: StoredCallback): Promise<void>
  /** Waits for the notes being written, then ends the connection. */
  close(): Promise<void>
  /** Ends the connection now: the notes being written fail. */
  end(): void
}

/**
 * When Redis stalls, adds time out and the receiver handles those callbacks itself; once Redis is back the adds
 * land, and a worker may take such a job before the receiver takes it back (removing a waiting job is three round
 * trips, queued behind every add that waited). So the receiver first writes one note per callback handled, on a
 * connection that holds nothing else, opened at start-up: Redis reads it as soon as it runs again, ahead of the
 * adds. A worker reads the note before it runs a job (see {@link handledByReceiver}). The note lasts `ttl`, as
 * long as the job would be kept after it ran.
 */
export function handledHere(queue: Queue, ttl: number): HandledHere {
  let own: RedisClient | undefined
  let closed = false
  const opened = queue.waitUntilReady().then(
    async () => {
      const shared = await queue.getBackend().client
      if (closed) return undefined
      // Fails a note at once while Redis is unreachable rather than queueing it for a reconnection that may never
      // come: close() waits for the notes being written, and would then wait for ever with Redis gone.
      own = shared.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0 })
      own.on('error', () => {}) // a note that cannot be written is the at-least-once case; nothing to report
      return own
    },
    () => undefined,
  )
  const writing = new Set<Promise<unknown>>()
  return {
    async mark(key, callback) {
      // Called only after an add was sent, so once the queue was ready: `opened` is about to resolve.
      const redis = own ?? (await opened)
      if (redis === undefined) return
      const written = redis.set(markKey(queue, key), String(callback.receivedAt), { PX: ttl }).catch(() => {})
      writing.add(written)
      await written
      writing.delete(written)
    },
    async close() {
      closed = true
      await Promise.all(writing)
      own?.disconnect()
    },
    end() {
      closed = true
      own?.disconnect()
    },
  }
}

/**
 * Whether the receiving process already handled the callback of this job itself (its add was slow, and the
 * handlers it ran succeeded): then a worker completes the job without running the handlers again. Only the
 * record that receiver stored counts: a copy of the callback stored by another delivery has another `receivedAt`.
 * Never rejects.
 */
export async function handledByReceiver(worker: Worker, job: Job): Promise<boolean> {
  if (job.id === undefined) return false
  try {
    const redis = await worker.getBackend().client
    const mark = await redis.get(markKey(worker, job.id))
    return mark !== null && mark === String((job.data as Partial<StoredCallback> | undefined)?.receivedAt)
  } catch {
    return false // Redis failed this read: the handlers run (at least once), and the attempt is not lost to it
  }
}
