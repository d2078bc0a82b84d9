import { createTestCallback } from '@roomhooks/core/testing'
import { commandDefinitions, type CallbackDecision, type CallbackEnvelope, type ListenableName } from '@roomhooks/core'

/** What to send: an event or command, where, and as which app. */
export interface SendOptions {
  /** The callback endpoint, e.g. `http://localhost:3000/tencent/callback`. */
  readonly url: string
  readonly sdkAppId: number | string
  /** Signs the callback (adds `RequestTime` and `Sign`). */
  readonly token?: string | undefined
  /** A body text to send instead of the command's sample. */
  readonly body?: string | undefined
  /** Changes to the body: objects merge, anything else replaces. */
  readonly overrides?: object | undefined
  /** Check the body against the command's schema first. Default true. */
  readonly validate?: boolean | undefined
  /** Give up after this many ms. Default 10,000. */
  readonly timeout?: number | undefined
}

/** The platform's view of one callback sent. */
export interface SendResult {
  readonly command: string
  readonly event: string
  readonly status: number
  /** The answer's JSON, or undefined when it was not JSON. */
  readonly envelope: CallbackEnvelope | undefined
  /** The answer as text, when it was not JSON. */
  readonly text: string
  readonly ms: number
  /** The answer is what the platform counts as a success: HTTP 200 and `ActionStatus` OK. */
  readonly ok: boolean
  /**
   * Answered OK, but with a nonzero `ErrorCode`: the app refused the callback (a before-callback rejected with 1
   * or a pass-through code, or dropped with 2). The platform acts on it; nothing failed.
   */
  readonly refused: boolean
  /**
   * A before-callback's decision, read from an OK answer: `allowed` (0), `replaced` (0 with a `MsgBody`), `dropped`
   * (2, for commands that can drop) or `rejected` (any other code). Undefined for after-callbacks and failed answers.
   */
  readonly decision: CallbackDecision | undefined
}

/** Raised when the endpoint cannot be reached or does not answer in time. */
export class SendError extends Error {
  override readonly name = 'SendError'
}

/**
 * POSTs a correctly formed, signed callback like the platform does, and reads the answer.
 *
 * @example
 * const result = await sendCallback('room.created', { url: 'http://localhost:3000/tencent/callback', sdkAppId: 1400000000 })
 */
export async function sendCallback(name: string, options: SendOptions): Promise<SendResult> {
  const callback = createTestCallback(name as ListenableName, {
    sdkAppId: options.sdkAppId,
    token: options.token,
    body: options.body,
    overrides: options.overrides,
    validate: options.validate,
  })
  const started = performance.now()
  let response: Response
  try {
    response = await fetch(callback.url(options.url), {
      method: 'POST',
      headers: callback.headers,
      body: callback.body,
      signal: AbortSignal.timeout(options.timeout ?? 10_000),
    })
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    const reason = cause?.code ?? cause?.message ?? (error as Error).message
    throw new SendError(`Could not reach ${options.url}: ${reason}`, { cause: error })
  }
  const text = await response.text()
  const ms = performance.now() - started
  let envelope: CallbackEnvelope | undefined
  try {
    envelope = JSON.parse(text) as CallbackEnvelope
  } catch {
    envelope = undefined
  }
  const ok = response.status === 200 && envelope?.ActionStatus === 'OK'
  const refused = ok && (envelope?.ErrorCode ?? 0) !== 0
  const decision = ok ? decisionOf(callback.command, envelope as CallbackEnvelope) : undefined
  const { command, event } = callback
  return { command, event, status: response.status, envelope, text, ms, ok, refused, decision }
}

function decisionOf(command: string, envelope: CallbackEnvelope): CallbackDecision | undefined {
  const definition = commandDefinitions.find((candidate) => candidate.command === command)
  if (definition?.kind !== 'before') return undefined
  if (envelope.ErrorCode === 0) return 'MsgBody' in envelope ? 'replaced' : 'allowed'
  return envelope.ErrorCode === 2 && definition.decisions?.drop === true ? 'dropped' : 'rejected'
}
