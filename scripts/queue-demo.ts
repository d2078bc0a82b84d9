// The queue example in `npm run demo`: a redis-server of its own on a free port, the example's receiver and worker
// as two processes, one callback queued by the receiver and handled by the worker (its first save fails and is
// retried), then SIGTERM to both. Skipped, in one line, when there is no redis-server on the PATH.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { sendCallback } from '@roomhooks/cli'
import { startRedisServer, type RedisServer } from '../test/support/redis-server.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The path of an executable `command` found on `path` (the PATH's format), or undefined. */
function findOnPath(command: string, path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

/** A process of the demo whose output is printed as it comes, each line after its name. */
interface DemoProcess {
  /** Resolves with the first stdout line matching `pattern`, or undefined after `timeout` ms or once it exits. */
  waitForLine(pattern: RegExp, timeout?: number): Promise<string | undefined>
  /** Sends `signal` (unless it has exited) and resolves with the exit code, or the signal's name. */
  stop(signal: NodeJS.Signals): Promise<number | string>
}

interface ProcessOptions {
  readonly env?: Record<string, string>
}

function startProcess(name: string, command: string, args: string[], options: ProcessOptions = {}): DemoProcess {
  const child: ChildProcess = spawn(command, args, { cwd: root, env: { ...process.env, ...options.env } })
  const exited = once(child, 'close').then(
    ([code, signal]) => (code ?? signal) as number | string,
    (error: Error) => error.message, // it could not be started
  )
  const seen: string[] = []
  const listeners = new Set<(line: string) => void>()
  createInterface({ input: child.stdout! }).on('line', (line) => {
    seen.push(line)
    console.log(`    ${name}: ${line}`)
    for (const listener of listeners) listener(line)
  })
  createInterface({ input: child.stderr! }).on('line', (line) => console.log(`    ${name} (stderr): ${line}`))

  const waitForLine = (pattern: RegExp, timeout = 10_000) => {
    const found = seen.find((line) => pattern.test(line))
    if (found !== undefined) return Promise.resolve(found)
    return new Promise<string | undefined>((resolve) => {
      const finish = (line: string | undefined) => {
        clearTimeout(timer)
        listeners.delete(listener)
        resolve(line)
      }
      const listener = (line: string) => pattern.test(line) && finish(line)
      const timer = setTimeout(finish, timeout, undefined)
      listeners.add(listener)
      void exited.then(() => finish(undefined))
    })
  }
  const stop = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return { waitForLine, stop }
}

/** Runs the queue example; resolves with how many steps did not go as expected. */
export async function runQueueDemo({ sdkAppId, token }: { sdkAppId: number; token: string }): Promise<number> {
  const redis = await demoRedisServer('Queue example')
  if (typeof redis === 'number') return redis
  const { port } = redis
  console.log(`\nQueue example: a receiver and a worker process, with a redis-server on port ${port}`)
  const examples: DemoProcess[] = []
  try {
    const env = {
      SDKAPPID: String(sdkAppId),
      CALLBACK_TOKEN: token,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      QUEUE_NAME: 'roomhooks-demo',
      PORT: '0',
      STORE_FAILURES: '1',
    }
    const tsx = (script: string) => ['--import', 'tsx', `examples/queue/src/${script}.ts`]
    const receiver = startProcess('receiver', process.execPath, tsx('receiver'), { env })
    const worker = startProcess('worker', process.execPath, tsx('worker'), { env })
    examples.push(receiver, worker)
    const [listening, ready] = await Promise.all([
      receiver.waitForLine(/^Receiving callbacks on /),
      worker.waitForLine(/^Running callbacks queued in /),
    ])
    const url = listening === undefined ? undefined : /http:\/\/\S+\/tencent\/callback/.exec(listening)?.[0]
    if (url === undefined || ready === undefined) return failed('the receiver or the worker did not start')

    let failures = 0
    console.log('  → Room.CallbackAfterMemberLeave, to the receiver')
    const result = await sendCallback('member.leave', { url, sdkAppId, token, overrides: { RoomId: 'demo-room' } })
    console.log(`  ← ${result.status} ${JSON.stringify(result.envelope)} in ${result.ms.toFixed(1)} ms`)
    if (!result.ok) failures++
    if ((await worker.waitForLine(/^saved: /)) === undefined) failures += failed('the worker did not save the callback')

    console.log('  SIGTERM to the receiver and the worker')
    const [receiverExit, workerExit] = await Promise.all([receiver.stop('SIGTERM'), worker.stop('SIGTERM')])
    console.log(`  receiver exited with ${receiverExit}, worker exited with ${workerExit}`)
    if (receiverExit !== 0) failures++
    if (workerExit !== 0) failures++
    return failures
  } finally {
    // Already stopped unless a step failed; then they are killed.
    await Promise.all(examples.map((example) => example.stop('SIGKILL')))
    await redis.stop()
  }
}

/**
 * A redis-server of its own for one example of the demo, or the failures to count instead: none when there is no
 * redis-server on the PATH (the example is skipped, in one line), one when it did not start.
 */
export async function demoRedisServer(example: string): Promise<RedisServer | number> {
  if (findOnPath('redis-server') === undefined) {
    console.log(`${example} skipped: no redis-server on the PATH.`)
    return 0
  }
  try {
    return await startRedisServer()
  } catch {
    return failed('redis-server did not start')
  }
}

/** Says what went wrong; counts as one failure. */
export function failed(what: string): number {
  console.log(`  ✘ ${what}`)
  return 1
}
