import { cpus, totalmem } from 'node:os'
import { createRequire } from 'node:module'
import { cases, queueCases } from './cases.js'
import type { ColdStartResult } from './cold-start.js'
import type { MemoryResult } from './memory.js'
import type { MicroResult } from './micro.js'
import type { PresenceReport } from './presence.js'
import type { QueueReport } from './queue.js'

/** Medians over the rounds of one HTTP case. */
export interface CaseSummary {
  readonly name: string
  readonly requestsPerSecond: number
  readonly mean: number
  readonly p50: number
  readonly p99: number
  /** Server CPU time per request, in µs. */
  readonly cpuPerRequest: number
  /** The load generator's CPU time per request (the benchmark process), in µs. */
  readonly clientCpuPerRequest: number
  /** The benchmark's Redis's CPU time per request, in µs (0 without one). */
  readonly redisCpuPerRequest: number
  /** Median of the per-round ratios to the baseline's requests per second. */
  readonly ratio?: number
  /** Median of the per-round ratios to the baseline's server CPU per request. */
  readonly cpuRatio?: number
}

export interface BenchReport {
  readonly rounds: number
  readonly duration: number
  readonly http: readonly CaseSummary[]
  readonly micro: readonly (MicroResult & { readonly target: number })[]
  readonly memory: readonly MemoryResult[]
  readonly memoryLimit: number
  /** Durable delivery, when measured. */
  readonly queue?: QueueReport
  /** Room state (`@roomhooks/presence`), when measured. */
  readonly presence?: PresenceReport
  /** The cold start beside Hono's import, and the worker bundle's size, when measured. */
  readonly coldStart?: ColdStartResult
}

const require = createRequire(import.meta.url)
const version = (name: string): string => (require(`${name}/package.json`) as { version: string }).version
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
const verdict = (met: boolean | undefined): string => (met === undefined ? 'not measured' : met ? 'met' : '**missed**')
const queueCaseOf = (name: string) => queueCases.find((candidate) => candidate.name === name)

/** One target of the benchmark: what is measured, the target, the figure, and whether it was met. */
export interface TargetRow {
  readonly what: string
  readonly target: string
  readonly figure: string
  /** Undefined when this run did not measure it (a `--part` without it). */
  readonly met: boolean | undefined
}

/** The targets of the benchmark, each with whether it was met. */
export function targets(report: BenchReport): TargetRow[] {
  const rows = report.http.flatMap((summary): TargetRow[] => {
    const benchCase = cases.find((candidate) => candidate.name === summary.name)
    const { baseline, target, maxCpuCost } = benchCase ?? {}
    if (baseline === undefined || summary.ratio === undefined || summary.cpuRatio === undefined) return []
    return [
      ...(target === undefined
        ? []
        : [
            {
              what: `${summary.name} requests/s against ${baseline}`,
              target: `≥ ${target.toFixed(2)}×`,
              figure: `${summary.ratio.toFixed(2)}×`,
              met: summary.ratio >= target,
            },
          ]),
      ...(maxCpuCost === undefined
        ? []
        : [
            {
              what: `${summary.name} server CPU per request against ${baseline}`,
              target: `≤ ${(1 + maxCpuCost).toFixed(2)}×`,
              figure: `${summary.cpuRatio.toFixed(2)}×${target === undefined ? ` (requests/s ${summary.ratio.toFixed(2)}×)` : ''}`,
              met: summary.cpuRatio <= 1 + maxCpuCost,
            },
          ]),
    ]
  })
  for (const micro of report.micro) {
    rows.push({
      what: `receive() against JSON.parse on ${micro.command}`,
      target: `≥ ${micro.target.toFixed(2)}×`,
      figure: `${micro.ratio.toFixed(2)}×`,
      met: micro.ratio >= micro.target,
    })
  }
  for (const memory of report.memory) {
    const growth = memory.afterHeap - memory.baselineHeap
    rows.push({
      what: `${memory.caseName} heap after ${memory.requests} requests, beside after warm-up`,
      target: `≤ +${mb(report.memoryLimit)} MB`,
      figure: `${growth >= 0 ? '+' : ''}${mb(growth)} MB`,
      met: growth <= report.memoryLimit,
    })
  }
  rows.push(...(report.queue === undefined ? unmeasuredQueueTargets() : queueTargets(report.queue)))
  if (report.coldStart !== undefined) rows.push(...coldStartTargets(report.coldStart))
  if (report.presence !== undefined) {
    const { factsPerSecond, factsTarget } = report.presence
    rows.push({
      what: `member facts the Redis presence store applies per second (one Redis)`,
      target: `≥ ${factsTarget}`,
      figure: `${Math.round(factsPerSecond)}`,
      met: factsPerSecond >= factsTarget,
    })
  }
  return rows
}

