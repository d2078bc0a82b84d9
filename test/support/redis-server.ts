// A real redis-server (the Debian package) on a free loopback port, for the tests that need Redis. CI installs it.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export interface RedisServer {
  readonly port: number
  /** Stops the server (its data is gone: nothing is saved). */
  stop(): Promise<void>
  /** Starts it again on the same port. */
  start(): Promise<void>
}

/** A loopback port nothing listens on (at the moment it is asked for). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts redis-server and waits until it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    const failed = once(child, 'error').then(([error]: Error[]) => {
      throw new Error(`redis-server could not be started (install the Debian package redis-server): ${error?.message}`)
    })
    const probe = new Redis({ port, host: '127.0.0.1', retryStrategy: (times) => (times > 100 ? null : 50) })
    probe.on('error', () => {}) // refused until the server listens
    try {
      await Promise.race([probe.ping(), failed])
    } finally {
      probe.disconnect()
    }
  }
  const stop = async () => {
    const running = child
    if (running === undefined || running.exitCode !== null) return
    running.kill('SIGKILL')
    await once(running, 'exit')
  }
  await start()
  return { port, start, stop }
}
