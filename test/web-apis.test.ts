import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { bundleWorker, type WorkerBundle } from './support/worker-bundle.js'

// The fetch handler promises Bun, Deno, Cloudflare Workers and any runtime with web APIs alone: nothing it or
// receive() reaches may need Node's built-in modules or its Buffer global.

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const core = resolve(root, 'packages/core/src')
/** Imports and re-exports that exist at run time (`import type` and `export type` lines are erased). */
const RUNTIME_IMPORT = /^\s*(?:import|export)(?!\s+type\b)[^'";]*?from\s+'([^']+)'/gm
const NODE_SPECIFIER = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)'node:[^']*'/
const COMMENT = /\/\*[\s\S]*?\*\/|(?<![:'"])\/\/.*$/gm

/** Every source module of core that `entries` reach through their run-time relative imports. */
function reachedModules(entries: readonly string[]): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(RUNTIME_IMPORT)) {
      if (specifier?.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
    }
  }
  for (const entry of entries) visit(resolve(core, entry))
  return [...seen].map((file) => relative(root, file)).sort()
}

describe('the fetch path on web APIs alone', () => {
  const reached = reachedModules(['http/fetch-handler.ts', 'webhooks.ts'])

  it('reaches the receiver and the fetch handler (the walk follows imports)', () => {
    expect(reached).to.include.members([
      'packages/core/src/intake/sign.ts',
      'packages/core/src/intake/parse-body.ts',
      'packages/core/src/dispatch/dedupe.ts',
      'packages/core/src/dispatch/dispatch-once.ts',
      'packages/core/src/http/collect-body.ts',
    ])
    expect(reached).not.to.include('packages/core/src/http/node-receiver.ts')
  })

  it('imports no node: module in any module the fetch handler or receive() reach', () => {
    const offenders = reached.filter((file) => NODE_SPECIFIER.test(readFileSync(resolve(root, file), 'utf8')))
    expect(offenders).to.deep.equal([])
  })

  it('names no Buffer in any module the fetch handler or receive() reach', () => {
    const offenders = reached.filter((file) =>
      /\bBuffer\b/.test(readFileSync(resolve(root, file), 'utf8').replace(COMMENT, '')),
    )
    expect(offenders).to.deep.equal([])
  })

  describe('a minimal worker bundled for a platform without Node (esbuild, neutral)', () => {
    let bundle: WorkerBundle
    before(async function () {
      this.timeout(60_000)
      bundle = await bundleWorker() // fails to build on any node: import, as nothing is marked external
    })

    it('uses no Buffer', () => {
      expect(bundle.code).not.to.match(/\bBuffer\b/)
    })

    // An edge runtime loads the whole bundle on a cold start, and some cap its size (Workers' free plan: 3 MB).
    it('stays within 40 KB gzipped', () => {
      expect(bundle.gzippedBytes).to.be.at.most(40 * 1024)
    })

    // Core's ES build is itself bundled, so what the worker keeps is told by the code: none of the calls that only
    // the node:http handler makes on Node's request and response.
    it('leaves out the node:http handler and its body reader', () => {
      expect(bundle.code).to.match(/\.getReader\(\)/) // the fetch handler's body reader is there
      expect(bundle.code.match(/\.(?:writeHead|setHeader|pause|resume)\(|\.on\("(?:data|end|close)"/g)).to.equal(null)
    })
  })
})
