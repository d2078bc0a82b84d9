// What the inspector's tests share: a receiver with the inspector in front of it on a real socket, callbacks sent
// to it as the platform sends them, and a reader of the live stream.
import { createServer, request as httpRequest } from 'node:http'
import { createNodeHandler, createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import type { ListenableName } from '@roomhooks/core'
import { createInspector, type Inspector, type InspectorOptions } from '@roomhooks/inspector'
import { listen } from '../../../test/support/http.js'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'

export const CALLBACK_PATH = '/tencent/callback'
export const quiet = { warn: () => {}, error: () => {}, debug: () => {} }

/** A receiver and its inspector, served together by one node:http server on a free loopback port. */
export interface Served {
  readonly url: string
  readonly hooks: RoomWebhooks
  readonly inspector: Inspector
  /** POSTs a callback to the receiver as the platform does; resolves with the HTTP status. */
  send(name: ListenableName, options?: SendOptions): Promise<number>
  /** GETs a path of the inspector; JSON answers parsed. */
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: any; text: string }>
  post(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>
  close(): Promise<void>
}

export interface SendOptions {
  readonly overrides?: Record<string, unknown>
  /** The body sent instead of the fixture's. */
  readonly body?: string
  readonly token?: string
}

export async function serve(
  options: InspectorOptions = {},
  receiver: Partial<RoomWebhooksOptions> = {},
  more: (hooks: RoomWebhooks) => InspectorOptions = () => ({}),
): Promise<Served> {
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, ...receiver })
  const inspector = createInspector(hooks, { enabled: true, ...options, ...more(hooks) })
  const callbacks = createNodeHandler(hooks, { path: CALLBACK_PATH })
  const server = await listen(createServer((req, res) => inspector.handler(req, res, () => callbacks(req, res))))
  const { url } = server
  const read = async (response: Response) => {
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    return { status: response.status, headers: response.headers, body, text }
  }
  return {
    url,
    hooks,
    inspector,
    async send(name, { overrides, body, token } = {}) {
      const callback = createTestCallback(name, {
        sdkAppId: SDK_APP_ID,
        token: token ?? (typeof receiver.token === 'string' ? receiver.token : undefined),
        overrides: overrides,
      })
      const response = await fetch(`${url}${CALLBACK_PATH}?${callback.query}`, {
        method: 'POST',
        body: body ?? callback.body,
        headers: { 'content-type': 'application/json' },
      })
      await response.text()
      return response.status
    },
    get: async (path, headers = {}) => read(await fetch(`${url}${path}`, { headers })),
    post: async (path, headers = {}) => read(await fetch(`${url}${path}`, { method: 'POST', headers })),
    async close() {
      inspector.close()
      await server.close()
    },
  }
}

/** One event read from a `text/event-stream`. */
export interface StreamEvent {
  readonly event: string
  readonly data: any
}

/** Reads a live stream: every event as it comes, and whether the server ended it. */
export async function openEvents(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController()
  const response = await fetch(url, { headers, signal: abort.signal })
  const events: StreamEvent[] = []
  const comments: string[] = []
  let wake = () => {}
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  const ended = (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return 'ended' as const
        buffer += decoder.decode(value, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (block.startsWith(':')) comments.push(block)
          const name = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (name !== undefined && data !== undefined) events.push({ event: name, data: JSON.parse(data) })
        }
        wake()
      }
    } catch {
      return 'aborted' as const
    }
  })()
  return {
    response,
    events,
    comments,
    ended,
    /** The first event named `event` for which `test` holds, waiting up to `ms`. */
    async next(event: string, test: (data: any) => boolean = () => true, ms = 5000): Promise<any> {
      const deadline = Date.now() + ms
      for (;;) {
        const found = events.find((item) => item.event === event && test(item.data))
        if (found !== undefined) return found.data
        if (Date.now() > deadline) throw new Error(`No ${event} event within ${ms} ms`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 50)
        })
      }
    },
    close: () => abort.abort(),
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A GET sent exactly as written: its path (fetch would resolve the dots) and its Host (fetch would set its own). */
export function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, any>; body: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, path, method: 'GET', headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

/** Waits until `test` holds, up to `ms`; false when it never did. */
export async function eventually(test: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) return false
    await sleep(10)
  }
  return true
}
