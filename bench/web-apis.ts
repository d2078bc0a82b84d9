// `tsx bench/web-apis.ts`: what each web API the fetch path uses costs beside the node: module it replaced, timed
// side by side in one process (alternating batches, medians), to decide where the node:http path may keep Node's.
import { isUtf8 } from 'node:buffer'
import { hash, randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { portableSha256 as sha256, toBase64Url, toHex } from '../packages/core/src/sha256.js'
import { fixtureText } from '../test/support/callbacks.js'
import { median } from './stats.js'

const ROUNDS = 7
const body = fixtureText('Room.CallbackAfterCreateRoom')
const bodyBytes = new TextEncoder().encode(body)
const large = randomBytes(1024 * 1024)
const signInput = 'benchmark-callback-token1669872112'
const chunks = Array.from({ length: 16 }, () => randomBytes(64 * 1024))
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
let sink = 0

/** µs per call of each contender, medians of alternating rounds. */
function compare(what: string, iterations: number, contenders: Record<string, () => unknown>): void {
  const times = new Map<string, number[]>(Object.keys(contenders).map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const started = process.hrtime.bigint()
      for (let i = 0; i < iterations; i++) sink += run() ? 1 : 0
      times.get(name)!.push(Number(process.hrtime.bigint() - started) / 1000 / iterations)
    }
  }
  console.log(`\n${what}`)
  for (const [name, list] of times) console.log(`  ${name.padEnd(52)} ${median(list).toFixed(2)} µs`)
}

async function subtle(input: Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', input)
}

console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node.js ${process.version}`)
compare(`Sign: SHA-256 of ${signInput.length} bytes, hex`, 100_000, {
  'node:crypto hash()': () => hash('sha256', signInput, 'hex'),
  'sha256() (plain JavaScript)': () => toHex(sha256(signInput)),
})
compare(`dedupe key: SHA-256 of a ${bodyBytes.length}-byte callback, base64url`, 20_000, {
  'node:crypto hash()': () => hash('sha256', body, 'base64url'),
  'sha256() (plain JavaScript)': () => toBase64Url(sha256(body)),
})
{
  // WebCrypto is asynchronous: timed awaited one after another, as a callback would wait for it.
  const times: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint()
    for (let i = 0; i < 2_000; i++) sink += (await subtle(bodyBytes)).byteLength
    times.push(Number(process.hrtime.bigint() - started) / 1000 / 2_000)
  }
  console.log(`  ${'crypto.subtle.digest(), awaited'.padEnd(52)} ${median(times).toFixed(2)} µs (the same callback)`)
}
compare('SHA-256 of 1 MiB (the default body limit)', 20, {
  'node:crypto hash()': () => hash('sha256', large, 'base64url'),
  'sha256() (plain JavaScript)': () => toBase64Url(sha256(large)),
})
compare(`UTF-8: ${bodyBytes.length}-byte callback to text`, 50_000, {
  'isUtf8() + Buffer toString()': () =>
    isUtf8(bodyBytes) && Buffer.from(bodyBytes.buffer, bodyBytes.byteOffset, bodyBytes.byteLength).toString('utf8'),
  "TextDecoder('utf-8', { fatal: true })": () => decoder.decode(bodyBytes),
})
const largeText = new TextEncoder().encode(JSON.stringify({ text: 'x'.repeat(1024 * 1024 - 20) }))
compare(`UTF-8: ${largeText.length}-byte body to text`, 50, {
  'isUtf8() + Buffer toString()': () =>
    isUtf8(largeText) && Buffer.from(largeText.buffer, largeText.byteOffset, largeText.byteLength).toString('utf8'),
  "TextDecoder('utf-8', { fatal: true })": () => decoder.decode(largeText),
})
compare('a 1 MiB body read in 16 chunks, joined', 200, {
  'Buffer.concat()': () => Buffer.concat(chunks, 1024 * 1024),
  'new Uint8Array() + set()': () => {
    const joined = new Uint8Array(1024 * 1024)
    let offset = 0
    for (const chunk of chunks) {
      joined.set(chunk, offset)
      offset += chunk.byteLength
    }
    return joined
  },
})
if (sink === 0) throw new Error('unreachable: keeps the loops from being optimised away')
