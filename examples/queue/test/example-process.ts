// One of the example's processes (receiver or worker), run as `node --import tsx src/<name>.ts` with its stdout
// read line by line.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))

export interface ExampleProcess {
  /** Every line written to stdout so far. */
  readonly lines: readonly string[]
  /** Resolves with the first line matching `pattern`, already written or to come; rejects after `timeout` ms. */
  waitForLine(pattern: RegExp, timeout?: number): Promise<string>
  /** Sends `signal` and resolves with the exit code (null when killed by a signal), once its output is read. */
  stop(signal: NodeJS.Signals): Promise<number | null>
}

export function startExample(name: 'receiver' | 'worker', env: Record<string, string>): ExampleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/${name}.ts`], {
    cwd: exampleDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'close').then(([code]) => code as number | null)
  const lines: string[] = []
  const waiting = new Set<() => void>()
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line)
    for (const check of waiting) check()
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))

  const waitForLine = (pattern: RegExp, timeout = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => pattern.test(line))
        if (found === undefined) return
        finish()
        resolve(found)
      }
      const timer = setTimeout(() => {
        finish()
        reject(
          new Error(`The ${name} wrote no line matching ${pattern}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`),
        )
      }, timeout)
      const finish = () => {
        clearTimeout(timer)
        waiting.delete(check)
      }
      waiting.add(check)
      check()
    })

  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return { lines, waitForLine, stop }
}