/** Prints the targets as one table: each figure beside its target. */
export function printTargets(rows: readonly TargetRow[]): void {
  const width = Math.max(...rows.map((row) => row.what.length))
  const targetWidth = Math.max(...rows.map((row) => row.target.length))
  const figureWidth = Math.max(...rows.map((row) => row.figure.length))
  for (const row of rows) {
    const state = row.met === undefined ? 'not measured' : row.met ? 'met' : 'MISSED'
    console.log(
      `${row.what.padEnd(width)}  ${row.target.padEnd(targetWidth)}  ${row.figure.padEnd(figureWidth)}  ${state}`,
    )
  }
}

/** The durable delivery's targets, named even when this run did not measure them. */
function unmeasuredQueueTargets(): TargetRow[] {
  return queueCases.flatMap(({ name, baseline, target, maxP99 }): TargetRow[] => [
    ...(target === undefined
      ? []
      : [
          {
            what: `${name} requests/s against ${baseline}`,
            target: `≥ ${target.toFixed(2)}×`,
            figure: '',
            met: undefined,
          },
        ]),
    ...(maxP99 === undefined ? [] : [{ what: `${name} p99`, target: `< ${maxP99} ms`, figure: '', met: undefined }]),
  ])
}

function queueTargets(queue: QueueReport): TargetRow[] {
  const rows = queue.http.flatMap((summary): TargetRow[] => {
    const { baseline, target, maxP99 } = queueCaseOf(summary.name) ?? {}
    if (baseline === undefined) return []
    return [
      ...(target === undefined || summary.ratio === undefined
        ? []
        : [
            {
              what: `${summary.name} requests/s against ${baseline} (distinct bodies)`,
              target: `≥ ${target.toFixed(2)}×`,
              figure: `${summary.ratio.toFixed(2)}×`,
              met: summary.ratio >= target,
            },
          ]),
      ...(maxP99 === undefined
        ? []
        : [
            {
              what: `${summary.name} p99`,
              target: `< ${maxP99} ms`,
              figure: `${summary.p99} ms`,
              met: summary.p99 < maxP99,
            },
          ]),
    ]
  })
  const best = queue.drains.reduce((a, b) => (b.jobsPerSecond > a.jobsPerSecond ? b : a))
  rows.push({
    what: 'jobs one worker process drains per second (no-op handler, best concurrency)',
    target: `≥ ${queue.workerTarget}`,
    figure: `${Math.round(best.jobsPerSecond)} at concurrency ${best.concurrency}`,
    met: best.jobsPerSecond >= queue.workerTarget,
  })
  return rows
}

function coldStartTargets(coldStart: ColdStartResult): TargetRow[] {
  return [
    {
      what: 'cold start of the package (import + create + first answer) against importing Hono',
      target: `≤ ${coldStart.target}×`,
      figure: `${coldStart.ratio.toFixed(2)}×`,
      met: coldStart.ratio <= coldStart.target,
    },
    {
      what: 'cold start of the minimal worker bundle against importing Hono',
      target: `≤ ${coldStart.target}×`,
      figure: `${coldStart.bundleRatio.toFixed(2)}×`,
      met: coldStart.bundleRatio <= coldStart.target,
    },
    {
      what: 'minimal worker bundle, gzipped',
      target: `≤ ${coldStart.bundleTarget / 1024} KB`,
      figure: `${(coldStart.bundleBytes / 1024).toFixed(1)} KB`,
      met: coldStart.bundleBytes <= coldStart.bundleTarget,
    },
  ]
}

