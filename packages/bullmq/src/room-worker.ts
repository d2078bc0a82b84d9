import { RoomhooksError, type HandlerError, type RoomWebhooks } from '@roomhooks/core'
import { reportError, runStoredCallback } from '@roomhooks/core/delivery'
import { UnrecoverableError, Worker, type Job, type JobJson, type WorkerOptions } from 'bullmq'
import { handledByReceiver } from './handled-here.js'
import { MAX_TIMER, positive, readLocation, type QueueLocation } from './queue-settings.js'
import { RunSlots } from './run-slots.js'

/** How long a worker waits before an attempt is tried again: BullMQ's built-in backoffs. */
export interface RoomWorkerBackoff {
  /** `'exponential'`: `delay`, then twice as long after each failure; `'fixed'`: always `delay`. */
  readonly type: 'exponential' | 'fixed'
  /** In ms. */
  readonly delay: number
  /** Between 0 and 1: how much of each delay is random, so that workers do not retry in step. Default 0. */
  readonly jitter?: number
}

/** Options of {@link createRoomWorker}. */
export interface RoomWorkerOptions extends QueueLocation {
  /**
   * How many callbacks this worker runs at once. Default 10. Handlers still running past `handlerTimeout` count
   * until they end: a hung downstream slows the worker down rather than piling up runs. Setting
   * `worker.concurrency` later (as BullMQ allows) changes this limit too.
   */
  readonly concurrency?: number
  /** How many times a callback is tried before it stays in the failed set (the dead letter). Default 5. */
  readonly attempts?: number
  /** The wait between attempts. Default `{ type: 'exponential', delay: 1000 }`: 1 s, 2 s, 4 s, 8 s. */
  readonly backoff?: RoomWorkerBackoff
  /**
   * How long a callback's handlers may take before the attempt fails, in ms. Default 60,000. Late handlers keep
   * their slot; a job that finds no free slot within this long fails its attempt without running.
   */
  readonly handlerTimeout?: number
  /**
   * How long a worker holds a job without renewing its lock, in ms (BullMQ's `lockDuration`). A worker that dies
   * mid-job gives the job up after about this long, and another worker takes it again. Default 30,000.
   */
  readonly lockDuration?: number
  /** How often the worker looks for jobs whose worker died, in ms (BullMQ's `stalledInterval`). Default 30,000. */
  readonly stalledInterval?: number
  /** Start taking jobs at once. Default true; with false, call `worker.run()`. */
  readonly autorun?: boolean
}

/**
 * A BullMQ worker that runs queued callbacks with the handlers of `hooks`: the same `on()` / `onAny()` handlers,
 * the same event objects as inline (exact IDs, `receivedAt`), plus `event.attempt`. A handler that throws fails
 * the attempt; it is tried again with backoff, and after the last attempt stays in the failed set. `onError`
 * hears each failure. A worker killed mid-job loses nothing: another takes the job once its lock lapses. A record
 * `hooks` would not accept (another SdkAppID, a command that is not a known after-callback, data that is not
 * JSON) is failed for good without running: give each app a queue of its own.
 *
 * @example
 * const worker = createRoomWorker(hooks, { connection, concurrency: 10, attempts: 5 })
 * process.on('SIGTERM', async () => { await worker.close(); await hooks.close() })
 */
export function createRoomWorker(hooks: RoomWebhooks, options: RoomWorkerOptions): Worker {
  const { name, prefix } = readLocation(options, 'createRoomWorker')
  const attempts = count('attempts', options.attempts, 5)
  const handlerTimeout = positive('handlerTimeout', options.handlerTimeout, 60_000)
  const backoff = readBackoff(options.backoff)
  const concurrency = count('concurrency', options.concurrency, 10)
  const runs = new RunSlots(concurrency)
  const worker = new RoomWorker(
    name,
    async (job: Job) => {
      // Runs started, not failures: a run cut short by a crash counts too.
      const attempt = Math.max(job.attemptsStarted, job.attemptsMade + 1)
      const unreadable = unreadableJobs.get(job)
      if (unreadable !== undefined) {
        const refusal = new RoomhooksError(
          'UNREADABLE_CALLBACK',
          `Job ${String(job.id)} of queue ${name} holds data that is not JSON (${unreadable.message}): no receiver wrote it; remove it`,
        )
        reportError(hooks, refusal)
        throw new UnrecoverableError(refusal.info)
      }
      if (await handledByReceiver(worker, job)) return
      let reason: Error
      let retry: boolean
      if (!(await runs.take(handlerTimeout))) {
        // Every slot is held by handlers still running past handlerTimeout: this attempt fails without a run.
        const late = new RoomhooksError(
          'HANDLER_TIMEOUT',
          `No handler run of this worker ended within ${handlerTimeout} ms to make room for ${job.name} (attempt ${attempt}): all ${worker.concurrency} are still running past handlerTimeout`,
        )
        reportError(hooks, late)
        reason = new Error(late.info)
        retry = true
      } else {
        let late: Promise<void> | undefined
        try {
          const outcome = await runStoredCallback(hooks, job.data, { attempt, timeout: handlerTimeout })
          if (outcome.ok) return
          late = outcome.late
          reason = reasonOf(outcome.error)
          retry = outcome.retry
        } catch (error) {
          // runStoredCallback() never rejects: this is a worker given something that is not a receiver.
          reason = error instanceof Error ? error : new Error(String(error))
          retry = false
        } finally {
          // A late run keeps its slot until its handlers end; the attempt fails now all the same.
          if (late === undefined) runs.give()
          else void late.finally(() => runs.give())
        }
      }
      // The last attempt, or one that cannot succeed by trying again: the job goes to the failed set now. (Jobs
      // carry more attempts than any worker allows, so only this error ends their retries.)
      throw retry && attempt < attempts
        ? reason
        : Object.assign(new UnrecoverableError(reason.message), { stack: reason.stack })
    },
    {
      connection: options.connection,
      ...(prefix && { prefix }),
      concurrency,
      autorun: options.autorun ?? true,
      ...(options.lockDuration !== undefined && { lockDuration: positive('lockDuration', options.lockDuration, 0) }),
      ...(options.stalledInterval !== undefined && {
        stalledInterval: positive('stalledInterval', options.stalledInterval, 0),
      }),
      settings: { backoffStrategy: (attemptsMade: number) => delayAfter(backoff, attemptsMade) },
    },
    runs,
  )
  // Without a listener, an 'error' event (Redis unreachable) would end the process.
  worker.on('error', (error) => {
    reportError(
      hooks,
      new RoomhooksError('QUEUE_ERROR', `The worker of queue ${name} met an error (BullMQ or Redis)`, { cause: error }),
    )
  })
  return worker
}

