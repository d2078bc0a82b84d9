import {
  findDefinition,
  type AnyCallbackEvent,
  type CallbackAnswer,
  type CallbackEnvelope,
  type CallbackObservation,
  type CallbackObserver,
  type CallbackParameters,
  type CallbackStart,
  type HandlerError,
  type RoomhooksError,
  type StoredCallback,
} from '@roomhooks/core'
import { STORED_CALLBACK_VERSION } from '@roomhooks/core/delivery'
import type { CallbackDetail, CallbackSummary, EntryDecision, EntryError, EntrySource } from './entry.js'
import { limitText } from './text-limit.js'

/**
 * The field of a stored callback's `traceContext` that marks a run as the inspector's replay, so that the entry its
 * run makes can say so. Observers carry such fields from a receiver to a worker; nothing checks them.
 */
const REPLAY_FIELD = 'roomhooks-inspector-replay'

/** At most this many errors are kept per entry: a callback failing the same way again and again says it once. */
const MAX_ERRORS = 20

/** One callback as the inspector keeps it. */
interface Entry {
  readonly id: string
  readonly receivedAt: number
  readonly source: EntrySource
  readonly attempt: number
  readonly replayOf: string | null
  /** The first entry of the callback it replays (itself when not a replay): attempts count per callback. */
  readonly origin: string
  command: string | null
  event: string | null
  roomId: string | null
  /** The body's text as received, or written from the parsed payload when a body parser had read it. */
  body: string | undefined
  read: boolean
  /** The answer, its envelope without a replaced message's `MsgBody`, which is kept in `answerText` only. */
  answer: CallbackAnswer | undefined
  /** The envelope answered, as JSON text cut at maxPayloadBytes; null when nobody was answered. */
  answerText: string | null
  errors: EntryError[]
  /** The public text of the error that decided the outcome, for runs that answer nobody. */
  errorInfo: string
  query: string | null
  truncated: boolean
  /** What a replay stores and runs; undefined when the entry cannot be replayed (see `notReplayable`). */
  stored: StoredCallback | undefined
  notReplayable: string | null
}

/** Settings of a {@link Recorder}. */
export interface RecorderSettings {
  readonly limit: number
  readonly maxPayloadBytes: number
}

/** A replay on its way: the id of the entry it replays, then the entry its run made. */
interface PendingReplay {
  readonly of: Entry
  made: Entry | undefined
}

/**
 * Keeps the last `limit` callbacks a receiver (and its workers, in this process) handled, as a
 * {@link CallbackObserver}: each becomes an entry once answered, and changes again if a late handler fails. Tells
 * `changed` of each entry added or changed.
 */
export class Recorder {
  readonly #settings: RecorderSettings
  readonly #changed: (summary: CallbackSummary) => void
  readonly #entries = new Map<string, Entry>()
  /** The last attempt made of each callback, by its first entry's id; forgotten with that entry. */
  readonly #attempts = new Map<string, number>()
  readonly #replays = new Map<string, PendingReplay>()
  #sequence = 0
  #replaysMade = 0
  #closed = false

  constructor(settings: RecorderSettings, changed: (summary: CallbackSummary) => void) {
    this.#settings = settings
    this.#changed = changed
  }

