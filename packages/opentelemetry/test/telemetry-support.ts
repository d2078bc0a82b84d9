// What the OpenTelemetry tests share: the SDK's in-memory exporters, the async context manager an app's SDK would
// register, and the HTTP instrumentation that makes the server span roomhooks' span must be a child of.
import { createRequire } from 'node:module'
import { context, type Attributes } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'

/** A tracer and a meter provider exporting to memory, the server spans of node:http, and ways to read them back. */
export interface Telemetry {
  readonly tracerProvider: BasicTracerProvider
  readonly meterProvider: MeterProvider
  /** Every span ended so far. */
  spans(): ReadableSpan[]
  /** The span named `name`, failing the test when there is not exactly one. */
  span(name: string): ReadableSpan
  /** Every metric recorded so far, collected now. */
  metrics(): Promise<MetricData[]>
  /** The data points of the metric named `name`. */
  points(name: string): Promise<DataPoint<unknown>[]>
  /** Everything exported, written out: to search for what must never be there. */
  exported(): Promise<string>
  reset(): void
}

// Made by the first suite that needs it, and kept: its require hook remembers every module required once it exists,
// and would pass over node:http for good if a test file loaded later required it (Express does) before the
// instrumentation was enabled; a second instance would never see node:http required again. An app loads its SDK
// before anything else for the same reason.
let http: HttpInstrumentation | undefined

/** Sets up the exporters for a suite (mocha hooks) and the HTTP instrumentation, redacting Sign as documented. */
export function useTelemetry(): Telemetry {
  const spanExporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] })
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  let reader: PeriodicExportingMetricReader
  let meterProvider: MeterProvider
  const contextManager = new AsyncLocalStorageContextManager()

  const fresh = () => {
    reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
    meterProvider = new MeterProvider({ readers: [reader] })
  }
  fresh()

  before(() => {
    context.setGlobalContextManager(contextManager.enable())
    http ??= new HttpInstrumentation({ enabled: false, redactedQueryParamsServer: ['Sign'] })
    http.setTracerProvider(tracerProvider)
    http.enable()
    // The instrumentation patches node:http when it is required; these tests import it as an ES module, which
    // does not go through require.
    createRequire(import.meta.url)('node:http')
  })
  after(async () => {
    http?.disable()
    context.disable()
    await meterProvider.shutdown()
  })
  beforeEach(() => {
    spanExporter.reset()
    fresh()
  })

  const telemetry: Telemetry = {
    tracerProvider,
    get meterProvider() {
      return meterProvider
    },
    spans: () => spanExporter.getFinishedSpans(),
    span(name) {
      const named = spanExporter.getFinishedSpans().filter((span) => span.name === name)
      if (named.length !== 1) {
        const names = spanExporter.getFinishedSpans().map((span) => span.name)
        throw new Error(`Expected one span named ${name}, found ${named.length} among ${JSON.stringify(names)}`)
      }
      return named[0] as ReadableSpan
    },
    async metrics() {
      const { resourceMetrics } = await reader.collect()
      return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)
    },
    async points(name) {
      const metric = (await telemetry.metrics()).find((data) => data.descriptor.name === name)
      return metric?.dataPoints ?? []
    },
    async exported() {
      const spans = spanExporter.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        status: span.status,
        events: span.events,
        links: span.links,
      }))
      return JSON.stringify({ spans, metrics: await telemetry.metrics() })
    },
    reset: () => spanExporter.reset(),
  }
  return telemetry
}

/** The attributes of each data point, with its value: the count of a counter, the count and sum of a histogram. */
export function summarize(points: readonly DataPoint<unknown>[]): { attributes: Attributes; value: unknown }[] {
  return points.map((point) => {
    const value = point.value as number | Histogram
    return {
      attributes: point.attributes,
      value: typeof value === 'number' ? value : { count: value.count, sum: value.sum },
    }
  })
}
