import type { CallbackEnvelope } from '../envelope.js'
import type { RoomhooksError } from '../errors.js'
import type { CallbackDecision } from '../decision.js'
import { receiverSettings, receiveTraced } from '../observe/trace.js'
import type { AnyCallbackEvent, ListenableName } from '../types.js'
import type { RoomWebhooks } from '../webhooks.js'
import { createTestCallback, type TestCallbackOptions } from './create-test-callback.js'

/** What a simulated callback did. */
export interface SimulateResult {
  /** The HTTP status the platform would get. */
  readonly status: number
  /** The envelope the platform would get. */
  readonly body: CallbackEnvelope
  /** The event the handlers received; undefined when the callback was refused. */
  readonly event: AnyCallbackEvent | undefined
  /** Everything reported to onError for this callback (handler failures carry what the handlers threw). */
  readonly errors: readonly RoomhooksError[]
  /**
   * A before-callback's decision as answered (`allowed`, `rejected`, `dropped`, `replaced`), failure decisions
   * included; undefined for after-callbacks and refused callbacks.
   */
  readonly decision: CallbackDecision | undefined
}

/** Options of {@link simulate}; SdkAppid and token default to the receiver's own. */
export type SimulateOptions<N extends ListenableName> = Partial<TestCallbackOptions<N>>

/**
 * Sends a callback through the whole receiving path of `hooks` (verification, parsing, validation, handlers,
 * answer) in memory, signed for the receiver's own SDKAppID and token, and returns the answer and the outcome.
 *
 * @example
 * const result = await simulate(hooks, 'gift.beforeSend', { GiftWater: { Coins: 1_000_000 } })
 * assert.equal(result.body.ErrorCode, 1)
 */
export async function simulate<N extends ListenableName>(
  hooks: RoomWebhooks,
  name: N,
  overrides?: TestCallbackOptions<N>['overrides'],
  options: SimulateOptions<N> = {},
): Promise<SimulateResult> {
  const settings = hooks[receiverSettings]
  const callback = createTestCallback(name, {
    sdkAppId: settings.sdkAppId,
    token: settings.token,
    ...options,
    ...(overrides !== undefined && { overrides }),
  })
  const { response, event, errors, decision } = await hooks[receiveTraced]({
    query: callback.query,
    body: callback.body,
  })
  return { status: response.status, body: response.body, event, errors, decision }
}
