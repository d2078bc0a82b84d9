// SHA-256 for the Sign and the dedupe keys, computed on the synchronous path of receive() (and signCallback() is
// synchronous). Where the runtime has Node's one-shot crypto.hash() (Node.js, Bun, Deno) it is used: 2 to 7 times
// faster than the plain JavaScript below on these inputs (bench/web-apis.ts; Node's createHash() is not: on a
// Sign's few bytes its objects cost more than the hash). It is asked for through process.getBuiltinModule(), not
// imported, so the fetch path still bundles for runtimes without Node's modules (Cloudflare Workers), which get
// the plain JavaScript SHA-256 (FIPS 180-4): WebCrypto's digest() is the only hash every runtime has, and it is
// asynchronous.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
])
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]

const encoder = new TextEncoder()
const schedule = new Int32Array(64)
const hashed = new Int32Array(8)

/** Node's one-shot hash, where the runtime has it. */
type NodeHash = (algorithm: 'sha256', data: string | Uint8Array, encoding: 'hex' | 'base64url') => string

function nodeHash(): NodeHash | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
  const crypto = runtime?.getBuiltinModule?.('node:crypto') as { hash?: unknown } | undefined
  return typeof crypto?.hash === 'function' ? (crypto.hash as NodeHash) : undefined
}

const hash = nodeHash()

/** The SHA-256 of a text (as UTF-8), as lower-case hex. */
export const sha256Hex: (text: string) => string = hash
  ? (text) => hash('sha256', text, 'hex')
  : (text) => toHex(portableSha256(text))

/** The SHA-256 of a text (as UTF-8) or of bytes, as unpadded base64url. */
export const sha256Base64Url: (input: string | Uint8Array) => string = hash
  ? (input) => hash('sha256', input, 'base64url')
  : (input) => toBase64Url(portableSha256(input))

/** roomhooks' own SHA-256, for runtimes without Node's crypto module. */
export function portableSha256(input: string | Uint8Array): Uint8Array {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input
  const length = bytes.length
  // The whole blocks are read where they are; the rest of the message is copied to a last block or two, followed
  // by a 1 bit, zeros, and the message's length in bits (64-bit big-endian).
  const whole = length & ~63
  const tail = new Uint8Array(length - whole < 56 ? 64 : 128)
  tail.set(bytes.subarray(whole))
  tail[length - whole] = 0x80
  writeUint32(tail, tail.length - 8, Math.floor(length / 0x20000000))
  writeUint32(tail, tail.length - 4, length << 3)
  hashed.set(INITIAL)
  compress(bytes, whole)
  compress(tail, tail.length)
  const digest = new Uint8Array(32)
  for (let i = 0; i < 8; i++) writeUint32(digest, i * 4, hashed[i] as number)
  return digest
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24
  bytes[at + 1] = value >>> 16
  bytes[at + 2] = value >>> 8
  bytes[at + 3] = value
}

/** Runs the 64-byte blocks of `bytes` before `end` through the compression function, into `hashed`. */
function compress(bytes: Uint8Array, end: number): void {
  const w = schedule
  let h0 = hashed[0] as number
  let h1 = hashed[1] as number
  let h2 = hashed[2] as number
  let h3 = hashed[3] as number
  let h4 = hashed[4] as number
  let h5 = hashed[5] as number
  let h6 = hashed[6] as number
  let h7 = hashed[7] as number
  for (let offset = 0; offset < end; offset += 64) {
    for (let i = 0, at = offset; i < 16; i++, at += 4) {
      w[i] =
        ((bytes[at] as number) << 24) |
        ((bytes[at + 1] as number) << 16) |
        ((bytes[at + 2] as number) << 8) |
        (bytes[at + 3] as number)
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number
      const y = w[i - 2] as number
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0
    }
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    let f = h5
    let g = h6
    let h = h7
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
      h = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
    h5 = (h5 + f) | 0
    h6 = (h6 + g) | 0
    h7 = (h7 + h) | 0
  }
  hashed[0] = h0
  hashed[1] = h1
  hashed[2] = h2
  hashed[3] = h3
  hashed[4] = h4
  hashed[5] = h5
  hashed[6] = h6
  hashed[7] = h7
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Bytes as lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += HEX[byte]
  return text
}

/** Bytes as unpadded base64url (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    text += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]!
    if (i + 1 < bytes.length) text += BASE64URL[(n >>> 6) & 63]
    if (i + 2 < bytes.length) text += BASE64URL[n & 63]
  }
  return text
}