  /** What the receiver is told to call. */
  readonly observer: CallbackObserver = {
    observe: (start) => (this.#closed ? undefined : this.#observe(start)),
  }

  /** The entries kept, newest first. */
  list(): CallbackSummary[] {
    return [...this.#entries.values()].reverse().map((entry) => summaryOf(entry))
  }

  /** One entry, opened; undefined when unknown or no longer kept. */
  detail(id: string): CallbackDetail | undefined {
    const entry = this.#entries.get(id)
    return entry === undefined ? undefined : detailOf(entry)
  }

  /**
   * Prepares a replay of an entry: the stored callback to run (its `traceContext` marks the run) and the attempt it
   * is, or why it cannot be replayed. `finish()` returns the entry the run made, once it has run.
   */
  prepareReplay(
    id: string,
  ):
    | { readonly stored: StoredCallback; readonly attempt: number; finish(): CallbackSummary | undefined }
    | { readonly refused: string; readonly status: number } {
    // Closed, it would not see the run: the handlers would run while the replay was answered as refused.
    if (this.#closed) return { refused: 'The inspector is closed: it replays nothing more', status: 503 }
    const entry = this.#entries.get(id)
    if (entry === undefined) return { refused: 'No such callback: it is unknown or no longer kept', status: 404 }
    if (entry.stored === undefined) return { refused: entry.notReplayable ?? 'It cannot be replayed', status: 409 }
    const key = `${entry.id}:${++this.#replaysMade}`
    const pending: PendingReplay = { of: entry, made: undefined }
    this.#replays.set(key, pending)
    const attempt = (this.#attempts.get(entry.origin) ?? entry.attempt) + 1
    this.#attempts.set(entry.origin, attempt)
    const traceContext = { ...entry.stored.traceContext, [REPLAY_FIELD]: key }
    return {
      stored: { ...entry.stored, traceContext },
      attempt,
      finish: () => {
        this.#replays.delete(key)
        return pending.made === undefined ? undefined : summaryOf(pending.made)
      },
    }
  }

  /** Stops recording: callbacks that arrive from now on are not observed. */
  close(): void {
    this.#closed = true
  }

  #observe(start: CallbackStart): CallbackObservation {
    const replay = start.carried?.[REPLAY_FIELD]
    const pending = replay === undefined ? undefined : this.#replays.get(replay)
    const id = String(++this.#sequence)
    const entry: Entry = {
      id,
      receivedAt: Date.now(),
      source: pending === undefined ? start.source : 'replay',
      attempt: start.attempt,
      replayOf: pending?.of.id ?? null,
      origin: pending?.of.origin ?? id,
      command: null,
      event: null,
      roomId: null,
      body: undefined,
      read: false,
      answer: undefined,
      answerText: null,
      errors: [],
      errorInfo: '',
      query: null,
      truncated: false,
      stored: undefined,
      notReplayable: 'It was refused: only a callback that was verified and read can be replayed',
    }
    if (pending !== undefined) pending.made = entry
    let changedAfterAnswer = false
    return {
      query: (parameters) => {
        entry.command = parameters.command === undefined ? null : this.#limited(entry, parameters.command, 256)
        entry.query = this.#limited(entry, queryText(parameters))
      },
      body: (text) => {
        entry.body = text
      },
      read: (event) => this.#read(entry, event),
      error: (error) => {
        const room = MAX_ERRORS - entry.errors.length
        if (room > 0) entry.errors.push(...this.#errorsOf(entry, error).slice(0, room))
        if (entry.answer === undefined) entry.errorInfo = error.info
        else changedAfterAnswer = true
      },
      answered: (answer) => {
        // A replaced message's MsgBody can be as large as the body: kept as text, cut like a payload.
        const envelope = answer.envelope
        entry.answerText = envelope === undefined ? null : this.#limited(entry, JSON.stringify(envelope))
        entry.answer = envelope?.MsgBody === undefined ? answer : { ...answer, envelope: withoutMessage(envelope) }
        this.#add(entry)
      },
      ended: () => {
        if (changedAfterAnswer && this.#entries.has(entry.id)) this.#changed(summaryOf(entry))
      },
    }
  }

  #read(entry: Entry, event: AnyCallbackEvent): void {
    entry.read = true
    entry.command = event.command
    entry.event = event.name
    entry.roomId = roomIdOf(event.payload)
    let text = entry.body
    if (text === undefined) {
      // A body parser had read the body: its object is all there is (IDs above 2^53 as it left them).
      try {
        text = JSON.stringify(event.payload)
      } catch {
        text = undefined
      }
    }
    entry.body = text
    entry.notReplayable = notReplayable(event, text, this.#settings.maxPayloadBytes)
    if (entry.notReplayable === null && text !== undefined) {
      entry.stored = {
        version: STORED_CALLBACK_VERSION,
        command: event.command,
        sdkAppId: event.sdkAppId,
        ...(event.clientIp === undefined ? {} : { clientIp: event.clientIp }),
        ...(event.platform === undefined ? {} : { platform: event.platform }),
        receivedAt: event.receivedAt,
        body: text,
      }
    }
  }

  /** Keeps an answered entry, forgetting the oldest beyond the limit, and tells of it. */
  #add(entry: Entry): void {
    if (entry.body !== undefined) entry.body = this.#limited(entry, entry.body)
    this.#entries.set(entry.id, entry)
    for (const [id, oldest] of this.#entries) {
      if (this.#entries.size <= this.#settings.limit) break
      this.#entries.delete(id)
      if (oldest.origin === id) this.#attempts.delete(id)
    }
    if (this.#entries.has(entry.id)) this.#changed(summaryOf(entry))
  }

  #errorsOf(entry: Entry, error: RoomhooksError): EntryError[] {
    // A HandlerError, from this copy of core or another (read by its fields, as instanceof knows only one copy).
    const failures = (error as Partial<HandlerError>).errors
    if (error.reason === 'HANDLER_FAILED' && Array.isArray(failures)) {
      return failures.slice(0, MAX_ERRORS).map((failure: unknown) => ({
        reason: error.reason,
        message: this.#limited(entry, messageOf(failure)),
        stack:
          failure instanceof Error && typeof failure.stack === 'string' ? this.#limited(entry, failure.stack) : null,
      }))
    }
    return [{ reason: error.reason, message: this.#limited(entry, error.message), stack: null }]
  }

  #limited(entry: Entry, text: string, maxBytes = this.#settings.maxPayloadBytes): string {
    const limited = limitText(text, maxBytes)
    if (limited.truncated) entry.truncated = true
    return limited.text
  }
}

/** Why a read callback cannot be replayed, or null when it can. */
function notReplayable(event: AnyCallbackEvent, text: string | undefined, maxBytes: number): string | null {
  const kind = event.name === null ? undefined : findDefinition(event.name)?.kind
  if (kind === undefined) return `${event.command} is not a command roomhooks knows: only after-callbacks are replayed`
  if (kind === 'before')
    return `${event.command} is a before-callback: its answer was due at once, a replay has nobody to answer`
  if (text === undefined) return 'Its payload could not be kept'
  if (limitText(text, maxBytes).truncated)
    return `Its body is larger than maxPayloadBytes (${maxBytes}), so it was not kept whole`
  return null
}

function summaryOf(entry: Entry): CallbackSummary {
  const answer = entry.answer
  const envelope = answer?.envelope
  return {
    id: entry.id,
    receivedAt: new Date(entry.receivedAt).toISOString(),
    command: entry.command,
    event: entry.event,
    outcome: answer?.outcome ?? 'ok',
    status: answer?.status ?? null,
    errorCode: answer?.errorCode ?? null,
    reason: answer?.reason ?? null,
    errorInfo: envelope?.ErrorInfo ?? (answer?.outcome === 'ok' ? '' : entry.errorInfo),
    durationMs: Math.round((answer?.durations.total ?? 0) * 1000) / 1000,
    decision: decisionOf(answer),
    source: entry.source,
    attempt: entry.attempt,
    replayOf: entry.replayOf,
    roomId: entry.roomId,
    replayable: entry.stored !== undefined,
  }
}

function detailOf(entry: Entry): CallbackDetail {
  return {
    ...summaryOf(entry),
    payload: entry.read ? (entry.body ?? null) : null,
    answer: entry.answerText,
    errors: entry.errors,
    rawBody: entry.read ? null : (entry.body ?? null),
    query: entry.query,
    truncated: entry.truncated,
    notReplayable: entry.stored === undefined ? entry.notReplayable : null,
  }
}

function withoutMessage(envelope: CallbackEnvelope): CallbackEnvelope {
  const { MsgBody: _replaced, ...rest } = envelope
  return rest
}

function decisionOf(answer: CallbackAnswer | undefined): EntryDecision | null {
  if (answer?.decision === undefined) return null
  const name = answer.decision
  return {
    name,
    allowed: name === 'allowed' || name === 'replaced',
    errorCode: answer.envelope?.ErrorCode ?? answer.errorCode ?? 0,
    errorInfo: answer.envelope?.ErrorInfo ?? '',
  }
}

/** The parameters as a query string again, in the platform's spelling; the Sign was never given. */
function queryText(parameters: CallbackParameters): string {
  const names: readonly [keyof CallbackParameters, string][] = [
    ['sdkAppId', 'SdkAppid'],
    ['command', 'CallbackCommand'],
    ['clientIp', 'ClientIP'],
    ['platform', 'OptPlatform'],
    ['requestTime', 'RequestTime'],
  ]
  const query = new URLSearchParams()
  for (const [field, name] of names) {
    const value = parameters[field]
    if (value !== undefined) query.append(name, value)
  }
  return query.toString()
}

function roomIdOf(payload: Readonly<Record<string, unknown>>): string | null {
  const nested = (key: string) => {
    const value = payload[key]
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['RoomId'] : undefined
  }
  for (const candidate of [payload['RoomId'], nested('RoomInfo'), nested('EventInfo'), payload['FromRoomId']]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate
    if (typeof candidate === 'number') return String(candidate)
  }
  return null
}

/** What a handler threw, as one line of text; never throws, whatever was thrown. */
function messageOf(failure: unknown): string {
  try {
    return failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure)
  } catch {
    return Object.prototype.toString.call(failure)
  }
}
