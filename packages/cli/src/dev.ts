import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type * as InspectorPackage from '@roomhooks/inspector'
import {
  createNodeHandler,
  createRoomWebhooks,
  type CallbackAnswer,
  type CallbackObserver,
  type RoomWebhooks,
} from '@roomhooks/core'
import { escapeControls, MissingPackageError } from './dead-letter.js'
import type { Output } from './output.js'

/** What `roomhooks dev` serves, and where. */
export interface DevOptions {
  /** The port to listen on; 0 for any free one. */
  readonly port: number
  /** The address to listen on, e.g. `127.0.0.1`. */
  readonly host: string
  /** The path callbacks are POSTed to, e.g. `/tencent/callback`. */
  readonly path: string
  /** The only app accepted; every app when undefined. */
  readonly sdkAppId: string | undefined
  /** The callback token: Signs are then checked, and the inspector needs it too. */
  readonly token: string | undefined
}

/** A running `roomhooks dev`. */
export interface DevServer {
  /** Where the platform (or `roomhooks send`) sends callbacks. */
  readonly callbackUrl: string
  /** The inspector's page, with `?token=` when there is a token. */
  readonly inspectorUrl: string
  /** Stops taking callbacks, ends the page's live connections and closes the server. */
  close(): Promise<void>
}

/** Raised when the server cannot listen (the port is taken, the address is not this machine's). */
export class ListenError extends Error {
  override readonly name = 'ListenError'
}

/** Where the inspector is served: the path its docs and the printed URL name. */
export const INSPECTOR_PATH = '/roomhooks'

/**
 * Starts a receiver that accepts every callback (no handlers: after-callbacks are answered OK, before-callbacks
 * allowed) with the inspector beside it, and prints one line per callback. Without an SDKAppID it takes every
 * app's callbacks (`sdkAppId: '*'`): a first look should not need the console's settings to be copied right.
 */
export async function startDev(options: DevOptions, output: Output): Promise<DevServer> {
  const { createInspector } = await loadInspector()
  const hooks = createRoomWebhooks({
    sdkAppId: options.sdkAppId ?? '*',
    token: options.token,
    // Every callback already has its line; what the receiver notices besides goes to stderr, one line each.
    log: {
      warn: (...args: unknown[]) => output.err(lastText(args)),
      error: (...args: unknown[]) => output.err(lastText(args)),
    },
  })
  hooks.observe(printer(output))
  const inspector = createInspector(hooks, {
    enabled: true,
    path: INSPECTOR_PATH,
    ...(options.token !== undefined && { token: options.token }),
  })
  const callbacks = createNodeHandler(hooks, { path: options.path })
  const server = createServer((request, response) => {
    inspector.handler(request, response, () => callbacks(request, response))
  })
  await listen(server, options)
  const base = baseUrl(server, options.host)
  const token = options.token === undefined ? '' : `?token=${encodeURIComponent(options.token)}`
  return {
    callbackUrl: `${base}${options.path}`,
    inspectorUrl: `${base}${INSPECTOR_PATH}${token}`,
    close: () => stop(server, hooks, inspector),
  }
}

/**
 * @roomhooks/inspector, loaded only by `dev`: it is an optional peer dependency, so that an install that only sends
 * callbacks does without it.
 */
async function loadInspector(): Promise<typeof InspectorPackage> {
  try {
    return await import('@roomhooks/inspector')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new MissingPackageError(
      'roomhooks dev shows what arrives in @roomhooks/inspector, which is not installed: npm install @roomhooks/inspector',
      { cause: error },
    )
  }
}

function listen(server: Server, { port, host }: DevOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`
      if (error.code === 'EADDRINUSE') reject(new ListenError(`Port ${port} is in use: choose another with --port`))
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        reject(new ListenError(`Cannot listen on ${where}: ${host} is not an address of this machine (--host)`))
      else if (error.code === 'EACCES')
        reject(new ListenError(`Not allowed to listen on ${where}: choose a port above 1023`))
      else reject(new ListenError(`Cannot listen on ${where}: ${error.code ?? error.message}`))
    })
    server.listen(port, host, resolve)
  })
}

/** The URL a browser on this machine opens: an address that means "every interface" is reached as localhost. */
function baseUrl(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${name}:${port}`
}

async function stop(server: Server, hooks: RoomWebhooks, inspector: InspectorPackage.Inspector): Promise<void> {
  // The page's event stream never ends by itself: end it, or close() would wait for it.
  inspector.close()
  await hooks.close({ timeout: 2000 })
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Prints one line per callback once it is answered: time, outcome, status, command and event, decision, reason. */
function printer(output: Output): CallbackObserver {
  return {
    observe: () => {
      let command: string | undefined
      let event: string | null = null
      return {
        // A callback refused before it was read is named by its query string.
        query: (parameters) => {
          command = parameters.command
        },
        read: (read) => {
          command = read.command
          event = read.name
        },
        answered: (answer) => output.out(describeAnswer(answer, command, event)),
      }
    },
  }
}

/** `12:00:01  ok        200  Live.CallbackBeforeSendGift (gift.beforeSend)  allowed  1.2 ms` */
function describeAnswer(answer: CallbackAnswer, command: string | undefined, event: string | null): string {
  const time = new Date().toTimeString().slice(0, 8)
  const what =
    command === undefined ? '(no command)' : `${escapeControls(command)}${event === null ? '' : ` (${event})`}`
  const why = [answer.decision, answer.reason].filter((part) => part !== undefined).join(', ')
  const status = answer.status === undefined ? '-' : String(answer.status)
  return `${time}  ${answer.outcome.padEnd(9)} ${status}  ${what}${why === '' ? '' : `  ${why}`}  ${answer.durations.total.toFixed(1)} ms`
}

/** The message of a logger call, which comes last (after the error, when there is one). */
function lastText(args: readonly unknown[]): string {
  const text = [...args].reverse().find((arg) => typeof arg === 'string')
  return text ?? String(args[0])
}
