// Durable delivery (@roomhooks/bullmq) against a redis-server the benchmark starts on a free port: receiving
// with a queue delivery beside receiving inline, then one worker process draining a filled queue.
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { createQueueDelivery, type QueueDelivery } from '@roomhooks/bullmq'
import { createRoomWebhooks, type RoomhooksError } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../test/support/callbacks.js'
import { startRedisServer } from '../test/support/redis-server.js'
import { cases, QUEUE_NAME, queueCases, WORKER_QUEUE_NAME, type BenchCase } from './cases.js'
import { load } from './load.js'
import type { CaseSummary } from './report.js'
import { measureRounds } from './rounds.js'
import { startServer, type BenchServer } from './servers.js'
import { median } from './stats.js'
import type { DrainAnswer, DrainRequest } from './worker.js'

/** Medians over the rounds of one worker concurrency. */
export interface DrainSummary {
  readonly concurrency: number
  readonly jobs: number
  readonly jobsPerSecond: number
  /** The worker process's CPU time per job, in µs. */
  readonly cpuPerJob: number
  /** Redis's CPU time per job while the worker drained, in µs. */
  readonly redisCpuPerJob: number
}

export interface QueueReport {
  readonly rounds: number
  readonly duration: number
  readonly redisVersion: string
  /** The most memory Redis used at any time during the run. */
  readonly redisPeakMemory: number
  readonly http: readonly CaseSummary[]
  readonly drains: readonly DrainSummary[]
  /** The least jobs per second one worker process must drain, at its best concurrency. */
  readonly workerTarget: number
}

/** The worker concurrencies compared. */
const CONCURRENCIES = [1, 10, 50, 200]
/** How long one drain may take before the benchmark gives up, in ms. */
const DRAIN_TIMEOUT = 120_000
/**
 * How long filling the queue waits for each add, in ms: 500 adds at once on a busy machine can take longer than a
 * receiver's 500 ms, and the fill only prepares the jobs the worker drains.
 */
const FILL_TIMEOUT = 10_000
const COMMAND = 'Room.CallbackAfterCreateRoom'
const fixture = fixtureText(COMMAND)

