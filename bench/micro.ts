import { createRoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureText } from '../test/support/callbacks.js'
import { median } from './stats.js'

/** receive() against JSON.parse alone, on one body. */
export interface MicroResult {
  readonly command: string
  readonly parseOpsPerSecond: number
  readonly receiveOpsPerSecond: number
  /** receive() ops/s divided by JSON.parse ops/s, median of the per-round ratios. */
  readonly ratio: number
}

/**
 * Times `hooks.receive()` (awaited, one handler) and `JSON.parse` alone on the same body, in alternating
 * batches, and keeps the medians. Each batch is timed by the CPU time the process spent on it, not the clock: on
 * a machine other work shares, the clock also counts the time the process waited for a core.
 */
export async function runMicro(command: string, options: { rounds: number; iterations: number }): Promise<MicroResult> {
  const body = fixtureText(command)
  const query = callbackQuery({ command })
  let sink = 0
  const hooks = createRoomWebhooks({ sdkAppId: 1400000000 }).onAny((event) => {
    sink += event.receivedAt & 1
  })

  const parseRates: number[] = []
  const receiveRates: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < options.rounds; round++) {
    let started = cpuSeconds()
    for (let i = 0; i < options.iterations; i++) sink += (JSON.parse(body) as object) ? 1 : 0
    const parseRate = options.iterations / (cpuSeconds() - started)
    started = cpuSeconds()
    for (let i = 0; i < options.iterations; i++) sink += (await hooks.receive({ query, body })).status
    const receiveRate = options.iterations / (cpuSeconds() - started)
    parseRates.push(parseRate)
    receiveRates.push(receiveRate)
    ratios.push(receiveRate / parseRate)
  }
  if (sink === 0) throw new Error('unreachable: keeps the loops from being optimised away')
  return {
    command,
    parseOpsPerSecond: median(parseRates),
    receiveOpsPerSecond: median(receiveRates),
    ratio: median(ratios),
  }
}

/** The CPU time (user and system) the process has used, in seconds. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
