import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Exception,
  type Tracer,
} from '@opentelemetry/api'
import type {
  CallbackAnswer,
  CallbackObservation,
  CallbackStart,
  HandlerError,
  RoomhooksError,
  ValidationError,
} from '@roomhooks/core'
import type { Instruments } from './instruments.js'
import { linkFrom, writeTraceContext } from './trace-context.js'

/** What metrics record as the command of a callback whose command is not in the catalog. */
const OTHER_COMMAND = '_OTHER'

/**
 * One callback as a span (named `roomhooks <command>`, or `roomhooks.worker <command>` in a worker) and as metrics.
 * The span is a child of whatever is active when the callback arrives (the HTTP server span), is made active for
 * the handlers, and ends when the last handler does. Its attributes hold names and outcomes only: never the query
 * string (the Sign), the token or a payload value.
 */
export function observeCallback(tracer: Tracer, instruments: Instruments, start: CallbackStart): CallbackObservation {
  const inWorker = start.source === 'worker'
  const prefix = inWorker ? 'roomhooks.worker' : 'roomhooks'
  const parent = context.active()
  const link = inWorker ? linkFrom(start.carried) : undefined
  const span = tracer.startSpan(
    prefix,
    {
      kind: SpanKind.INTERNAL,
      ...(inWorker && { attributes: { 'roomhooks.attempt': start.attempt } }),
      ...(link && { links: [link] }),
    },
    parent,
  )
  // The command as metrics and the span's name record it: commands outside the catalog are one value, as anyone
  // may send a callback with a made-up command when no token is set. The span's attribute keeps the real one.
  let command: string | undefined
  const named = (known: string) => {
    command = known
    span.updateName(`${prefix} ${known}`)
    span.setAttribute('roomhooks.command', known)
  }
  return {
    read(event) {
      if (event.name === null) {
        command = OTHER_COMMAND
        span.setAttribute('roomhooks.command', event.command)
      } else {
        named(event.command)
        span.setAttribute('roomhooks.event', event.name)
      }
      span.setAttribute('roomhooks.sdk_app_id', event.sdkAppId)
    },
    runHandlers: (handlers) => context.with(trace.setSpan(parent, span), handlers),
    error(error) {
      // A body refused for its schema was verified first: the command it names is the platform's.
      const refused = (error as Partial<ValidationError>).command
      if (command === undefined && error.reason === 'INVALID_PAYLOAD' && typeof refused === 'string') named(refused)
      for (const exception of exceptionsOf(error)) span.recordException(exception)
    },
    carry: () => writeTraceContext(span.spanContext()),
    answered(answer) {
      const { outcome, decision, reason, status } = answer
      span.setAttribute('roomhooks.outcome', outcome)
      if (decision !== undefined) span.setAttribute('roomhooks.decision', decision)
      if (reason !== undefined) span.setAttribute('roomhooks.error.reason', reason)
      if (status !== undefined) span.setAttribute('http.response.status_code', status)
      if (outcome === 'refused' || outcome === 'failed') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason ?? outcome })
      }
      record(instruments, inWorker, command, answer)
    },
    ended: () => span.end(),
  }
}

function record(instruments: Instruments, inWorker: boolean, command: string | undefined, answer: CallbackAnswer) {
  const { outcome, decision, reason, durations } = answer
  // Two objects: the SDK may keep the one it is given, so adding the reason after would reach the histogram too.
  const timed: Attributes =
    command === undefined
      ? { 'roomhooks.outcome': outcome }
      : { 'roomhooks.command': command, 'roomhooks.outcome': outcome }
  const counted: Attributes = { ...timed }
  // A before-callback's decision: a rejected gift is outcome ok, and must not count as one let through.
  if (decision !== undefined) counted['roomhooks.decision'] = decision
  if (reason !== undefined) counted['roomhooks.error.reason'] = reason
  const seconds = durations.total / 1000
  if (inWorker) {
    instruments.workerDuration.record(seconds, timed)
    instruments.workerRuns.add(1, counted)
  } else {
    instruments.duration.record(seconds, timed)
    instruments.callbacks.add(1, counted)
  }
}

/**
 * What to record of an error: each handler's own error, with its stack, for a failed handler; else roomhooks' own
 * error by name and message (its stack is roomhooks' code, and its numeric `code` would pose as the type). Told
 * apart by reason, not `instanceof`, which fails when the app loads a second copy of core (its CommonJS build).
 */
function exceptionsOf(error: RoomhooksError): Exception[] {
  const causes = (error as Partial<HandlerError>).errors
  if (error.reason !== 'HANDLER_FAILED' || !Array.isArray(causes)) return [{ name: error.name, message: error.message }]
  return causes.map((cause) => (cause instanceof Error ? cause : { name: 'NonError', message: describe(cause) }))
}

/** A thrown value that is not an Error, as text; never throws itself. */
function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  } catch {
    return Object.prototype.toString.call(value)
  }
}
