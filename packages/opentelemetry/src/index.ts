/**
 * OpenTelemetry traces and metrics for roomhooks: {@link instrumentRoomWebhooks}.
 *
 * @module @roomhooks/opentelemetry
 */
export { instrumentRoomWebhooks } from './instrument.js'
export type { InstrumentationOptions } from './instrument.js'
