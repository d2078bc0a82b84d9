// `npm run bench`: the whole benchmark (several minutes; needs redis-server), written to docs/performance.md.
// `npm run bench:queue` (`--part queue`): only the durable delivery's figures, printed, nothing written.
// `npm run bench:presence` (`--part presence`): only room state's figures (bench/presence.ts), likewise.
// `--part cold-start`: only the cold start beside Hono's import and the worker bundle's size (bench/cold-start.ts),
// likewise; `--cold-start-against <dist/esm/index.js>` times another build of core beside this one (e.g. main's).
// `tsx bench/run.ts --smoke --part adapters`: every adapter case with a few hundred requests, nothing written
// (part of `npm test`); `--smoke --part queue` and `--smoke --part presence` likewise (part of `npm run test:redis`).
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { cases, memoryCases } from './cases.js'
import { measureColdStart, type ColdStartResult } from './cold-start.js'
import { load } from './load.js'
import { measureMemory } from './memory.js'
import { measurePresence, type PresenceReport } from './presence.js'
import { runMicro } from './micro.js'
import { measureQueue, type QueueReport } from './queue.js'
import { printTargets, renderReport, targets, type BenchReport, type CaseSummary } from './report.js'
import { measureRounds } from './rounds.js'
import { startServer, type BenchServer } from './servers.js'

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    part: { type: 'string', default: 'all' },
    rounds: { type: 'string', default: '7' },
    duration: { type: 'string', default: '5' },
    out: { type: 'string', default: 'docs/performance.md' },
    'cold-start-runs': { type: 'string', default: '21' },
    'cold-start-against': { type: 'string' },
  },
})
const smoke = values.smoke
const rounds = smoke ? 1 : Number(values.rounds)
const duration = Number(values.duration)
if (!['all', 'adapters', 'queue', 'presence', 'cold-start'].includes(values.part)) {
  console.error(`--part is all, adapters, queue, presence or cold-start, not ${values.part}`)
  process.exit(2)
}
const all = values.part === 'all'
const adapters = all || values.part === 'adapters'
const queue = all || values.part === 'queue'
const presence = all || values.part === 'presence'
const coldStart = all || values.part === 'cold-start'
if (queue || presence) {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
  } catch {
    console.error(
      'The queue and presence figures need redis-server (e.g. apt-get install redis-server); --part adapters skips them.',
    )
    process.exit(2)
  }
}

const servers = new Map<string, BenchServer>()
let failures = 0
let http: CaseSummary[] = []
const micro: BenchReport['micro'][number][] = []
const memory: BenchReport['memory'][number][] = []
let queueReport: QueueReport | undefined
let presenceReport: PresenceReport | undefined
let coldStartReport: ColdStartResult | undefined
try {
  if (smoke) console.log('Smoke run: every case, a few hundred requests; nothing is written.')
  if (adapters) {
    const started = await Promise.all(cases.map((benchCase) => startServer(benchCase.name)))
    cases.forEach((benchCase, i) => servers.set(benchCase.name, started[i]!))
    const server = (name: string) => servers.get(name)!
    if (!smoke) {
      console.log(`Warming up ${cases.length} servers…`)
      for (const benchCase of cases)
        await load(server(benchCase.name).url, { signed: benchCase.signed, amount: 20_000 })
    }
    const measured = await measureRounds(cases, server, { smoke, rounds, duration })
    http = measured.summaries
    failures += measured.failures
    for (const benchCase of cases) await server(benchCase.name).stop()
    servers.clear()

    console.log('Timing receive() against JSON.parse…')
    const microOptions = smoke ? { rounds: 1, iterations: 2_000 } : { rounds: 7, iterations: 200_000 }
    micro.push(
      { ...(await runMicro('Room.CallbackAfterCreateRoom', microOptions)), target: 0.8 },
      { ...(await runMicro('Live.CallbackAfterDestroyRoom', microOptions)), target: 0.8 },
    )

    console.log('Measuring memory…')
    for (const name of memoryCases) {
      memory.push(
        await measureMemory(name, smoke ? { warmup: 200, requests: 500 } : { warmup: 20_000, requests: 200_000 }),
      )
    }
  }

  if (queue) {
    console.log('Measuring durable delivery (BullMQ) against a local redis-server…')
    const measured = await measureQueue({ smoke, rounds, duration })
    queueReport = measured.report
    failures += measured.failures
  }

  if (presence) {
    console.log('Measuring room state (presence) against a local redis-server…')
    presenceReport = await measurePresence({ smoke })
  }

  if (coldStart) {
    console.log('Timing cold starts in fresh processes, beside Hono…')
    const against = values['cold-start-against']
    coldStartReport = await measureColdStart({
      runs: smoke ? 1 : Number(values['cold-start-runs']),
      ...(against !== undefined && { against }),
    })
    for (const { name, ms } of coldStartReport.medians) console.log(`  ${name}: ${ms.toFixed(1)} ms`)
    console.log(`  minimal worker bundle: ${(coldStartReport.bundleBytes / 1024).toFixed(1)} KB gzipped`)
  }

  const report: BenchReport = {
    rounds,
    duration,
    http,
    micro,
    memory,
    memoryLimit: 10 * 1024 * 1024,
    ...(queueReport && { queue: queueReport }),
    ...(presenceReport && { presence: presenceReport }),
    ...(coldStartReport && { coldStart: coldStartReport }),
  }
  if (!smoke) {
    printTargets(targets(report))
    if (all) {
      writeFileSync(values.out, renderReport(report))
      console.log(`Written to ${values.out}`)
    }
  }
  console.log(failures === 0 ? 'Every request was answered 2xx.' : `${failures} requests failed.`)
} finally {
  for (const server of servers.values()) await server.stop()
}
process.exit(failures === 0 ? 0 : 1)
