import 'reflect-metadata'
import { createApp } from './app'

async function main(): Promise<void> {
  const platform = process.env['PLATFORM'] === 'fastify' ? 'fastify' : 'express'
  // SDKAPPID and CALLBACK_TOKEN come from the environment or .env, through ConfigService.
  const app = await createApp({ platform, logLevels: ['log', 'error', 'warn'] })
  // A deploy stops the process with SIGTERM: app.close() stops taking requests, then RoomhooksModule waits for the
  // handlers of callbacks already answered (the platform does not send them again).
  app.enableShutdownHooks()
  const port = Number(process.env['PORT'] ?? 3000)
  await app.listen(port, '0.0.0.0')
  console.log(`Receiving callbacks on http://localhost:${port}/tencent/callback (${platform})`)
}

void main()
