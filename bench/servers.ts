import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

/** A benchmark server running in a child process. */
export interface BenchServer {
  readonly url: string
  /** Heap and RSS in bytes after a full GC (needs `exposeGc`). */
  memory(): Promise<{ rss: number; heapUsed: number }>
  /** The CPU time (user and system) the server process has used so far, in µs. */
  cpu(): Promise<number>
  stop(): Promise<void>
}

const entry = fileURLToPath(new URL('./server.ts', import.meta.url))

/** Starts one case's server in its own process, on a free loopback port. */
export async function startServer(
  caseName: string,
  options: { exposeGc?: boolean; redisPort?: number } = {},
): Promise<BenchServer> {
  const args = options.redisPort === undefined ? [caseName] : [caseName, String(options.redisPort)]
  const child: ChildProcess = fork(entry, args, {
    execArgv: ['--import', 'tsx', ...(options.exposeGc ? ['--expose-gc'] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const [message] = (await once(child, 'message')) as [{ port: number }]
  return {
    url: `http://127.0.0.1:${message.port}`,
    async memory() {
      child.send({ memory: true })
      const [usage] = (await once(child, 'message')) as [{ rss: number; heapUsed: number }]
      return usage
    },
    async cpu() {
      child.send({ cpu: true })
      const [usage] = (await once(child, 'message')) as [{ cpu: number }]
      return usage.cpu
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.disconnect()
      await exited
    },
  }
}
