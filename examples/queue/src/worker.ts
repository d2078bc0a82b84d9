// The worker process: runs the handlers of hooks.ts on the callbacks the receiver queued, retrying a callback whose
// handler failed; after the last attempt it stays in the queue's failed set. Run as many as you like. `npm run worker`.
import { createRoomWorker } from '@roomhooks/bullmq'
import { createAttendanceStore } from './attendance-store.js'
import { readConfig, redactedUrl } from './config.js'
import { createHooks } from './hooks.js'

const config = readConfig()
const connection = { url: config.redisUrl }
const hooks = createHooks({
  sdkAppId: config.sdkAppId,
  token: config.token,
  connection,
  queueName: config.queueName,
  attendance: createAttendanceStore({ failures: config.storeFailures }),
})

// Five attempts, 0.5 s, 1 s, 2 s and 4 s apart: a callback whose handlers keep failing reaches the failed set in
// about 8 s. Every handler of the callback runs again on each attempt, so make them safe to repeat.
const worker = createRoomWorker(hooks, {
  connection,
  queueName: config.queueName,
  concurrency: 5,
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  handlerTimeout: 5_000, // the handlers here take milliseconds
})
worker.on('failed', (job, error) => {
  // The worker marks the last attempt's failure unrecoverable: the callback now waits in the failed set.
  if (job && error.name === 'UnrecoverableError') {
    const attempts = job.attemptsMade === 1 ? '1 attempt' : `${job.attemptsMade} attempts`
    console.log(`${job.name} stays in the failed set after ${attempts} (npx @roomhooks/cli failed lists it)`)
  }
})
worker.waitUntilReady().then(
  () => console.log(`Running callbacks queued in ${config.queueName} at ${redactedUrl(config.redisUrl)}`),
  (error: unknown) => console.error('The worker could not connect to Redis:', error),
)

// On SIGTERM, take no new callbacks, let those running finish, close the connections, then exit. worker.close()
// also waits for Redis, and never returns while Redis cannot be reached: give up after 10 s and exit 1. A callback
// this worker was running is taken again by another worker once its lock lapses.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    setTimeout(() => {
      console.error('The worker could not close within 10 s (is Redis reachable?); exiting anyway')
      process.exit(1)
    }, 10_000).unref()
    stop().then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error('The worker did not stop cleanly:', error)
        process.exit(1)
      },
    )
  })
}

async function stop(): Promise<number> {
  await worker.close()
  const { drained } = await hooks.close({ timeout: 10_000 })
  console.log(drained ? 'Worker stopped' : 'Worker stopped with handlers unfinished')
  return drained ? 0 : 1
}
