// A worker process whose member.enter handler never ends: the test kills it mid-job (SIGKILL) and checks that
// another worker takes the job again. Prints "started <attempt>" when the handler has the job.
import { createRoomWebhooks } from '@roomhooks/core'
import { createRoomWorker } from '@roomhooks/bullmq'

const [port, queueName] = process.argv.slice(2)
const hooks = createRoomWebhooks({ sdkAppId: 1400000000 })
hooks.on('member.enter', async (event) => {
  console.log(`started ${event.attempt}`)
  await new Promise(() => {}) // holds the job until the process is killed
})
createRoomWorker(hooks, {
  connection: { host: '127.0.0.1', port: Number(port) },
  queueName: queueName as string,
  lockDuration: 1000,
  // The stalled check is queue-wide and throttled by the interval of the worker that ran it last.
  stalledInterval: 300,
})
