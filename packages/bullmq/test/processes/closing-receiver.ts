// A receiving process with a queue delivery: prints "ready" once its queue is connected, then calls hooks.close()
// on the first line of standard input (the test stops Redis before) and prints "closed". It must then exit by
// itself: nothing may keep the event loop alive. A second argument is the timeout given to hooks.close(), in ms.
import { createRoomWebhooks } from '@roomhooks/core'
import { createQueueDelivery } from '@roomhooks/bullmq'

const [port, closeTimeout] = process.argv.slice(2)
const delivery = createQueueDelivery({ connection: { host: '127.0.0.1', port: Number(port) } })
const hooks = createRoomWebhooks({ sdkAppId: 1400000000, delivery, log: { warn() {}, error() {} } })
await delivery.queue.waitUntilReady()
console.log('ready')
process.stdin.once('data', () => {
  process.stdin.destroy()
  void hooks
    .close(closeTimeout === undefined ? {} : { timeout: Number(closeTimeout) })
    .then(() => console.log('closed'))
})