export async function measureQueue(options: {
  smoke: boolean
  rounds: number
  duration: number
}): Promise<{ report: QueueReport; failures: number }> {
  const { smoke, rounds, duration } = options
  const redis = await startRedisServer()
  const connection = { host: '127.0.0.1', port: redis.port }
  const client = new Redis(connection)
  /** Redis's CPU time so far, in µs. */
  const redisCpu = async () => {
    const info = await client.info('cpu')
    const seconds = (field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
    return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6
  }
  const receiving = createQueueDelivery({ connection, queueName: QUEUE_NAME })
  const filling = createQueueDelivery({ connection, queueName: WORKER_QUEUE_NAME, deliveryTimeout: FILL_TIMEOUT })
  const servers = new Map<string, BenchServer>()
  let worker: ChildProcess | undefined
  try {
    // Receiving: the queue cases and their baselines, all fed bodies that differ per request.
    const list: BenchCase[] = queueCases.flatMap((queueCase) => [
      ...cases.filter((benchCase) => benchCase.name === queueCase.baseline),
      queueCase,
    ])
    for (const benchCase of list)
      servers.set(benchCase.name, await startServer(benchCase.name, { redisPort: redis.port }))
    const serverOf = (name: string) => servers.get(name)!
    if (!smoke) {
      console.log(`Warming up ${list.length} servers against redis-server ${redis.port}…`)
      for (const benchCase of list)
        await load(serverOf(benchCase.name).url, { signed: false, distinct: true, amount: 20_000 })
      await client.flushdb()
    }
    const { summaries, failures } = await measureRounds(list, serverOf, {
      smoke,
      rounds,
      duration,
      distinct: true,
      redisCpu,
      // Every answer of a queue case must stand for a stored job: an answer given after handling the callback
      // inline (Redis failed or was slow) is counted as failed. Then Redis is emptied for the next run.
      afterRun: async (benchCase, result) => {
        const stored = queueCases.includes(benchCase) ? await receiving.queue.getWaitingCount() : result.total
        await client.flushdb()
        return Math.max(result.total - stored, 0)
      },
    })
    for (const server of servers.values()) await server.stop()
    servers.clear()

    // Draining: one worker process, each round every concurrency in turn on a freshly filled queue.
    const jobs = smoke ? 300 : 20_000
    worker = fork(fileURLToPath(new URL('./worker.ts', import.meta.url)), [String(redis.port)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const drain = async (request: DrainRequest): Promise<DrainAnswer & { redisCpu: number }> => {
      await client.flushdb()
      await fill(filling, request.jobs)
      const before = await redisCpu()
      const child = worker!
      child.send(request)
      // The answer, unless the worker process dies or hangs first.
      const done = new AbortController()
      const exited = once(child, 'exit', { signal: done.signal }).then(([code]) => {
        throw new Error(`The worker process exited (${String(code)}) before draining the queue`)
      })
      const answered = once(child, 'message', {
        signal: AbortSignal.any([done.signal, AbortSignal.timeout(DRAIN_TIMEOUT)]),
      })
      try {
        const [answer] = (await Promise.race([answered, exited])) as [DrainAnswer]
        return { ...answer, redisCpu: (await redisCpu()) - before }
      } finally {
        done.abort()
      }
    }
    if (!smoke) {
      console.log('Warming up the worker process…')
      for (const concurrency of CONCURRENCIES) await drain({ jobs: 5_000, concurrency })
    }
    const drained = new Map<number, (DrainAnswer & { redisCpu: number })[]>(
      CONCURRENCIES.map((concurrency) => [concurrency, []]),
    )
    let failedJobs = 0
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < CONCURRENCIES.length; i++) {
        const concurrency = CONCURRENCIES[(i + round) % CONCURRENCIES.length]!
        const answer = await drain({ jobs, concurrency })
        failedJobs += answer.failed
        drained.get(concurrency)!.push(answer)
        console.log(
          `round ${round + 1}/${rounds} worker, concurrency ${String(concurrency).padEnd(4)} ${Math.round(jobs / answer.seconds)} jobs/s, ${(answer.cpu / jobs).toFixed(1)} µs CPU/job, Redis ${(answer.redisCpu / jobs).toFixed(1)} µs/job${answer.failed ? `, ${answer.failed} FAILED` : ''}`,
        )
      }
    }
    await client.flushdb()
    const drains = CONCURRENCIES.map((concurrency): DrainSummary => {
      const answers = drained.get(concurrency)!
      return {
        concurrency,
        jobs,
        jobsPerSecond: median(answers.map((answer) => jobs / answer.seconds)),
        cpuPerJob: median(answers.map((answer) => answer.cpu / jobs)),
        redisCpuPerJob: median(answers.map((answer) => answer.redisCpu / jobs)),
      }
    })
    const info = await client.info()
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? ''
    const report: QueueReport = {
      rounds,
      duration,
      redisVersion: field('redis_version'),
      redisPeakMemory: Number(field('used_memory_peak')),
      http: summaries,
      drains,
      workerTarget: 5_000,
    }
    return { report, failures: failures + failedJobs }
  } finally {
    if (worker !== undefined && worker.exitCode === null) {
      const exited = once(worker, 'exit')
      worker.disconnect()
      await exited
    }
    for (const server of servers.values()) await server.stop()
    await receiving.close()
    await filling.close()
    client.disconnect()
    await redis.stop()
  }
}

/**
 * Stores `jobs` create-room callbacks, each with a RoomId of its own, as the receiver does (through a receiver
 * whose delivery is `delivery`): the same record, key and job options. 500 at a time; every one must be stored.
 */
async function fill(delivery: QueueDelivery, jobs: number): Promise<void> {
  const failures: RoomhooksError[] = []
  // The delivery's long timeout is deliberate here (see FILL_TIMEOUT): its warning about the platform's 2 s is not.
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery, log: { warn() {} } }).onError(
    (error) => void failures.push(error),
  )
  const query = callbackQuery({ command: COMMAND })
  const batch = 500
  for (let start = 0; start < jobs; start += batch) {
    const adds = []
    for (let i = start; i < Math.min(start + batch, jobs); i++) {
      const body = fixture.replace('"RoomId": "tandy-test-rest"', `"RoomId": "bench-${i}"`)
      adds.push(hooks.receive({ query, body }))
    }
    await Promise.all(adds)
  }
  if (failures.length > 0) throw new Error(`${failures.length} callbacks were not stored: ${failures[0]?.message}`)
}
