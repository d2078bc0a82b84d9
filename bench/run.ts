// `npm run bench`: the whole benchmark (several minutes), written to docs/performance.md.
// `tsx bench/run.ts --smoke`: every case with a few hundred requests, nothing written (part of `npm test`).
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { cases, memoryCases } from './cases.js'
import { load, type LoadResult } from './load.js'
import { measureMemory } from './memory.js'
import { runMicro } from './micro.js'
import { renderReport, targets, type BenchReport, type CaseSummary } from './report.js'
import { startServer, type BenchServer } from './servers.js'
import { median } from './stats.js'

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '7' },
    duration: { type: 'string', default: '5' },
    out: { type: 'string', default: 'docs/performance.md' },
  },
})
const smoke = values.smoke
const rounds = smoke ? 1 : Number(values.rounds)
const duration = Number(values.duration)
/** One measured run, with the server CPU time it cost per request. */
interface Run extends LoadResult {
  readonly cpuPerRequest: number
}

async function run(server: BenchServer, signed: boolean): Promise<Run> {
  const before = await server.cpu()
  const result = await load(server.url, smoke ? { signed, amount: 300 } : { signed, duration })
  const cpuPerRequest = ((await server.cpu()) - before) / Math.max(result.total, 1)
  return { ...result, cpuPerRequest }
}

const servers = new Map<string, BenchServer>()
let failures = 0
try {
  const started = await Promise.all(cases.map((benchCase) => startServer(benchCase.name)))
  cases.forEach((benchCase, i) => servers.set(benchCase.name, started[i]!))
  const server = (name: string) => servers.get(name) as BenchServer

  if (smoke) console.log('Smoke run: every case, a few hundred requests; nothing is written.')
  else {
    console.log(`Warming up ${cases.length} servers…`)
    for (const benchCase of cases) await load(server(benchCase.name).url, { signed: benchCase.signed, amount: 20_000 })
  }

  const results = new Map<string, Run[]>(cases.map((benchCase) => [benchCase.name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = cases.map((_, i) => cases[(i + round) % cases.length]!)
    for (const benchCase of order) {
      const result = await run(server(benchCase.name), benchCase.signed)
      failures += result.failures
      results.get(benchCase.name)!.push(result)
      console.log(
        `round ${round + 1}/${rounds} ${benchCase.name.padEnd(26)} ${Math.round(result.requestsPerSecond)} req/s, ${result.cpuPerRequest.toFixed(1)} µs CPU/req, mean ${result.mean.toFixed(2)} ms, p99 ${result.p99} ms${result.failures ? `, ${result.failures} FAILED` : ''}`,
      )
    }
  }

  const http: CaseSummary[] = cases.map((benchCase) => {
    const own = results.get(benchCase.name)!
    const base = benchCase.baseline === undefined ? undefined : results.get(benchCase.baseline)!
    return {
      name: benchCase.name,
      requestsPerSecond: median(own.map((result) => result.requestsPerSecond)),
      mean: median(own.map((result) => result.mean)),
      p50: median(own.map((result) => result.p50)),
      p99: median(own.map((result) => result.p99)),
      cpuPerRequest: median(own.map((result) => result.cpuPerRequest)),
      ...(base && {
        ratio: median(own.map((result, i) => result.requestsPerSecond / base[i]!.requestsPerSecond)),
        cpuRatio: median(own.map((result, i) => result.cpuPerRequest / base[i]!.cpuPerRequest)),
      }),
    }
  })
  for (const benchCase of cases) await server(benchCase.name).stop()
  servers.clear()

  console.log('Timing receive() against JSON.parse…')
  const microOptions = smoke ? { rounds: 1, iterations: 2_000 } : { rounds: 7, iterations: 200_000 }
  const micro = [
    { ...(await runMicro('Room.CallbackAfterCreateRoom', microOptions)), target: 0.8 },
    { ...(await runMicro('Live.CallbackAfterDestroyRoom', microOptions)), target: 0.5 },
  ]

  console.log('Measuring memory…')
  const memory = []
  for (const name of memoryCases) {
    memory.push(
      await measureMemory(name, smoke ? { warmup: 200, requests: 500 } : { warmup: 20_000, requests: 200_000 }),
    )
  }

  const report: BenchReport = { rounds, duration, http, micro, memory, memoryLimit: 10 * 1024 * 1024 }
  if (!smoke) {
    for (const row of targets(report)) console.log(`${row.met ? 'met   ' : 'MISSED'} ${row.what}: ${row.figure}`)
    writeFileSync(values.out, renderReport(report))
    console.log(`Written to ${values.out}`)
  }
  console.log(failures === 0 ? 'Every request was answered 2xx.' : `${failures} requests failed.`)
} finally {
  for (const server of servers.values()) await server.stop()
}
process.exit(failures === 0 ? 0 : 1)
