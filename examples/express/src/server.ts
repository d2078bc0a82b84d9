import { createApp, createHooks } from './app.js'

const sdkAppId = process.env['SDKAPPID']
if (!sdkAppId) {
  console.error("Set SDKAPPID to your app's SDKAppID (and CALLBACK_TOKEN if callback authentication is on).")
  process.exit(1)
}
const port = Number(process.env['PORT'] ?? 3000)

const options = { sdkAppId, token: process.env['CALLBACK_TOKEN'] || undefined }
const hooks = createHooks(options)
const server = createApp(options, hooks).listen(port, () => {
  console.log(`Receiving callbacks on http://localhost:${port}/tencent/callback`)
})

// A deploy stops the process with SIGTERM: stop taking requests, let the handlers of callbacks already answered
// finish (the platform does not send them again), close the connections a proxy keeps open, then let the process
// end by itself, so that telemetry (npm run start:traced) can write what it holds. At most 15 s in all.
process.once('SIGTERM', () => {
  server.close()
  setTimeout(() => process.exit(1), 15_000).unref()
  void hooks.close({ timeout: 10_000 }).then(({ drained }) => {
    server.closeAllConnections()
    process.exitCode = drained ? 0 : 1
  })
})
