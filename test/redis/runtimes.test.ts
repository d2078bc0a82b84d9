// @roomhooks/redis with ioredis on Bun and Deno, as npm installs them, against a real redis-server: ioredis needs
// TCP (node:net), which both runtimes give it.
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createTestCallback } from '@roomhooks/core/testing'
import { post } from '../support/http.js'
import { startRedisServer, type RedisServer } from '../support/redis-server.js'
import { installedVersion, startBun, startDeno, type RuntimeProcess } from '../support/runtimes.js'

const app = fileURLToPath(new URL('../runtimes/redis-dedupe.ts', import.meta.url))
const runtimes = {
  [`Bun ${installedVersion('bun')}`]: startBun,
  [`Deno ${installedVersion('deno')}`]: startDeno,
}

for (const [name, start] of Object.entries(runtimes)) {
  describe(`the Redis dedupe store on ${name}`, function () {
    this.timeout(30_000)
    let redis: RedisServer | undefined
    let server: RuntimeProcess | undefined
    before(async () => {
      redis = await startRedisServer()
      server = await start(app, { env: { REDIS_PORT: String(redis.port) } })
    })
    after(async () => {
      await server?.stop()
      await redis?.stop()
    })

    it('runs the handlers of a callback delivered twice once, and answers both deliveries OK', async () => {
      const callback = createTestCallback('room.created', { sdkAppId: 1400000000 })
      const url = callback.url(`${server!.url}/tencent/callback`)
      const answers = [await post(url, callback.body), await post(url, callback.body)]
      expect(answers.map((answer) => [answer.status, answer.envelope.ActionStatus])).to.deep.equal([
        [200, 'OK'],
        [200, 'OK'],
      ])
      await server!.waitForLine('handled Room.CallbackAfterCreateRoom')
      // A second run would have printed by the time the second answer was sent.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(server!.lines.filter((line) => line.startsWith('handled'))).to.have.length(1)
    })
  })
}