/** One row of a requests-per-second table. */
function httpRow(summary: CaseSummary): string {
  const benchCase = [...cases, ...queueCases].find((candidate) => candidate.name === summary.name)
  const ratio = summary.ratio === undefined ? '' : `${summary.ratio.toFixed(2)}× ${benchCase?.baseline ?? ''}`
  const cpuRatio = summary.cpuRatio === undefined ? '' : `${summary.cpuRatio.toFixed(2)}×`
  return `| ${benchCase?.label ?? summary.name} | ${Math.round(summary.requestsPerSecond)} | ${summary.cpuPerRequest.toFixed(1)} | ${summary.mean.toFixed(2)} | ${summary.p50} | ${summary.p99} | ${ratio} | ${cpuRatio} |`
}

/** docs/performance.md. */
export function renderReport(report: BenchReport): string {
  const http = report.http.map(httpRow)
  const micro = report.micro.map(
    (result) =>
      `| \`${result.command}\` | ${Math.round(result.parseOpsPerSecond)} | ${Math.round(result.receiveOpsPerSecond)} | ${result.ratio.toFixed(2)}× |`,
  )
  const memory = report.memory.map(
    (result) =>
      `| ${result.caseName} | ${result.requests} | ${mb(result.baselineHeap)} | ${mb(result.afterHeap)} | ${mb(result.baselineRss)} | ${mb(result.afterRss)} |`,
  )
  const goals = targets(report).map((row) => `| ${row.what} | ${row.target} | ${row.figure} | ${verdict(row.met)} |`)
  return `# Performance

<!-- Written by \`npm run bench\` (bench/run.ts). Do not edit: run it again. -->

What does roomhooks cost over a hand-written route? Every figure below comes from one run of \`npm run bench\`,
on the machine described, with all cases measured side by side. Absolute numbers depend on the machine; the
ratios are what to read. Changes measured against the commit before them are in the
[performance history](performance-history.md).

## Machine and versions

- ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${mb(totalmem() / 1024)} GB of memory
- Node.js ${process.version}, Express ${version('express')}, Koa ${version('koa')}, Fastify ${version('fastify')}, autocannon ${version('autocannon')}, roomhooks ${version('@roomhooks/core')}${report.queue ? `, BullMQ ${version('bullmq')}, ioredis ${version('ioredis')}, Redis ${report.queue.redisVersion}` : ''}

## Method

- Each case is a server in its own process on 127.0.0.1; autocannon sends it the same request from the
  benchmark process: the \`Room.CallbackAfterCreateRoom\` fixture with its query string, over 10 keep-alive
  connections. Every roomhooks case has one \`room.created\` handler; every case answers the same envelope.
- Every server is warmed up first. Then ${report.rounds} rounds; in each round every case runs for
  ${report.duration} s, in an order rotated from round to round. Figures are medians over the rounds; a ratio is
  the median of the per-round ratios of requests per second to the baseline, measured minutes apart at most.
- Each server also reports the CPU time it used during each run; divided by the requests answered, that is its
  cost per request. At the fastest cases the load generator, which shares the machine's two cores, saturates
  before the server does (a server profile shows it idle part of the time), so requests per second there
  measure the client as much as the server. The token check is a server-side cost, so its target is judged on
  server CPU per request; the adapter targets on requests per second, and the node:http handler's on both.
- \`receive()\` is timed in one process against \`JSON.parse\` alone on the same body, in alternating batches,
  each by the CPU time the process spent on it.
- Memory: each adapter runs in a fresh process with \`--expose-gc\`; heap and RSS are read after a full GC,
  once after warm-up and once after the long run.

## Requests per second

| case | req/s | server CPU µs/req | mean ms | p50 ms | p99 ms | req/s ratio | CPU/req ratio |
|---|---|---|---|---|---|---|---|
${http.join('\n')}

## receive() against JSON.parse

| body | JSON.parse ops/s | receive() ops/s | ratio |
|---|---|---|---|
${micro.join('\n')}

## Memory

| adapter | requests | heap after warm-up MB | heap after MB | RSS after warm-up MB | RSS after MB |
|---|---|---|---|---|---|
${memory.join('\n')}
${report.queue ? renderQueue(report.queue) : ''}${report.presence ? renderPresence(report.presence) : ''}${report.coldStart ? renderColdStart(report.coldStart) : ''}
## Targets

| measured | target | figure | |
|---|---|---|---|
${goals.join('\n')}
`
}

