import type { CallbackDecision, CallbackOutcome } from '@roomhooks/core'

/** Where an entry's callback came from: a request, a worker's run of a stored callback, or the page's Replay. */
export type EntrySource = 'receiver' | 'worker' | 'replay'

/** A before-callback's decision as the platform got it: `rejected: <errorInfo>` for a refused gift. */
export interface EntryDecision {
  /** `allowed` and `replaced` let it through; `rejected` and `dropped` do not. */
  readonly name: CallbackDecision
  readonly allowed: boolean
  readonly errorCode: number
  readonly errorInfo: string
}

/** One callback as the list shows it (`GET {path}/api/callbacks`, and each `callback` event). */
export interface CallbackSummary {
  /** Unique within this inspector; the same for every update of the entry (a late handler ending). */
  readonly id: string
  /** When it arrived (or when the worker's run started), ISO 8601. */
  readonly receivedAt: string
  /** The command, from the body or else the query string; null when neither named one. */
  readonly command: string | null
  /** The catalog's event name; null for a command roomhooks does not know, or a callback refused before reading. */
  readonly event: string | null
  readonly outcome: CallbackOutcome
  /** The HTTP status answered; null for a worker's or a replay's run, which answers nobody. */
  readonly status: number | null
  /** The envelope's `ErrorCode`; null when nothing was answered (worker, replay). */
  readonly errorCode: number | null
  /** Why it was refused or failed (an `ErrorReason` such as `SIGN_MISMATCH`), else null. */
  readonly reason: string | null
  /** The envelope's `ErrorInfo` ('' when OK); for a worker's or a replay's failed run, the error's public text. */
  readonly errorInfo: string
  /** From arrival to the answer, in ms. */
  readonly durationMs: number
  /** A before-callback's decision; null for after-callbacks and for callbacks refused before their handlers. */
  readonly decision: EntryDecision | null
  readonly source: EntrySource
  /** 1 as received; a worker's attempt; for a replay, the one after the last attempt of the same callback. */
  readonly attempt: number
  /** For a replay: the id of the entry it replayed. */
  readonly replayOf: string | null
  /** The room the payload is about (`RoomId`, `RoomInfo.RoomId`, `EventInfo.RoomId`), when it names one. */
  readonly roomId: string | null
  /** Whether `POST {path}/api/callbacks/{id}/replay` can run it again (`notReplayable` in the detail says why not). */
  readonly replayable: boolean
}

/** A handler's error, or the error a refusal is made of. */
export interface EntryError {
  readonly reason: string
  readonly message: string
  /** The stack of what a handler threw; null for roomhooks' own refusals, whose stack says nothing about the app. */
  readonly stack: string | null
}

/** One callback opened (`GET {path}/api/callbacks/{id}`). */
export interface CallbackDetail extends CallbackSummary {
  /** The body as JSON text, 18-digit IDs as sent; null when it was not read (refused before) or not valid. */
  readonly payload: string | null
  /** The envelope answered, as JSON text; null for a worker's or a replay's run. */
  readonly answer: string | null
  /** Every error reported for it: handler failures with their stacks, the refusal. */
  readonly errors: readonly EntryError[]
  /** The body as received, for a refused callback whose body was read; null otherwise. */
  readonly rawBody: string | null
  /** The callback parameters of the query string as sent, `Sign` left out; null in a worker. */
  readonly query: string | null
  /** Whether a payload, raw body, answer or error text was cut at `maxPayloadBytes`. */
  readonly truncated: boolean
  /** Why it cannot be replayed, when it cannot; null when it can. */
  readonly notReplayable: string | null
}
