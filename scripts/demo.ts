// `npm run demo`: starts the Express and Koa examples on free ports, sends each of them every sample callback
// signed with a token, prints what each app received and what it answered, and exits 0 only if every callback
// was answered OK (and a forged one was refused).
import { createServer, type Server } from 'node:http'
import { createApp as createExpressApp } from '../examples/express/src/app.js'
import { createApp as createKoaApp } from '../examples/koa/src/app.js'
import { callbackQuery, fixtureCommands, fixtureText } from '../test/support/callbacks.js'
import { listen, post } from '../test/support/http.js'

const sdkAppId = 1400000000
const token = 'demo-callback-token'
const print = (line: string) => console.log(`    app: ${line}`)

const apps: Record<string, () => Server> = {
  Express: () => createServer(createExpressApp({ sdkAppId, token, print })),
  Koa: () => createServer(createKoaApp({ sdkAppId, token, print }).callback()),
}

let failures = 0
for (const [name, makeServer] of Object.entries(apps)) {
  const server = await listen(makeServer())
  const url = `${server.url}/tencent/callback`
  console.log(`\n${name} example listening on ${url}`)

  for (const command of fixtureCommands) {
    console.log(`  → ${command}`)
    const answer = await post(`${url}?${callbackQuery({ command, sdkAppId, token })}`, fixtureText(command))
    console.log(`  ← ${answer.status} ${JSON.stringify(answer.envelope)}`)
    if (answer.status !== 200 || answer.envelope.ActionStatus !== 'OK') failures++
  }

  console.log('  → Room.CallbackAfterCreateRoom with a Sign made from the wrong token')
  const forged = await post(
    `${url}?${callbackQuery({ command: 'Room.CallbackAfterCreateRoom', sdkAppId, token: 'guessed-token' })}`,
    fixtureText('Room.CallbackAfterCreateRoom'),
  )
  console.log(`  ← ${forged.status} ${JSON.stringify(forged.envelope)}`)
  if (forged.status !== 401) failures++

  await server.close()
}

const total = fixtureCommands.length * Object.keys(apps).length
console.log(`\n${failures === 0 ? 'All' : 'Not all'} ${total} callbacks answered OK; forged Sign refused: ${failures === 0 ? 'yes' : 'see above'}.`)
process.exit(failures === 0 ? 0 : 1)
