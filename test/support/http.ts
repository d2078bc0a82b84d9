import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A test server listening on a free loopback port. */
export interface RunningServer {
  readonly url: string
  close(): Promise<void>
}

/** Starts listening on 127.0.0.1 with a free port. */
export async function listen(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly envelope: { ActionStatus: string; ErrorCode: number; ErrorInfo: string; [key: string]: unknown }
}

/** POSTs a callback over a real socket and reads the JSON envelope (failing the test if it is not JSON). */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', body, headers })
  const text = await response.text()
  let envelope: Answer['envelope']
  try {
    envelope = JSON.parse(text)
  } catch {
    throw new Error(`The answer (HTTP ${response.status}) is not JSON: ${text.slice(0, 200)}`)
  }
  return { status: response.status, headers: response.headers, envelope }
}
