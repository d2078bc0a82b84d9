import { cpus, totalmem } from 'node:os'
import { createRequire } from 'node:module'
import { cases } from './cases.js'
import type { MemoryResult } from './memory.js'
import type { MicroResult } from './micro.js'

/** Medians over the rounds of one HTTP case. */
export interface CaseSummary {
  readonly name: string
  readonly requestsPerSecond: number
  readonly mean: number
  readonly p50: number
  readonly p99: number
  /** Server CPU time per request, in µs. */
  readonly cpuPerRequest: number
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
}

const require = createRequire(import.meta.url)
const version = (name: string): string => (require(`${name}/package.json`) as { version: string }).version
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
const verdict = (met: boolean): string => (met ? 'met' : '**missed**')

/** The targets of the benchmark, each with whether it was met. */
export function targets(
  report: BenchReport,
): { readonly what: string; readonly figure: string; readonly met: boolean }[] {
  const rows = report.http.flatMap((summary) => {
    const benchCase = cases.find((candidate) => candidate.name === summary.name)
    const { baseline, target, maxCpuCost } = benchCase ?? {}
    if (baseline === undefined || summary.ratio === undefined || summary.cpuRatio === undefined) return []
    if (maxCpuCost !== undefined) {
      const cost = summary.cpuRatio - 1
      return [
        {
          what: `${summary.name} costs ≤ ${Math.round(maxCpuCost * 100)}% more server CPU per request than ${baseline}`,
          figure: `${cost >= 0 ? '+' : ''}${(cost * 100).toFixed(1)}% (throughput ${summary.ratio.toFixed(2)}×)`,
          met: cost <= maxCpuCost,
        },
      ]
    }
    if (target === undefined) return []
    return [
      {
        what: `${summary.name} ≥ ${target.toFixed(2)}× ${baseline}`,
        figure: `${summary.ratio.toFixed(2)}×`,
        met: summary.ratio >= target,
      },
    ]
  })
  for (const micro of report.micro) {
    rows.push({
      what: `receive() ≥ ${micro.target}× JSON.parse on ${micro.command}`,
      figure: `${micro.ratio.toFixed(2)}×`,
      met: micro.ratio >= micro.target,
    })
  }
  for (const memory of report.memory) {
    const growth = memory.afterHeap - memory.baselineHeap
    rows.push({
      what: `${memory.caseName} heap after ${memory.requests} requests within ${mb(report.memoryLimit)} MB of warm-up`,
      figure: `${growth >= 0 ? '+' : ''}${mb(growth)} MB`,
      met: growth <= report.memoryLimit,
    })
  }
  return rows
}

/** docs/performance.md. */
export function renderReport(report: BenchReport): string {
  const label = (name: string) => cases.find((candidate) => candidate.name === name)?.label ?? name
  const http = report.http.map((summary) => {
    const benchCase = cases.find((candidate) => candidate.name === summary.name)
    const ratio = summary.ratio === undefined ? '' : `${summary.ratio.toFixed(2)}× ${benchCase?.baseline ?? ''}`
    const cpuRatio = summary.cpuRatio === undefined ? '' : `${summary.cpuRatio.toFixed(2)}×`
    return `| ${label(summary.name)} | ${Math.round(summary.requestsPerSecond)} | ${summary.cpuPerRequest.toFixed(1)} | ${summary.mean.toFixed(2)} | ${summary.p50} | ${summary.p99} | ${ratio} | ${cpuRatio} |`
  })
  const micro = report.micro.map(
    (result) =>
      `| \`${result.command}\` | ${Math.round(result.parseOpsPerSecond)} | ${Math.round(result.receiveOpsPerSecond)} | ${result.ratio.toFixed(2)}× |`,
  )
  const memory = report.memory.map(
    (result) =>
      `| ${result.caseName} | ${result.requests} | ${mb(result.baselineHeap)} | ${mb(result.afterHeap)} | ${mb(result.baselineRss)} | ${mb(result.afterRss)} |`,
  )
  const goals = targets(report).map((row) => `| ${row.what} | ${row.figure} | ${verdict(row.met)} |`)
  return `# Performance

<!-- Written by \`npm run bench\` (bench/run.ts). Do not edit: run it again. -->

What does roomhooks cost over a hand-written route? Every figure below comes from one run of \`npm run bench\`,
on the machine described, with all cases measured side by side. Absolute numbers depend on the machine; the
ratios are what to read. Changes measured against the commit before them are in the
[performance history](performance-history.md).

## Machine and versions

- ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${mb(totalmem() / 1024)} GB of memory
- Node.js ${process.version}, Express ${version('express')}, Koa ${version('koa')}, autocannon ${version('autocannon')}, roomhooks ${version('@roomhooks/core')}

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
  server CPU per request; the adapter targets on requests per second.
- \`receive()\` is timed in one process against \`JSON.parse\` alone on the same body, in alternating batches.
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

## Targets

| target | measured | |
|---|---|---|
${goals.join('\n')}
`
}
