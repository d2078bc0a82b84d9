// The worker process of the queue benchmark: `node --import tsx bench/worker.ts <redis port>`, forked with an IPC
// channel. On { jobs, concurrency } it starts a createRoomWorker() with a no-op handler on the benchmark's queue,
// waits until that many jobs have settled, closes the worker, and answers with the time and CPU it took.
import { createRoomWorker } from '@roomhooks/bullmq'
import { createRoomWebhooks } from '@roomhooks/core'
import { SDK_APP_ID } from '../test/support/callbacks.js'
import { WORKER_QUEUE_NAME } from './cases.js'

/** What the parent asks for, and what it is told. */
export interface DrainRequest {
  readonly jobs: number
  readonly concurrency: number
}
export interface DrainAnswer {
  /** From the worker's start to the last job settled. */
  readonly seconds: number
  /** CPU time (user and system) this process used meanwhile, in µs. */
  readonly cpu: number
  readonly failed: number
}

const port = Number(process.argv[2])
if (!(port > 0) || process.send === undefined) {
  console.error('usage: fork bench/worker.ts <redis port> with an IPC channel')
  process.exit(2)
}
const connection = { host: '127.0.0.1', port }
const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).on('room.created', () => {})

async function drain({ jobs, concurrency }: DrainRequest): Promise<DrainAnswer> {
  const worker = createRoomWorker(hooks, { connection, queueName: WORKER_QUEUE_NAME, concurrency, autorun: false })
  await worker.waitUntilReady()
  let completed = 0
  let failed = 0
  const settled = new Promise<void>((resolve) => {
    const count = () => {
      if (completed + failed === jobs) resolve()
    }
    worker.on('completed', () => {
      completed++
      count()
    })
    worker.on('failed', () => {
      failed++
      count()
    })
  })
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  void worker.run()
  await settled
  const seconds = (performance.now() - start) / 1000
  const { user, system } = process.cpuUsage(cpuBefore)
  await worker.close()
  return { seconds, cpu: user + system, failed }
}

process.on('message', (request: DrainRequest) => {
  void drain(request).then((answer) => process.send?.(answer))
})
process.on('disconnect', () => process.exit(0))
