import { trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api'
import type { RoomWebhooks } from '@roomhooks/core'
import { observeCallback } from './callback-span.js'
import { instrumentsOf } from './instruments.js'

/** Options of {@link instrumentRoomWebhooks}. */
export interface InstrumentationOptions {
  /** Where spans go. Default: the global tracer provider (the one the OpenTelemetry SDK registers). */
  readonly tracerProvider?: TracerProvider
  /** Where metrics go. Default: the global meter provider, whenever it is registered. */
  readonly meterProvider?: MeterProvider
}

// The instrumentation scope every span and metric is recorded under.
const SCOPE = '@roomhooks/opentelemetry'

/**
 * Traces every callback `hooks` receives, and every stored callback a worker runs with it, and counts them:
 * one span per callback (`roomhooks <command>`, a child of the HTTP server span, parent of what the handlers do),
 * the counter `roomhooks.callbacks` and the histogram `roomhooks.callback.duration` (seconds), by command and
 * outcome; in a worker, `roomhooks.worker <command>` spans linked to the request's, `roomhooks.worker.runs` and
 * `roomhooks.worker.duration`. Returns `hooks`. Call it once per receiver: each call adds an observer, and two
 * would count every callback twice.
 *
 * @example
 * const hooks = instrumentRoomWebhooks(createRoomWebhooks({ sdkAppId, token }))
 */
export function instrumentRoomWebhooks(hooks: RoomWebhooks, options: InstrumentationOptions = {}): RoomWebhooks {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE)
  const instruments = instrumentsOf(options.meterProvider, SCOPE)
  return hooks.observe({ observe: (start) => observeCallback(tracer, instruments(), start) })
}
