// HTTP/1.1 over a bare socket: what fetch() cannot do (pipelining, dripping, pushing a huge declared body), and
// the byte counts that show what a server read.
import type { Server } from 'node:http'
import { connect, type Socket } from 'node:net'

/** One answer as it came off the wire. */
export interface RawAnswer {
  readonly status: number
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The text of one request: a head, and the body with its Content-Length unless `headers` says otherwise. */
export function rawRequest(
  target: string,
  body: string | undefined,
  { method = 'POST', headers = {} }: { method?: string; headers?: Record<string, string | number> } = {},
): string {
  const all: Record<string, string | number> = { host: 'localhost', ...headers }
  if (body !== undefined && !Object.keys(all).some((name) => /^(content-length|transfer-encoding)$/i.test(name))) {
    all['content-length'] = Buffer.byteLength(body)
  }
  const head = Object.entries(all)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return `${method} ${target} HTTP/1.1\r\n${head}\r\n${body ?? ''}`
}

/** A raw connection that parses the answers as they arrive. */
export class RawConnection {
  readonly socket: Socket
  readonly answers: RawAnswer[] = []
  /** Resolves when the server (or the client) closes the connection. */
  readonly closed: Promise<void>
  #buffer = Buffer.alloc(0)
  #waiters: (() => void)[] = []

  constructor(url: string) {
    const { hostname, port } = new URL(url)
    this.socket = connect(Number(port), hostname)
    this.socket.on('error', () => {})
    this.socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk])
      this.#parse()
    })
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()))
    void this.closed.then(() => this.#wake())
  }

  write(text: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (error) => (error ? reject(error) : resolve())))
  }

  /** Waits for `count` answers in all, or for the connection to close, or `ms`; returns the answers so far. */
  async waitForAnswers(count: number, ms = 5000): Promise<RawAnswer[]> {
    const deadline = Date.now() + ms
    while (this.answers.length < count && !this.socket.destroyed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(deadline - Date.now(), 0))
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.answers
  }

  destroy(): void {
    this.socket.destroy()
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake()
  }

  #parse(): void {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n')
      if (end === -1) return
      const [statusLine = '', ...lines] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      const length = Number(headers['content-length'] ?? 0)
      if (this.#buffer.length < end + 4 + length) return
      const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8')
      this.#buffer = this.#buffer.subarray(end + 4 + length)
      this.answers.push({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]), headers, body })
      this.#wake()
    }
  }
}

/** Counts the bytes a server read from all its connections, open and closed. */
export function countBytesRead(server: Server): () => number {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => sockets.add(socket))
  return () => [...sockets].reduce((total, socket) => total + socket.bytesRead, 0)
}

/** What happened to a big declared upload. */
export interface UploadOutcome {
  readonly answer: RawAnswer | undefined
  /** Bytes of the body the client handed to the socket successfully (the kernel's buffers take a few MiB). */
  readonly clientSent: number
  readonly closedByServer: boolean
}

/**
 * Sends the head of a request that declares `size` bytes of body, then pushes the body as fast as the
 * connection takes it until all of it is sent, the server closes the connection, the connection takes nothing
 * for a second, or `ms` pass.
 */
export async function pushUpload(url: string, head: string, size: number, ms = 10_000): Promise<UploadOutcome> {
  const connection = new RawConnection(url)
  let closed = false
  void connection.closed.then(() => (closed = true))
  await connection.write(head)
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  const started = Date.now()
  let sent = 0
  while (sent < size && !closed && Date.now() - started < ms) {
    const piece = size - sent >= chunk.length ? chunk : chunk.subarray(0, size - sent)
    let stall: ReturnType<typeof setTimeout> | undefined
    const written = await Promise.race([
      connection.write(piece).then(
        () => true,
        () => false,
      ),
      connection.closed.then(() => false),
      new Promise<false>((resolve) => (stall = setTimeout(() => resolve(false), 1000))),
    ])
    clearTimeout(stall)
    if (!written) break
    sent += piece.length
  }
  await connection.waitForAnswers(1, 2000)
  await Promise.race([connection.closed, new Promise((resolve) => setTimeout(resolve, 500))])
  const outcome = { answer: connection.answers[0], clientSent: sent, closedByServer: closed }
  connection.destroy()
  return outcome
}
