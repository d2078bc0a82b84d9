// @roomhooks/core's ES build, bundled: what `import` of the package loads. A cold start (serverless, a worker) pays
// for every module file it loads, one by one, before its first answer; dist/esm is some fifty of them, this is a few
// chunks. Its four entry points share their chunks, so a receiver and an adapter that import different entries of
// core still share one copy of each module. Built from dist/esm (run after tsc -b): the same code tsc emitted, and
// each source map leads back through dist/esm's to src/, for stack traces and coverage. TypeBox stays a dependency
// (only its error walk is loaded, on the first invalid payload); types stay dist/esm's declarations.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

const core = 'packages/core/dist'
const entries = ['index', 'adapter', 'delivery', 'testing/index']

rmSync(`${core}/bundle`, { recursive: true, force: true })
await build({
  entryPoints: entries.map((entry) => `${core}/esm/${entry}.js`),
  outbase: `${core}/esm`,
  outdir: `${core}/bundle`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  external: ['@sinclair/typebox', '@sinclair/typebox/*'],
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
})