/** The durable delivery's section of docs/performance.md. */
function renderQueue(queue: QueueReport): string {
  const http = queue.http.map((summary) => {
    const benchCase = [...cases, ...queueCases].find((candidate) => candidate.name === summary.name)
    const ratio = summary.ratio === undefined ? '' : `${summary.ratio.toFixed(2)}×`
    const total = summary.cpuPerRequest + summary.redisCpuPerRequest + summary.clientCpuPerRequest
    return `| ${benchCase?.label ?? summary.name} | ${Math.round(summary.requestsPerSecond)} | ${summary.p50} | ${summary.p99} | ${ratio} | ${summary.cpuPerRequest.toFixed(1)} | ${summary.redisCpuPerRequest.toFixed(1)} | ${summary.clientCpuPerRequest.toFixed(1)} | ${total.toFixed(1)} |`
  })
  const drains = queue.drains.map(
    (drain) =>
      `| ${drain.concurrency} | ${drain.jobs} | ${Math.round(drain.jobsPerSecond)} | ${drain.cpuPerJob.toFixed(1)} | ${drain.redisCpuPerJob.toFixed(1)} |`,
  )
  const sum = (summary: CaseSummary) => summary.cpuPerRequest + summary.redisCpuPerRequest + summary.clientCpuPerRequest
  const bounds = queue.http.flatMap((summary) => {
    const base = queue.http.find((candidate) => candidate.name === queueCaseOf(summary.name)?.baseline)
    if (base === undefined || summary.ratio === undefined) return []
    return [
      `  Here a request costs ${sum(base).toFixed(1)} µs inline and ${sum(summary).toFixed(1)} µs through the queue: ` +
        `${(sum(base) / sum(summary)).toFixed(2)}× to expect, ${summary.ratio.toFixed(2)}× measured.`,
    ]
  })
  return `
## Durable delivery (BullMQ)

With \`delivery: createQueueDelivery()\` the receiver answers the platform only once the callback is a job in
Redis; workers of \`createRoomWorker()\` run the handlers later. Two figures matter: what storing costs the
receiving side, and how fast one worker process empties the queue. They come from the same run as the rest of
this page; \`npm run bench:queue\` measures them alone.

- The benchmark starts its own \`redis-server\` on a free loopback port, without persistence (\`--save ''\`,
  \`--appendonly no\`). It shares the two cores with the server and the load generator.
- Receiving: case 6 and the same server with a queue delivery take turns, ${queue.rounds} rounds of
  ${queue.duration} s after a warm-up. Every request carries a RoomId of its own (autocannon's id replacement),
  so every body is new and becomes a new job, as the platform's callbacks do. A body sent again has the same key,
  which is the job's id, and BullMQ's add then finds the job and stores nothing: identical bodies would time
  that cheaper path. Case 6 gets the same distinct bodies, so that building each request anew costs the load
  generator alike in both.
- After each run, the queue must hold a job for every answer (an answer given after handling the callback in
  the receiver, because Redis failed or was slow, counts as a failure), and Redis is emptied (\`FLUSHDB\`): it
  used at most ${mb(queue.redisPeakMemory)} MB.
- CPU per request is shown for each process: the server, Redis (from its \`INFO cpu\`) and the load generator.
  The three share two cores and keep them busy, so requests per second go as the inverse of their sum, and the
  ratio of the two cases as the ratio of their sums: whatever the receiver saves, Redis and the load generator
  still take their share. Redis's is mostly the Lua script BullMQ runs to add each job.
${bounds.join('\n')}
- Draining: Redis is filled with ${queue.drains[0]?.jobs ?? 0} create-room callbacks through the delivery's
  \`enqueue()\` (the record, key and job options a received callback gets); then one worker process
  (\`createRoomWorker\`, a no-op \`room.created\` handler) drains them. Each job is fetched, its body parsed and
  checked against its schema, the handler run, and the job moved to completed. Timed from the worker's start to
  the last job settled; every concurrency once per round, in an order rotated from round to round; medians.

| case (bodies differ per request) | req/s | p50 ms | p99 ms | req/s ratio | server CPU µs/req | Redis CPU µs/req | load generator CPU µs/req | sum µs/req |
|---|---|---|---|---|---|---|---|---|
${http.join('\n')}

| worker concurrency | jobs | jobs/s | worker CPU µs/job | Redis CPU µs/job |
|---|---|---|---|---|
${drains.join('\n')}
`
}

