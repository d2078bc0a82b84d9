// The receiving process: verifies each callback, stores after-callbacks in the queue, and answers the platform once
// Redis has them. Before-callbacks (their answer is a decision) are handled here. `npm run receiver`.
import type { AddressInfo } from 'node:net'
import express from 'express'
import { createExpressMiddleware } from '@roomhooks/express'
import { createAttendanceStore } from './attendance-store.js'
import { readConfig, redactedUrl } from './config.js'
import { createHooks } from './hooks.js'

const config = readConfig()
const hooks = createHooks({
  sdkAppId: config.sdkAppId,
  token: config.token,
  connection: { url: config.redisUrl },
  queueName: config.queueName,
  attendance: createAttendanceStore({ failures: config.storeFailures }),
  // console.debug says when a callback was handed to the queue.
  log: console,
})

const app = express()
app.post('/tencent/callback', createExpressMiddleware(hooks))
const server = app.listen(config.port, () => {
  const { port } = server.address() as AddressInfo
  console.log(
    `Receiving callbacks on http://localhost:${port}/tencent/callback, queued in ${config.queueName} at ${redactedUrl(config.redisUrl)}`,
  )
})

// A deploy stops the process with SIGTERM: stop taking connections, let what is being received be stored (callbacks
// arriving meanwhile are answered 503), close the queue's connection, then exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close()
    void hooks.close({ timeout: 10_000 }).then(({ drained }) => {
      console.log(drained ? 'Receiver stopped' : 'Receiver stopped with work unfinished')
      process.exit(drained ? 0 : 1)
    })
  })
}
