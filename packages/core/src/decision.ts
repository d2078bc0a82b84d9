/**
 * Tencent's rules for answering one before-callback: which `ErrorCode` values reach the client, whether the
 * callback can drop silently or replace the message, and what the platform itself does when it gets no answer.
 */
export interface DecisionRules {
  /** Codes passed through to the client, inclusive; 1 (reject) is always allowed. */
  readonly passThrough: readonly [number, number]
  /** Handlers may drop silently (`ErrorCode` 2). */
  readonly drop: boolean
  /** `allow()` may replace the message body (`MsgBody`). */
  readonly replaceMessage: boolean
  /** The answer when handlers fail or miss the deadline, unless the app configures another. */
  readonly onFailure: FailureDecision
}

/** What a before-callback answers when its handlers fail or miss the deadline. */
export type FailureDecision = 'allow' | 'reject'

/** A before-callback handler's decision, made with the event's `allow()`, `reject()` or `drop()`. */
export class Decision<E extends string = string> {
  /** The event the decision is for; a decision for another event is a type error. */
  readonly event: E
  readonly action: 'allow' | 'reject' | 'drop'
  /** The envelope's `ErrorCode`. */
  readonly code: number
  /** The envelope's `ErrorInfo`. */
  readonly info: string
  /** A replacement message body (messages only). */
  readonly msgBody: readonly unknown[] | undefined

  /** @internal Use the event's helpers. */
  constructor(event: E, action: Decision['action'], code: number, info: string, msgBody?: readonly unknown[]) {
    this.event = event
    this.action = action
    this.code = code
    this.info = info
    this.msgBody = msgBody
  }
}

/** The helpers every before-callback event carries. */
export interface DecisionHelpers<E extends string> {
  /**
   * Refuses: answered `ErrorCode` 1 (the default) or a pass-through code inside the command's documented range,
   * which the client sees. A code outside it throws, and the handler counts as failed.
   */
  reject(info?: string, code?: number): Decision<E>
}

/** `allow()` of an event whose answer cannot change the payload. */
export interface AllowHelper<E extends string> {
  /** Lets it through: answered `ErrorCode` 0. Returning nothing does the same. */
  allow(): Decision<E>
}

/** `allow()` of a message event, which may deliver a replaced message. */
export interface AllowWithReplacementHelper<E extends string, Body> {
  /** Lets it through (`ErrorCode` 0); with a `MsgBody`, the platform delivers that message instead. */
  allow(replacement?: { readonly MsgBody: Body }): Decision<E>
}

/** `drop()` of an event the platform can discard silently. */
export interface DropHelper<E extends string> {
  /** Discards it without telling the sender: answered `ErrorCode` 2. */
  drop(): Decision<E>
}

type AnyHelpers = DecisionHelpers<string> &
  AllowWithReplacementHelper<string, readonly unknown[]> &
  Partial<DropHelper<string>>

/**
 * The decision helpers of one before-callback event. Each decision is passed to `record` when it is made, so a
 * decision counts whether or not the handler returns it.
 */
export function decisionHelpers(event: string, rules: DecisionRules, record: (decision: Decision) => void): AnyHelpers {
  const [low, high] = rules.passThrough
  const made = (decision: Decision): Decision => {
    record(decision)
    return decision
  }
  return {
    allow(replacement) {
      if (replacement === undefined) return made(new Decision(event, 'allow', 0, ''))
      if (!rules.replaceMessage) throw new TypeError(`[@roomhooks/core] ${event} cannot replace the payload`)
      return made(new Decision(event, 'allow', 0, '', snapshotMessage(event, replacement?.MsgBody)))
    },
    reject(info = '', code = 1) {
      if (code !== 1 && !(Number.isInteger(code) && code >= low && code <= high)) {
        throw new RangeError(
          `[@roomhooks/core] ${event}: reject() takes code 1 or a code in [${low}, ${high}], not ${code}`,
        )
      }
      return made(new Decision(event, 'reject', code, String(info)))
    },
    ...(rules.drop ? { drop: () => made(new Decision(event, 'drop', 2, '')) } : {}),
  }
}

/**
 * A copy of a replacement message as the platform will receive it. Made when `allow()` is called, so that a body
 * that cannot be sent (a BigInt from a database driver, a cycle) fails the handler there, and the failure decision
 * is answered, instead of failing the answer later.
 */
function snapshotMessage(event: string, body: unknown): readonly unknown[] {
  let copy: unknown
  try {
    copy = Array.isArray(body) ? JSON.parse(JSON.stringify(body)) : undefined
  } catch (error) {
    throw new TypeError(`[@roomhooks/core] ${event}: allow({ MsgBody }) needs a MsgBody that JSON can carry`, {
      cause: error,
    })
  }
  if (!Array.isArray(copy)) {
    throw new TypeError(
      `[@roomhooks/core] ${event}: allow({ MsgBody }) needs MsgBody to be an array of message elements`,
    )
  }
  return copy
}

/**
 * The decision several handlers make together: the first reject or drop wins, otherwise the first replacement
 * message, otherwise the first allow. Undefined when no decision was made (which allows).
 */
export function combineDecisions(decisions: readonly Decision[]): Decision | undefined {
  let replacement: Decision | undefined
  for (const decision of decisions) {
    if (decision.action !== 'allow') return decision
    if (decision.msgBody !== undefined) replacement ??= decision
  }
  return replacement ?? decisions[0]
}

/** The decisions among what handlers returned: values that are not decisions for `event` (nothing returned) are skipped. */
export function returnedDecisions(event: string, results: readonly PromiseSettledResult<unknown>[]): Decision[] {
  const decisions: Decision[] = []
  for (const result of results) {
    const value: unknown = result.status === 'fulfilled' ? result.value : undefined
    if (value instanceof Decision && value.event === event) decisions.push(value as Decision)
  }
  return decisions
}

/** Why the handlers could not decide: one of them failed, or they missed the deadline. */
export type DecisionFailure = 'failed' | 'late'

const FAILURE_INFO: Record<DecisionFailure, string> = {
  failed: 'Rejected: the app failed to decide',
  late: 'Rejected: the app could not decide in time',
}

/** The answer when handlers failed or missed the deadline. */
export function failureDecision(event: string, decision: FailureDecision, why: DecisionFailure): Decision {
  return decision === 'allow'
    ? new Decision(event, 'allow', 0, '')
    : new Decision(event, 'reject', 1, FAILURE_INFO[why])
}

/**
 * What a before-callback's answer decided, as the platform acts on it: `allowed` (`ErrorCode` 0), `replaced` (0,
 * with a replacement `MsgBody`), `rejected` (1 or a pass-through code) or `dropped` (2). A failure decision counts
 * too: handlers that failed on a gift are `outcome: 'failed'` and `decision: 'rejected'`.
 */
export type CallbackDecision = 'allowed' | 'rejected' | 'dropped' | 'replaced'

/** How observers name the decision answered: undefined (no handler decided) allows. */
export function decisionName(decision: Decision | undefined): CallbackDecision {
  if (decision === undefined) return 'allowed'
  if (decision.action === 'reject') return 'rejected'
  if (decision.action === 'drop') return 'dropped'
  return decision.msgBody === undefined ? 'allowed' : 'replaced'
}
