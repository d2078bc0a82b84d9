// OpenTelemetry for the example, loaded before the app so that node:http is instrumented when Express loads it:
// `npm run start:traced` runs `tsx --import ./src/telemetry.ts src/server.ts`. Spans and metrics are printed to the
// console; in production, swap the console exporters for OTLP ones (@opentelemetry/exporter-trace-otlp-http,
// @opentelemetry/exporter-metrics-otlp-http) or a Prometheus exporter. docs/operations.md explains each piece.
import { metrics } from '@opentelemetry/api'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'

const resource = resourceFromAttributes({ 'service.name': 'roomhooks-example-express' })

const tracerProvider = new NodeTracerProvider({
  resource,
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
})
tracerProvider.register() // the global tracer provider, W3C propagation, and the async context the spans nest by

const meterProvider = new MeterProvider({
  resource,
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new ConsoleMetricExporter(),
      exportIntervalMillis: Number(process.env['METRICS_INTERVAL_MS'] ?? 60_000),
    }),
  ],
})
metrics.setGlobalMeterProvider(meterProvider)

// The HTTP instrumentation records the query string (url.query). Its own list of parameters to redact does not
// know the platform's Sign, and giving a list replaces it: so the list is its defaults plus Sign.
const redactedQueryParamsServer = ['Sign', 'sign', 'sig', 'Signature', 'X-Amz-Signature', 'X-Goog-Signature']
registerInstrumentations({ instrumentations: [new HttpInstrumentation({ redactedQueryParamsServer })] })

// The last spans and metrics are written once the app has finished its own shutdown (server.ts closes the server
// and drains the receiver, then lets the process end): the event loop is empty, the exporters get their turn.
let flushed = false
process.on('beforeExit', () => {
  if (flushed) return
  flushed = true
  void Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()])
})
