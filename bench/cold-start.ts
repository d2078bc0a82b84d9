// Cold start: what a serverless receiver pays before its first answer, beside the time to import Hono, in fresh
// processes. Tencent does not retry an after-callback, so on serverless a slow start is a lost event.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { callbackQuery, fixtureText } from '../test/support/callbacks.js'
import { bundleWorker } from '../test/support/worker-bundle.js'
import { median } from './stats.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const COMMAND = 'Room.CallbackAfterCreateRoom'

/** One thing timed from a fresh process's start. */
interface Contender {
  readonly name: string
  /** An ES module script that prints the ms the timed part took. */
  readonly script: string
}

export interface ColdStartResult {
  readonly runs: number
  /** Median ms of each contender, in the order measured. */
  readonly medians: readonly { readonly name: string; readonly ms: number }[]
  /** The package's median over Hono's import. */
  readonly ratio: number
  /** The minimal worker bundle's median over Hono's import. */
  readonly bundleRatio: number
  /** The minimal worker bundle, minified and gzipped, in bytes. */
  readonly bundleBytes: number
  readonly target: number
  readonly bundleTarget: number
}

// Node makes its fetch classes (undici) on first use, which costs more than importing Hono; Bun, Deno and Workers
// have them built in. Every process pays that before its timer starts, so neither side is charged for it.
const READY_FETCH = `await new Response(new Request('http://localhost/', { method: 'POST', body: '{}' }).body).text()`
const REQUEST = `new Request(${JSON.stringify(`http://localhost/tencent/callback?${callbackQuery({ command: COMMAND })}`)}, { method: 'POST', body: ${JSON.stringify(fixtureText(COMMAND))} })`
const CHECK_OK = `if (response.status !== 200 || (await response.json()).ErrorCode !== 0) throw new Error('not answered OK')`

/** Import the package, create a receiver and its fetch handler, answer one callback. */
function packageScript(entry: string): string {
  return `${READY_FETCH}
    const started = performance.now()
    const { createRoomWebhooks, createFetchHandler } = await import(${JSON.stringify(entry)})
    const handler = createFetchHandler(createRoomWebhooks({ sdkAppId: 1400000000 }).on('room.created', () => {}))
    const response = await handler(${REQUEST})
    const ms = performance.now() - started
    ${CHECK_OK}
    console.log(ms)`
}

/** Import the minimal worker (the receiver is created as it loads) and answer one callback. */
function bundleScript(file: string): string {
  return `${READY_FETCH}
    const started = performance.now()
    const worker = (await import(${JSON.stringify(pathToFileURL(file).href)})).default
    const response = await worker.fetch(${REQUEST})
    const ms = performance.now() - started
    ${CHECK_OK}
    console.log(ms)`
}

const HONO = `${READY_FETCH}
  const started = performance.now()
  await import('hono')
  console.log(performance.now() - started)`

function runOnce(script: string): number {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })
  return Number(output.trim())
}

/**
 * Times each contender in `runs` fresh processes, taking turns (one of each, then again), and keeps the medians.
 * `against` is another build's ES entry (a `dist/esm/index.js`, e.g. built from main) to time beside this one.
 */
export async function measureColdStart(options: { runs: number; against?: string }): Promise<ColdStartResult> {
  const bundle = await bundleWorker()
  const dir = mkdtempSync(join(tmpdir(), 'roomhooks-cold-start-'))
  try {
    const workerFile = join(dir, 'worker.mjs')
    writeFileSync(workerFile, bundle.code)
    const contenders: Contender[] = [
      { name: 'roomhooks package: import + create + first answer', script: packageScript('@roomhooks/core') },
      { name: 'roomhooks minimal worker bundle: import + first answer', script: bundleScript(workerFile) },
      { name: "import('hono')", script: HONO },
    ]
    if (options.against !== undefined) {
      const entry = pathToFileURL(options.against).href
      contenders.push({ name: `${options.against}: import + create + first answer`, script: packageScript(entry) })
    }
    for (const contender of contenders) runOnce(contender.script) // fills the file system cache
    const times = contenders.map(() => [] as number[])
    for (let run = 0; run < options.runs; run++) {
      contenders.forEach((contender, i) => times[i]!.push(runOnce(contender.script)))
    }
    const medians = contenders.map((contender, i) => ({ name: contender.name, ms: median(times[i]!) }))
    const [pkg, worker, hono] = medians.map((entry) => entry.ms) as [number, number, number]
    return {
      runs: options.runs,
      medians,
      ratio: pkg / hono,
      bundleRatio: worker / hono,
      bundleBytes: bundle.gzippedBytes,
      target: 1.5,
      bundleTarget: 40 * 1024,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
