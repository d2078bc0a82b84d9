// Deno serves the web-standard handler as it is: `deno run --allow-net --allow-env src/main.ts`.
import { createFetchHandler } from '@roomhooks/core'
import { createHooks } from './hooks.js'

// What this file uses of Deno's API (Deno's own type checker knows all of it).
declare const Deno: {
  env: { get(name: string): string | undefined }
  exit(code: number): never
  serve(
    options: { port: number; hostname: string; onListen: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Promise<Response>,
  ): { shutdown(): Promise<void> }
  addSignalListener(signal: 'SIGTERM', listener: () => void): void
}

const sdkAppId = Deno.env.get('SDKAPPID')
if (!sdkAppId) {
  console.error("Set SDKAPPID to your app's SDKAppID (and CALLBACK_TOKEN if callback authentication is on).")
  Deno.exit(1)
}

const hooks = createHooks({ sdkAppId, token: Deno.env.get('CALLBACK_TOKEN') || undefined })
const server = Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8000),
    hostname: Deno.env.get('HOST') ?? '0.0.0.0',
    onListen: ({ hostname, port }) => console.log(`Receiving callbacks on http://${hostname}:${port}/tencent/callback`),
  },
  createFetchHandler(hooks, { path: '/tencent/callback' }),
)

// A deploy stops the process with SIGTERM: stop taking requests, let the handlers of callbacks already answered
// finish (the platform does not send them again), then exit.
Deno.addSignalListener('SIGTERM', () => {
  void server
    .shutdown()
    .then(() => hooks.close({ timeout: 10_000 }))
    .then(({ drained }) => Deno.exit(drained ? 0 : 1))
})
