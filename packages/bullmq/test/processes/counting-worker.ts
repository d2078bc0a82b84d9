// A worker process that prints the room of each member.enter it runs, one line each ("ran <RoomId>"), and
// "ready" once it is connected; it runs until the test kills it.
import { createRoomWebhooks } from '@roomhooks/core'
import { createRoomWorker } from '@roomhooks/bullmq'

const [port, queueName] = process.argv.slice(2)
const hooks = createRoomWebhooks({ sdkAppId: 1400000000 })
hooks.on('member.enter', (event) => void process.stdout.write(`ran ${event.payload.RoomId}\n`))
const worker = createRoomWorker(hooks, {
  connection: { host: '127.0.0.1', port: Number(port) },
  queueName: queueName as string,
  concurrency: 10,
})
void worker.waitUntilReady().then(() => process.stdout.write('ready\n'))
