import { serve } from '@hono/node-server'
import { createApp } from './app.js'

const sdkAppId = process.env['SDKAPPID']
if (!sdkAppId) {
  console.error("Set SDKAPPID to your app's SDKAppID (and CALLBACK_TOKEN if callback authentication is on).")
  process.exit(1)
}
const port = Number(process.env['PORT'] ?? 3000)

serve({ fetch: createApp({ sdkAppId, token: process.env['CALLBACK_TOKEN'] || undefined }).fetch, port }, () => {
  console.log(`Receiving callbacks on http://localhost:${port}/tencent/callback`)
})
