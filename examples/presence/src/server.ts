import { createPresenceApp } from './app.js'

const sdkAppId = process.env['SDKAPPID']
if (!sdkAppId) {
  console.error("Set SDKAPPID to your app's SDKAppID (and CALLBACK_TOKEN if callback authentication is on).")
  process.exit(1)
}
const redisUrl = new URL(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379')
const port = Number(process.env['PORT'] ?? 3000)

const presenceApp = createPresenceApp({
  sdkAppId,
  token: process.env['CALLBACK_TOKEN'] || undefined,
  redis: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) },
})
const server = presenceApp.app.listen(port, () => {
  const { port: listening } = server.address() as { port: number }
  console.log(`Receiving callbacks on http://localhost:${listening}/tencent/callback`)
  console.log(`Rooms: http://localhost:${listening}/rooms`)
})

// A deploy stops the process with SIGTERM: stop taking requests, let the handlers of callbacks already answered
// finish, quit Redis, then let the process end by itself. At most 15 s in all.
process.once('SIGTERM', () => {
  server.close()
  setTimeout(() => process.exit(1), 15_000).unref()
  void presenceApp.close().then(
    () => server.closeAllConnections(),
    (error: unknown) => {
      console.error('could not close cleanly:', error)
      process.exitCode = 1
      server.closeAllConnections()
    },
  )
})