/** Jobs whose stored data is not JSON, with why: they are failed for good rather than run. */
const unreadableJobs = new WeakMap<Job, Error>()

/** BullMQ's worker, which also waits for late handler runs on close() and fails a job it cannot read. */
class RoomWorker extends Worker {
  readonly #runs: RunSlots

  constructor(name: string, processor: (job: Job) => Promise<void>, options: WorkerOptions, runs: RunSlots) {
    super(name, processor, options)
    this.#runs = runs
  }

  /** BullMQ's setter, which changes how many jobs the worker takes at once: the handler runs follow it. */
  override set concurrency(concurrency: number) {
    super.concurrency = concurrency
    // BullMQ's constructor sets it before the slots exist; they are made with the same number.
    if (#runs in this) this.#runs.resize(concurrency)
  }

  override get concurrency(): number {
    return super.concurrency
  }

  /** Waits, unless forced, for the handlers of attempts that already failed at handlerTimeout too. */
  override async close(force = false): Promise<void> {
    await super.close(force)
    if (!force) await this.#runs.idle()
  }

  /**
   * BullMQ parses a job's data as it takes the job; data that is not JSON would throw there, outside any
   * processor, and the job would stay active, its parse failing again after each stall. Taken with empty data
   * instead, it is failed by the processor, with the reason, and waits in the failed set.
   */
  protected override createJob(data: JobJson, jobId: string): Job {
    try {
      return super.createJob(data, jobId)
    } catch (error) {
      const job = super.createJob({ ...data, data: '{}' }, jobId)
      unreadableJobs.set(job, error instanceof Error ? error : new Error(String(error)))
      return job
    }
  }
}

function readBackoff(backoff: RoomWorkerBackoff | undefined): Required<RoomWorkerBackoff> {
  if (backoff === undefined) return { type: 'exponential', delay: 1000, jitter: 0 }
  if (backoff.type !== 'exponential' && backoff.type !== 'fixed') {
    throw new TypeError(
      `[@roomhooks/bullmq] backoff.type must be 'exponential' or 'fixed', got ${String(backoff.type)}`,
    )
  }
  const jitter = backoff.jitter ?? 0
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new TypeError(`[@roomhooks/bullmq] backoff.jitter must lie between 0 and 1, got ${String(jitter)}`)
  }
  const delay = backoff.delay === 0 ? 0 : positive('backoff.delay', backoff.delay, 1000)
  return { type: backoff.type, delay, jitter }
}

/** The wait after the `attemptsMade`-th failure, in ms; at most the longest timer, about 24.8 days. */
function delayAfter({ type, delay, jitter }: Required<RoomWorkerBackoff>, attemptsMade: number): number {
  const full = type === 'fixed' ? delay : delay * 2 ** (attemptsMade - 1)
  return Math.min(Math.round(full * (1 - jitter * Math.random())), MAX_TIMER)
}

/** A whole number of at least 1, or its default. */
function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`[@roomhooks/bullmq] ${name} must be a whole number of at least 1, got ${String(value)}`)
  }
  return value
}

/**
 * What the failed set keeps of a failure: with the handler's own error when one failed (its message and stack),
 * so the dead letter says what went wrong.
 */
function reasonOf(error: RoomhooksError): Error {
  // By its shape, not instanceof: the receiver may come from another copy of core (its CommonJS build).
  const first = error.reason === 'HANDLER_FAILED' ? (error as Partial<HandlerError>).errors?.[0] : undefined
  if (!(first instanceof Error)) return new Error(error.info)
  const reason = new Error(`${error.info}: ${first.message}`)
  if (first.stack !== undefined) reason.stack = first.stack
  return reason
}
