import { createTraceState, isSpanContextValid, type Link, type SpanContext } from '@opentelemetry/api'

// A span context written as W3C Trace Context fields (https://www.w3.org/TR/trace-context/#traceparent-header), so
// a worker can link its span to the request's. Written here rather than through the global propagator: the link
// must work whether or not the app set one up, and only this package reads the fields back.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** The `traceparent` (and `tracestate`) of a span; undefined for a span that is not recorded anywhere. */
export function writeTraceContext(span: SpanContext): Record<string, string> | undefined {
  if (!isSpanContextValid(span)) return undefined
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0')
  const fields: Record<string, string> = { traceparent: `00-${span.traceId}-${span.spanId}-${flags}` }
  const state = span.traceState?.serialize()
  if (state) fields['tracestate'] = state
  return fields
}

/** A link to the span whose context was written with the callback; undefined when there is none to read. */
export function linkFrom(fields: Readonly<Record<string, string>> | undefined): Link | undefined {
  const match = TRACEPARENT.exec(fields?.['traceparent'] ?? '')
  if (match === null) return undefined
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string]
  const state = fields?.['tracestate']
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16),
    isRemote: true,
    ...(state ? { traceState: createTraceState(state) } : {}),
  }
  return isSpanContextValid(context) ? { context } : undefined
}
