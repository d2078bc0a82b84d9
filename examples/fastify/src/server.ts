import { createApp, createHooks } from './app.js'

const sdkAppId = process.env['SDKAPPID']
if (!sdkAppId) {
  console.error("Set SDKAPPID to your app's SDKAppID (and CALLBACK_TOKEN if callback authentication is on).")
  process.exit(1)
}
const port = Number(process.env['PORT'] ?? 3000)

const options = { sdkAppId, token: process.env['CALLBACK_TOKEN'] || undefined }
const hooks = createHooks(options)
const app = createApp(options, hooks)
// Fastify listens on localhost only unless told otherwise; the platform calls from outside.
await app.listen({ port, host: process.env['HOST'] ?? '0.0.0.0' })
console.log(`Receiving callbacks on http://localhost:${port}/tencent/callback`)

// A deploy stops the process with SIGTERM: stop taking requests, let the handlers of callbacks already answered
// finish (the platform does not send them again), then exit.
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => hooks.close({ timeout: 10_000 }))
    .then(({ drained }) => process.exit(drained ? 0 : 1))
})
