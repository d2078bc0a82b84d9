import { metrics, type Counter, type Histogram, type Meter, type MeterProvider } from '@opentelemetry/api'

/** The metrics of callbacks answered by a receiver, and of stored callbacks run by a worker. */
export interface Instruments {
  readonly callbacks: Counter
  readonly duration: Histogram
  readonly workerRuns: Counter
  readonly workerDuration: Histogram
}

// Bucket bounds in seconds, with a bound at the platform's 2 s deadline so the share of late answers can be read
// off the histogram itself. OpenTelemetry's default bounds (0 to 10,000) suit milliseconds, not seconds.
const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10]

/**
 * The instruments of `provider`, or of the global meter provider when none is given. The global one is looked up
 * for every callback: unlike tracing, the metrics API has no stand-in that forwards to a provider registered later,
 * and apps often start their SDK after creating their receiver.
 */
export function instrumentsOf(provider: MeterProvider | undefined, scope: string): () => Instruments {
  if (provider !== undefined) {
    const fixed = createInstruments(provider.getMeter(scope))
    return () => fixed
  }
  let current = metrics.getMeterProvider()
  let instruments = createInstruments(current.getMeter(scope))
  return () => {
    const global = metrics.getMeterProvider()
    if (global !== current) {
      current = global
      instruments = createInstruments(global.getMeter(scope))
    }
    return instruments
  }
}

function createInstruments(meter: Meter): Instruments {
  return {
    callbacks: meter.createCounter('roomhooks.callbacks', {
      description: 'Callbacks answered, by command, outcome, before-callback decision and error reason',
      unit: '{callback}',
    }),
    duration: meter.createHistogram('roomhooks.callback.duration', {
      description: 'Time from the arrival of a callback to its answer',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS },
    }),
    workerRuns: meter.createCounter('roomhooks.worker.runs', {
      description: 'Runs of stored callbacks by a worker, by command, outcome and error reason',
      unit: '{run}',
    }),
    workerDuration: meter.createHistogram('roomhooks.worker.duration', {
      description: 'Time a worker took to run a stored callback',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS },
    }),
  }
}
