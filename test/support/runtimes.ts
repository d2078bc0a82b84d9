// Bun, Deno and workerd as npm installs them (root devDependencies): an app run on each in its own process, on a
// free loopback port, for tests that reach it over real HTTP. A runtime that is not installed fails the test.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** A server running on another runtime. */
export interface RuntimeServer {
  /** Its origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  /** Everything it wrote to stdout so far, line by line (workerd: nothing). */
  readonly lines: readonly string[]
  stop(): Promise<void>
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

/** Runs `script` with Bun (`bun run`), which prints `listening on <url>` once it listens. */
export function startBun(script: string, options: ProcessOptions = {}): Promise<RuntimeServer> {
  return startListening('Bun', binary('bun'), ['run', script], options)
}

/**
 * Runs `script` with Deno, allowed the network and the environment only. `--sloppy-imports` lets a `.js` import
 * name a `.ts` file, as TypeScript's NodeNext resolution writes them; packages come from node_modules.
 */
export function startDeno(script: string, options: ProcessOptions = {}): Promise<RuntimeServer> {
  return startListening(
    'Deno',
    binary('deno'),
    ['run', '--allow-net', '--allow-env', '--sloppy-imports', '--no-lock', script],
    options,
  )
}

async function startListening(
  name: string,
  command: string,
  args: string[],
  { cwd = root, env = {} }: ProcessOptions,
): Promise<RuntimeServer> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'close')
  const lines: string[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print "listening on <url>" within 20 s'), 20_000)
    const fail = (why: string) => {
      clearTimeout(timer)
      reject(new Error(`${name} (${args.join(' ')}) ${why}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`))
    }
    child.once('error', (error) => fail(`could not start: ${error.message}`))
    void exited.then(() => fail('exited'))
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line)
      const listening = /^listening on (http:\/\/\S+)$/.exec(line)
      if (listening === null) return
      clearTimeout(timer)
      resolve(listening[1]!)
    })
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  return { url, lines, stop }
}

export interface WorkerOptions {
  /** The Worker's `compatibility_date`; no compatibility flags are ever set. */
  readonly compatibilityDate: string
  /** Its `vars` (environment variables), as wrangler.toml would declare them. */
  readonly vars?: Record<string, string>
}

/**
 * Bundles the Worker module `entry` with esbuild as wrangler does without `nodejs_compat` (an ES module for the
 * browser platform: a node: import does not build), and runs it in workerd through Miniflare.
 */
export async function startWorker(
  entry: string,
  { compatibilityDate, vars = {} }: WorkerOptions,
): Promise<RuntimeServer> {
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
  const worker = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]!.text,
    compatibilityDate,
    bindings: vars,
    host: '127.0.0.1',
    port: 0,
  })
  const url = await worker.ready
  return { url: url.origin, lines: [], stop: () => worker.dispose() }
}
