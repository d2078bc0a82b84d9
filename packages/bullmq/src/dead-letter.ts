import { Queue, type Job } from 'bullmq'
import { readLocation, type QueueLocation } from './queue-settings.js'

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
}

/** Lists the callbacks in the failed set (the dead letter), the most recent first. */
export async function listFailedCallbacks(filter: FailedCallbackFilter): Promise<FailedCallback[]> {
  return withQueue(filter, 'listFailedCallbacks', async (queue) => (await failedJobs(queue, filter)).map(describe))
}

/**
 * Puts callbacks of the failed set back in the queue, with their attempts reset, for workers to run again (once
 * the handler or the schema is fixed). Returns those replayed.
 */
export async function replayFailedCallbacks(filter: FailedCallbackFilter): Promise<FailedCallback[]> {
  return withQueue(filter, 'replayFailedCallbacks', async (queue) => {
    const replayed: FailedCallback[] = []
    for (const job of await failedJobs(queue, filter)) {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
      replayed.push(describe(job))
    }
    return replayed
  })
}

async function withQueue<T>(location: QueueLocation, caller: string, use: (queue: Queue) => Promise<T>): Promise<T> {
  const { name, prefix } = readLocation(location, caller)
  const limit = (location as FailedCallbackFilter).limit
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new TypeError(`[@roomhooks/bullmq] limit must be a positive integer, got ${String(limit)}`)
  }
  const queue = new Queue(name, { connection: location.connection, ...(prefix && { prefix }) })
  queue.on('error', () => {}) // a failed command rejects `use`, which says more
  try {
    return await use(queue)
  } finally {
    await queue.close()
  }
}

const PAGE = 200

/** The failed jobs the filter takes, the most recent first, read a page at a time. */
async function failedJobs(queue: Queue, { command, limit = 100 }: FailedCallbackFilter): Promise<Job[]> {
  const found: Job[] = []
  for (let start = 0; found.length < limit; start += PAGE) {
    const page = (await queue.getFailed(start, start + PAGE - 1)) as Job[]
    for (const job of page) {
      if (job !== undefined && (command === undefined || job.name === command) && found.length < limit) found.push(job)
    }
    if (page.length < PAGE) break
  }
  return found
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
    failedAt: job.finishedOn,
    refused: data.refusal !== undefined,
  }
}