/** The cold start's section of docs/performance.md. */
function renderColdStart(coldStart: ColdStartResult): string {
  const rows = coldStart.medians.map(({ name, ms }) => `| ${name} | ${ms.toFixed(1)} |`)
  return `
## Cold start

On serverless, the first callback waits for the module to load, and Tencent does not retry an after-callback: a
slow start is a lost event. \`tsx bench/run.ts --part cold-start\` measures it alone.

- Each figure is timed inside a fresh Node.js process, from before the \`import()\` to the first answer read, the
  contenders taking turns, ${coldStart.runs} processes each; medians. Every process first makes a \`Request\` and a
  \`Response\`, untimed: Node.js loads its fetch classes on first use (undici, which costs more than importing Hono),
  where Bun, Deno and Workers have them built in.
- The package: \`import('@roomhooks/core')\` as installed, \`createRoomWebhooks()\` with one handler,
  \`createFetchHandler()\`, and the \`Room.CallbackAfterCreateRoom\` sample answered.
- The minimal worker: \`export default { fetch: createFetchHandler(hooks) }\` bundled with esbuild (\`platform:
  'neutral'\`, minified), as a worker is deployed: ${(coldStart.bundleBytes / 1024).toFixed(1)} KB gzipped.

| | ms |
|---|---|
${rows.join('\n')}
`
}

/** Room state's section of docs/performance.md. */
function renderPresence(presence: PresenceReport): string {
  const [bare] = presence.perCallback
  const rows = presence.perCallback.map(({ name, callbacksPerSecond, cost, ratio }) => {
    const added = bare === undefined || name === bare.name ? '' : `+${(cost - bare.cost).toFixed(1)}`
    return `| ${name} | ${Math.round(callbacksPerSecond)} | ${cost.toFixed(1)} | ${added} | ${ratio.toFixed(2)}× |`
  })
  return `
## Room state (presence)

\`@roomhooks/presence\` against a \`redis-server\` of its own on a free loopback port; \`npm run bench:presence\`
measures it alone. Medians of ${presence.rounds} rounds.

- The Redis store alone: ${presence.facts} member facts (1,000 rooms of 100 users, Enter then Leave, one user per
  fact) applied with ${presence.inFlight} in flight, each one Lua script call: ${Math.round(presence.factsPerSecond)}
  facts/s (target ${presence.factsTarget}; rounds ranged ${Math.round(presence.factsRange[0])}–${Math.round(presence.factsRange[1])}).
- Inline: ${presence.callbacks} \`receive()\` calls of a \`member.enter\` callback (100 rooms, ${presence.inFlight} in
  flight) on a receiver with no handler, with presence on the memory store and with presence on the Redis store,
  taking turns in each round. The ratio is the cost per callback over the cost with no handler.

| receiver | callbacks/s | µs per callback | added µs | cost ratio |
|---|---|---|---|---|
${rows.join('\n')}
`
}
