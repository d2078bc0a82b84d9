// Bun serves the web-standard handler as it is: `bun run src/server.ts`.
import { createFetchHandler } from '@roomhooks/core'
import { createHooks } from './hooks.js'

// What this file uses of Bun's API; a Bun project gets the full declarations from @types/bun.
declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Promise<Response> }): {
    url: URL
    stop(): Promise<void>
  }
}

const sdkAppId = process.env['SDKAPPID']
if (!sdkAppId) {
  console.error("Set SDKAPPID to your app's SDKAppID (and CALLBACK_TOKEN if callback authentication is on).")
  process.exit(1)
}

const hooks = createHooks({ sdkAppId, token: process.env['CALLBACK_TOKEN'] || undefined })
const server = Bun.serve({
  port: Number(process.env['PORT'] ?? 3000),
  hostname: process.env['HOST'] ?? '0.0.0.0',
  fetch: createFetchHandler(hooks, { path: '/tencent/callback' }),
})
console.log(`Receiving callbacks on ${server.url.origin}/tencent/callback`)

// A deploy stops the process with SIGTERM: stop taking requests, let the handlers of callbacks already answered
// finish (the platform does not send them again), then exit.
process.once('SIGTERM', () => {
  void server
    .stop()
    .then(() => hooks.close({ timeout: 10_000 }))
    .then(({ drained }) => process.exit(drained ? 0 : 1))
})
