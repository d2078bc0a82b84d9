// `npm run demo`: starts the Express, Koa, Hono, Fastify and NestJS (on Express and on Fastify) examples on free
// ports, sends each of them every sample callback signed with a token (with the CLI's own sending code), prints what
// each app received and what it answered. Then the queue example (scripts/queue-demo.ts), when redis-server is
// installed: a callback queued by its receiver process and handled by its worker process; and the presence example
// (scripts/presence-demo.ts): who is in each room, kept in Redis from member and room callbacks. Exits 0 only if
// every callback was answered OK, a forged one was refused, and the queue and presence examples went as expected. An OK answer to a
// before-callback may still refuse it (the examples reject gifts over 500 coins): the summary counts decisions.
import { createServer, type Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import { commandDefinitions } from '@roomhooks/core'
import { sendCallback } from '@roomhooks/cli'
import { createApp as createExpressApp } from '../examples/express/src/app.js'
import { createApp as createFastifyApp } from '../examples/fastify/src/app.js'
import { createApp as createHonoApp } from '../examples/hono/src/app.js'
import { createApp as createKoaApp } from '../examples/koa/src/app.js'
// The NestJS example as Nest builds it (`npm run build`): its dependency injection needs tsc's decorator metadata.
import { createApp as createNestApp } from '../examples/nestjs/dist/app.js'
import { listen } from '../test/support/http.js'
import { runPresenceDemo } from './presence-demo.js'
import { runQueueDemo } from './queue-demo.js'

const sdkAppId = 1400000000
const token = 'demo-callback-token'
const print = (line: string) => console.log(`    app: ${line}`)

const apps: Record<string, () => Server | Promise<Server>> = {
  Express: () => createServer(createExpressApp({ sdkAppId, token, print })),
  Koa: () => createServer(createKoaApp({ sdkAppId, token, print }).callback()),
  Hono: () => createAdaptorServer({ fetch: createHonoApp({ sdkAppId, token, print }).fetch }) as Server,
  Fastify: async () => {
    const app = createFastifyApp({ sdkAppId, token, print })
    await app.ready()
    return app.server
  },
  'NestJS on Express': async () => (await createNestApp({ sdkAppId, token, print })).getHttpServer() as Server,
  'NestJS on Fastify': async () =>
    (await createNestApp({ sdkAppId, token, print, platform: 'fastify' })).getHttpServer() as Server,
}

let failures = 0
// What the apps decided, by decision: an OK answer may still reject a gift (the examples do over 500 coins).
const decisions = new Map<string, number>()
for (const [name, makeServer] of Object.entries(apps)) {
  const server = await listen(await makeServer())
  const url = `${server.url}/tencent/callback`
  console.log(`\n${name} example listening on ${url}`)

  for (const { command } of commandDefinitions) {
    console.log(`  → ${command}`)
    const result = await sendCallback(command, { url, sdkAppId, token })
    console.log(`  ← ${result.status} ${JSON.stringify(result.envelope)} in ${result.ms.toFixed(1)} ms`)
    if (!result.ok) failures++
    if (result.decision !== undefined) decisions.set(result.decision, (decisions.get(result.decision) ?? 0) + 1)
  }

  console.log('  → Room.CallbackAfterCreateRoom signed with a guessed token')
  const forged = await sendCallback('Room.CallbackAfterCreateRoom', { url, sdkAppId, token: 'guessed-token' })
  console.log(`  ← ${forged.status} ${JSON.stringify(forged.envelope)}`)
  if (forged.status !== 401) failures++

  await server.close()
}

failures += await runQueueDemo({ sdkAppId, token })
failures += await runPresenceDemo({ sdkAppId, token })

const total = commandDefinitions.length * Object.keys(apps).length
const decided = [...decisions].map(([decision, count]) => `${count} ${decision}`).join(', ')
console.log(
  failures === 0
    ? `\nAll ${total} callbacks answered OK (before-callbacks: ${decided}); the forged ones were refused.`
    : `\n${failures} answers were not as expected.`,
)
process.exit(failures === 0 ? 0 : 1)
