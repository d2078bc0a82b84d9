// The smallest Cloudflare-style worker of roomhooks, bundled the way a worker is deployed: for a platform with
// nothing of Node's (esbuild's `neutral`, no built-in module marked external), tree-shaken, minified.
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'

const WORKER = `
import { createFetchHandler, createRoomWebhooks } from '@roomhooks/core'
const hooks = createRoomWebhooks({ sdkAppId: 1400000000 })
hooks.on('room.created', () => {})
export default { fetch: createFetchHandler(hooks) }
`

/** The minimal worker bundled: its code, its gzipped size, and the source files that have code in it. */
export interface WorkerBundle {
  readonly code: string
  readonly gzippedBytes: number
  /** Paths (from the repository root) of the inputs that kept code in the bundle after tree-shaking. */
  readonly inputs: readonly string[]
}

/** Bundles the minimal worker against the built `@roomhooks/core` (run `npm run build` first). */
export async function bundleWorker(): Promise<WorkerBundle> {
  const result = await build({
    stdin: { contents: WORKER, resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'js' },
    bundle: true,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.text ?? ''
  return { code, gzippedBytes: gzipSync(code).length, inputs: keptInputs(result.metafile) }
}

function keptInputs(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  )
}
