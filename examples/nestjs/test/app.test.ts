// How a user tests their Nest app's callback handling: the testing kit builds the callbacks the platform would
// send, and an e2e test made with Test.createTestingModule() sends them to the app over HTTP. The app is its build
// (`npm run build`): Nest's dependency injection needs the decorator metadata that tsc emits.
import { expect } from 'chai'
import type { INestApplication } from '@nestjs/common'
import { Test } from '@nestjs/testing'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { createTestCallback, type TestCallback } from '@roomhooks/core/testing'
import { AppModule } from '../dist/app.module.js'

const settings = { sdkAppId: 1400000000, token: 'test-token' }

for (const platform of ['express', 'fastify'] as const) {
  describe(`the NestJS example app on ${platform}`, () => {
    const printed: string[] = []
    let app: INestApplication
    let endpoint: string

    before(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule.register({ ...settings, print: (line) => void printed.push(line) })],
      }).compile()
      app =
        platform === 'fastify'
          ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
          : moduleRef.createNestApplication({ logger: false })
      await app.listen(0, '127.0.0.1')
      endpoint = `${await app.getUrl()}/tencent/callback`
    })
    after(() => app.close())

    async function send(callback: TestCallback) {
      const response = await fetch(callback.url(endpoint), {
        method: 'POST',
        headers: callback.headers,
        body: callback.body,
      })
      return { status: response.status, body: (await response.json()) as { ErrorCode: number } }
    }

    it('rejects gifts over 500 coins', async () => {
      const callback = createTestCallback('gift.beforeSend', { ...settings, overrides: { GiftWater: { Coins: 501 } } })
      expect(await send(callback)).to.deep.equal({
        status: 200,
        body: { ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'Gifts over 500 coins need approval' },
      })
    })

    it('lets smaller gifts through', async () => {
      const callback = createTestCallback('gift.beforeSend', { ...settings, overrides: { GiftWater: { Coins: 500 } } })
      expect((await send(callback)).body.ErrorCode).to.equal(0)
    })

    it("leaves the app's own routes to Nest", async () => {
      const response = await fetch(endpoint.replace('/tencent/callback', '/health'))
      expect([response.status, await response.text()]).to.deep.equal([200, 'ok'])
    })

    it('logs who entered which room', async () => {
      const callback = createTestCallback('member.enter', {
        ...settings,
        overrides: { RoomId: 'room-1', MemberList_Account: ['alice'] },
      })
      expect((await send(callback)).status).to.equal(200)
      expect(printed).to.include('alice entered room-1')
    })

    it('keeps the 18-digit owner of a live room exact', async () => {
      expect((await send(createTestCallback('live.destroyed', settings))).status).to.equal(200)
      expect(printed.filter((line) => line.startsWith('live room '))).to.deep.equal([
        'live room tandy-test-rest of 144115216631667826 closed',
      ])
    })
  })
}
