// Bun, Deno and workerd as npm installs them (root devDependencies): an app run on each in its own process, on a
// free loopback port, for tests that reach it over real HTTP. A runtime that is not installed fails the test.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** A server running on another runtime. */
export interface RuntimeServer {
  /** Its origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  stop(): Promise<void>
}

/** A server in a child process (Bun, Deno), whose stdout the test reads. */
export interface RuntimeProcess extends RuntimeServer {
  /** Everything it wrote to stdout so far, line by line. */
  readonly lines: readonly string[]
  /**
   * Resolves with the first line of stdout equal to (or matching) `line`, written or to come: a line written before
   * an answer may reach the test after it. Rejects after `timeout` ms.
   */
  waitForLine(line: string | RegExp, timeout?: number): Promise<string>
}

/** The version npm installed of `name` (bun, deno, miniflare, workerd), from its package.json. */
export function installedVersion(name: 'bun' | 'deno' | 'miniflare' | 'workerd'): string {
  const file = `${root}node_modules/${name}/package.json`
  if (!existsSync(file)) throw new Error(`${name} is not installed: run npm ci (it is a devDependency of the root)`)
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

function binary(name: 'bun' | 'deno'): string {
  installedVersion(name)
  return `${root}node_modules/.bin/${name}`
}

export interface ProcessOptions {
  /** The working directory: where the runtime looks for package.json and node_modules. */
  readonly cwd?: string
  readonly env?: Record<string, string>
}

/** Runs `script` with Bun (`bun run`), which prints `… on http://<host>:<port>…` once it listens. */
export function startBun(script: string, options: ProcessOptions = {}): Promise<RuntimeProcess> {
  return startListening('Bun', binary('bun'), ['run', script], options)
}

/**
 * Runs `script` with Deno, allowed the network and the environment only. `--sloppy-imports` lets a `.js` import
 * name a `.ts` file, as TypeScript's NodeNext resolution writes them; packages come from node_modules.
 */
export function startDeno(script: string, options: ProcessOptions = {}): Promise<RuntimeProcess> {
  return startListening(
    'Deno',
    binary('deno'),
    ['run', '--allow-net', '--allow-env', '--sloppy-imports', '--no-lock', script],
    options,
  )
}

/** Reads a runtime's stdout line by line, and keeps its stderr for the error of a test that waited in vain. */
class Output {
  readonly lines: string[] = []
  stderr = ''
  readonly #waiting = new Set<() => void>()

  constructor(
    readonly name: string,
    stdout: Readable,
    stderr: Readable,
  ) {
    stderr.on('data', (chunk: Buffer) => void (this.stderr += chunk.toString()))
    createInterface({ input: stdout }).on('line', (line) => {
      this.lines.push(line)
      for (const check of this.#waiting) check()
    })
  }

  error(why: string): Error {
    return new Error(`${this.name} ${why}; stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`)
  }

  /** The first line matching `wanted`, written or to come; rejects after `timeout` ms. */
  waitForLine = (wanted: string | RegExp, timeout = 5000): Promise<string> =>
    new Promise((resolve, reject) => {
      const matches = (line: string) => (typeof wanted === 'string' ? line === wanted : wanted.test(line))
      const check = () => {
        const found = this.lines.find(matches)
        if (found === undefined) return
        finish()
        resolve(found)
      }
      const timer = setTimeout(() => {
        finish()
        reject(this.error(`wrote no line ${String(wanted)} within ${timeout} ms`))
      }, timeout)
      const finish = () => {
        clearTimeout(timer)
        this.#waiting.delete(check)
      }
      this.#waiting.add(check)
      check()
    })
}

async function startListening(
  name: string,
  command: string,
  args: string[],
  { cwd = root, env = {} }: ProcessOptions,
): Promise<RuntimeProcess> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'close')
  const output = new Output(`${name} (${args.join(' ')})`, child.stdout, child.stderr)
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const started = await Promise.race([
    output.waitForLine(/\bon http:\/\/[^\s/]+/, 20_000),
    once(child, 'error').then(([error]) => Promise.reject(output.error(`could not start: ${String(error)}`))),
    exited.then(() => Promise.reject(output.error('exited'))),
  ]).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  const url = /\bon (http:\/\/[^\s/]+)/.exec(started)![1]!
  return { url, lines: output.lines, waitForLine: output.waitForLine, stop }
}

export interface WorkerOptions {
  /** The Worker's `compatibility_date`; no compatibility flags are ever set. */
  readonly compatibilityDate: string
  /** Its `vars` (environment variables), as wrangler.toml would declare them. */
  readonly vars?: Record<string, string>
}

/**
 * Bundles the Worker module `entry` with esbuild as wrangler does without `nodejs_compat` (an ES module for the
 * browser platform: a node: import does not build), and runs it in workerd through Miniflare. What the Worker
 * logs is read as a child process's stdout.
 */
export async function startWorker(
  entry: string,
  { compatibilityDate, vars = {} }: WorkerOptions,
): Promise<RuntimeProcess> {
  installedVersion('miniflare')
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  let output: Output | undefined
  const worker = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]!.text,
    compatibilityDate,
    bindings: vars,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => void (output = new Output('workerd', stdout, stderr)),
  })
  const url = await worker.ready
  const { lines, waitForLine } = output!
  return { url: url.origin, lines, waitForLine, stop: () => worker.dispose() }
}
