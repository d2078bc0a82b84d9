import { ErrorCode, Queue, type ConnectionOptions, type Job } from 'bullmq'
import { readLocation, type QueueLocation } from './queue-settings.js'
import { forgetRefused } from './refused-records.js'

/** A callback in the failed set: its last attempt failed, or its body was refused. */
export interface FailedCallback {
  /** The job's id: the callback's key. */
  readonly id: string
  readonly command: string
  readonly sdkAppId: number | undefined
  /** How many attempts failed. */
  readonly attempts: number
  /** The last error. */
  readonly error: string
  /** When the callback arrived, in ms since the epoch. */
  readonly receivedAt: number | undefined
  /** When it failed for the last time, in ms since the epoch. */
  readonly failedAt: number | undefined
  /** Whether the receiver refused the body (it failed its schema): replay it once the schema is fixed. */
  readonly refused: boolean
}

/** Which failed callbacks to list or replay. */
export interface FailedCallbackFilter extends QueueLocation {
  /** Only callbacks of this command (`Room.CallbackAfterMemberLeave`). */
  readonly command?: string
  /** At most this many, the most recent first. Default 100. */
  readonly limit?: number
  /**
   * Told of each failed job skipped because it cannot be read (its data is not JSON: not written by a receiver),
   * with its id and why. Such jobs are neither listed nor replayed.
   */
  readonly onUnreadable?: (id: string, error: Error) => void
}

/** Lists the callbacks in the failed set (the dead letter), the most recent first. */
export async function listFailedCallbacks(filter: FailedCallbackFilter): Promise<FailedCallback[]> {
  return withQueue(filter, 'listFailedCallbacks', async (queue) => (await failedJobs(queue, filter)).map(describe))
}

/**
 * Puts callbacks of the failed set back in the queue, with their attempts reset, for workers to run again (once
 * the handler or the schema is fixed). Returns those replayed, as they were in the failed set; one that left the
 * failed set since it was listed (removed, or run again) is skipped. When Redis fails midway, it rejects; the
 * callbacks before the failure were replayed.
 */
export async function replayFailedCallbacks(filter: FailedCallbackFilter): Promise<FailedCallback[]> {
  return withQueue(filter, 'replayFailedCallbacks', async (queue) => {
    const replayed: FailedCallback[] = []
    for (const job of await failedJobs(queue, filter)) {
      const failed = describe(job) // before retry(), which clears the failure from the job
      // A refused body replayed is no longer one kept for a replay: the receivers' bound must not remove it now.
      if (failed.refused) await forgetRefused(queue, failed.id)
      try {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
      } catch (error) {
        if (leftFailedSet(error)) continue
        throw error
      }
      replayed.push(failed)
    }
    return replayed
  })
}

/**
 * Whether a replay found the job no longer failed: removed, or run again, since it was listed (a receiver's bound
 * on refused bodies, a copy of the callback run again in place, another replay, a dashboard). It is not replayed
 * and not counted; the others still are.
 */
function leftFailedSet(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === ErrorCode.JobNotExist || code === ErrorCode.JobNotInState
}

async function withQueue<T>(location: QueueLocation, caller: string, use: (queue: Queue) => Promise<T>): Promise<T> {
  const { name, prefix } = readLocation(location, caller)
  const limit = (location as FailedCallbackFilter).limit
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new TypeError(`[@roomhooks/bullmq] limit must be a positive integer, got ${String(limit)}`)
  }
  const queue = new Queue(name, { connection: givingUp(location.connection), ...(prefix && { prefix }) })
  queue.on('error', () => {}) // a failed command rejects `use`, which says more
  try {
    return await use(queue)
  } finally {
    await queue.close()
  }
}

/**
 * ioredis options that give up when Redis cannot be reached, rather than reconnecting forever (BullMQ's default,
 * right for a worker, not for a one-off call); the caller's own settings win. An ioredis instance is used as it is.
 */
function givingUp(connection: ConnectionOptions): ConnectionOptions {
  const isOptions = Object.getPrototypeOf(connection) === Object.prototype
  return isOptions ? { retryStrategy: () => null, ...connection } : connection
}

/**
 * The failed jobs the filter takes, the most recent first, read a page at a time (all of them, when filtered). A
 * job that cannot be read is skipped and told of, so that one corrupt job does not hide the whole dead letter.
 */
async function failedJobs(queue: Queue, { command, limit = 100, onUnreadable }: FailedCallbackFilter): Promise<Job[]> {
  const found: Job[] = []
  const pageSize = command === undefined ? limit : 200
  for (let start = 0; found.length < limit; start += pageSize) {
    const ids = await queue.getRanges(['failed'], start, start + pageSize - 1, false)
    const page = await Promise.all(ids.map((id) => readJob(queue, id, onUnreadable)))
    for (const job of page) {
      if (job !== undefined && (command === undefined || job.name === command) && found.length < limit) found.push(job)
    }
    if (ids.length < pageSize) break
  }
  return found
}

/** The job, or undefined when it is gone or its stored JSON cannot be parsed; Redis's own errors reject. */
async function readJob(
  queue: Queue,
  id: string,
  onUnreadable: FailedCallbackFilter['onUnreadable'],
): Promise<Job | undefined> {
  try {
    return (await queue.getJob(id)) as Job | undefined
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    onUnreadable?.(id, error)
    return undefined
  }
}

function describe(job: Job): FailedCallback {
  const data = (job.data ?? {}) as { sdkAppId?: unknown; receivedAt?: unknown; refusal?: unknown }
  return {
    id: String(job.id),
    command: job.name,
    sdkAppId: typeof data.sdkAppId === 'number' ? data.sdkAppId : undefined,
    attempts: job.attemptsMade,
    error: job.failedReason ?? '',
    receivedAt: typeof data.receivedAt === 'number' ? data.receivedAt : undefined,
    failedAt: job.finishedOn ?? undefined,
    refused: data.refusal !== undefined,
  }
}
