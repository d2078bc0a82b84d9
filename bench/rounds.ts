import type { BenchCase } from './cases.js'
import { load, type LoadResult } from './load.js'
import type { CaseSummary } from './report.js'
import type { BenchServer } from './servers.js'
import { median } from './stats.js'

/** One measured run, with the CPU time it cost per request: the server's, the load generator's, Redis's. */
interface Run extends LoadResult {
  readonly cpuPerRequest: number
  readonly clientCpuPerRequest: number
  readonly redisCpuPerRequest: number
}

export interface RoundOptions {
  readonly smoke: boolean
  readonly rounds: number
  /** Seconds per run (a smoke run sends a few hundred requests instead). */
  readonly duration: number
  /** A body that differs per request (see load()). */
  readonly distinct?: boolean
  /**
   * Called after each run, before the next: checks what the run left behind and clears it. Returns how many of
   * the answered requests it counts as failed.
   */
  readonly afterRun?: (benchCase: BenchCase, result: LoadResult) => Promise<number>
  /** The CPU time (µs) the benchmark's Redis has used so far, when one serves the cases. */
  readonly redisCpu?: () => Promise<number>
}

/**
 * Loads every case's server once per round, in an order rotated from round to round, and keeps per case the
 * medians over the rounds and the median of the per-round ratios to its baseline (when the baseline is in
 * `list`). Prints each run; `failures` counts requests not answered 2xx, and those `afterRun` counts.
 */
export async function measureRounds(
  list: readonly BenchCase[],
  serverOf: (name: string) => BenchServer,
  options: RoundOptions,
): Promise<{ summaries: CaseSummary[]; failures: number }> {
  const { smoke, rounds, duration, distinct = false } = options
  let failures = 0
  const results = new Map<string, Run[]>(list.map((benchCase) => [benchCase.name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = list.map((_, i) => list[(i + round) % list.length]!)
    for (const benchCase of order) {
      const server = serverOf(benchCase.name)
      const before = await server.cpu()
      const redisBefore = (await options.redisCpu?.()) ?? 0
      const clientBefore = process.cpuUsage()
      const loadOptions = { signed: benchCase.signed, distinct }
      const result = await load(server.url, smoke ? { ...loadOptions, amount: 300 } : { ...loadOptions, duration })
      const client = process.cpuUsage(clientBefore)
      const perRequest = (cpu: number) => cpu / Math.max(result.total, 1)
      const cpuPerRequest = perRequest((await server.cpu()) - before)
      const redisCpuPerRequest = perRequest(((await options.redisCpu?.()) ?? 0) - redisBefore)
      const lost = (await options.afterRun?.(benchCase, result)) ?? 0
      failures += result.failures + lost
      const clientCpuPerRequest = perRequest(client.user + client.system)
      results.get(benchCase.name)!.push({ ...result, cpuPerRequest, clientCpuPerRequest, redisCpuPerRequest })
      const failed = result.failures + lost
      console.log(
        `round ${round + 1}/${rounds} ${benchCase.name.padEnd(26)} ${Math.round(result.requestsPerSecond)} req/s, ${cpuPerRequest.toFixed(1)} µs CPU/req${options.redisCpu ? `, Redis ${redisCpuPerRequest.toFixed(1)} µs/req` : ''}, mean ${result.mean.toFixed(2)} ms, p99 ${result.p99} ms${failed ? `, ${failed} FAILED` : ''}`,
      )
    }
  }
  const summaries = list.map((benchCase): CaseSummary => {
    const own = results.get(benchCase.name)!
    const base = benchCase.baseline === undefined ? undefined : results.get(benchCase.baseline)
    return {
      name: benchCase.name,
      requestsPerSecond: median(own.map((result) => result.requestsPerSecond)),
      mean: median(own.map((result) => result.mean)),
      p50: median(own.map((result) => result.p50)),
      p99: median(own.map((result) => result.p99)),
      cpuPerRequest: median(own.map((result) => result.cpuPerRequest)),
      clientCpuPerRequest: median(own.map((result) => result.clientCpuPerRequest)),
      redisCpuPerRequest: median(own.map((result) => result.redisCpuPerRequest)),
      ...(base && {
        ratio: median(own.map((result, i) => result.requestsPerSecond / base[i]!.requestsPerSecond)),
        cpuRatio: median(own.map((result, i) => result.cpuPerRequest / base[i]!.cpuPerRequest)),
      }),
    }
  })
  return { summaries, failures }
}
