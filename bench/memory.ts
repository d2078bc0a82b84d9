import { load } from './load.js'
import { startServer } from './servers.js'

/** Memory of one adapter's server after warm-up and after a long run. */
export interface MemoryResult {
  readonly caseName: string
  readonly requests: number
  readonly baselineHeap: number
  readonly afterHeap: number
  readonly baselineRss: number
  readonly afterRss: number
}

/**
 * Starts the case in a process with --expose-gc, warms it up, records heap and RSS after a full GC, sends
 * `requests` more callbacks, and records them again.
 */
export async function measureMemory(
  caseName: string,
  options: { warmup: number; requests: number },
): Promise<MemoryResult> {
  const server = await startServer(caseName, { exposeGc: true })
  try {
    await load(server.url, { signed: false, amount: options.warmup })
    const before = await server.memory()
    const run = await load(server.url, { signed: false, amount: options.requests })
    if (run.failures > 0) throw new Error(`${caseName}: ${run.failures} requests failed during the memory run`)
    const after = await server.memory()
    return {
      caseName,
      requests: run.total,
      baselineHeap: before.heapUsed,
      afterHeap: after.heapUsed,
      baselineRss: before.rss,
      afterRss: after.rss,
    }
  } finally {
    await server.stop()
  }
}
