// The presence example against a real redis-server (`npm run test:redis`): two instances of the app share the
// room state, so each serves what the other received.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { createTestCallback } from '@roomhooks/core/testing'
import { freePort, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js'
import { createPresenceApp, type PresenceApp } from '../src/app.js'

const SDK_APP_ID = 1400000000
const TOKEN = 'test-token'
const T = 1_703_589_922_780

describe('the presence example: GET /rooms and /rooms/:id/members from Redis', function () {
  this.timeout(30_000)
  let redis: RedisServer
  const instances: { app: PresenceApp; server: Server; url: string }[] = []

  before(async () => {
    redis = await startRedisServer()
    for (let i = 0; i < 2; i++) {
      const app = createPresenceApp({
        sdkAppId: SDK_APP_ID,
        token: TOKEN,
        redis: { host: '127.0.0.1', port: redis.port },
        prefix: `example-${process.pid}`,
      })
      const server = createServer(app.app)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      instances.push({ app, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
    }
  })
  after(async () => {
    for (const { app, server } of instances) {
      await new Promise((resolve) => server.close(resolve))
      await app.close()
    }
    await redis?.stop()
  })

  async function send(
    instance: number,
    name: 'member.enter' | 'member.leave' | 'room.created' | 'seat.changed',
    overrides: object,
  ) {
    const callback = createTestCallback(name, { sdkAppId: SDK_APP_ID, token: TOKEN, overrides })
    const response = await fetch(callback.url(`${instances[instance]!.url}/tencent/callback`), {
      method: 'POST',
      headers: callback.headers,
      body: callback.body,
    })
    expect(response.status).to.equal(200)
  }
  const get = async (instance: number, path: string) => {
    const response = await fetch(`${instances[instance]!.url}${path}`)
    return { status: response.status, body: await response.json() }
  }

  it('serves, from either instance, the members and seats the callbacks to both made', async () => {
    await send(0, 'room.created', { RoomInfo: { RoomId: 'lobby' }, EventTime: T })
    await send(1, 'member.enter', {
      RoomId: 'lobby',
      MemberList_Account: ['alice', '144115233775727695'],
      EventTime: T + 1,
    })
    // An older Leave arriving late changes nothing.
    await send(0, 'member.leave', { RoomId: 'lobby', MemberList_Account: ['alice'], EventTime: T })
    await send(0, 'seat.changed', { RoomId: 'lobby', EventTime: T + 2 })

    for (const instance of [0, 1]) {
      expect(await get(instance, '/rooms')).to.deep.equal({
        status: 200,
        body: { rooms: [{ roomId: 'lobby', kind: 'room', count: 2 }] },
      })
      expect(await get(instance, '/rooms/lobby/members')).to.deep.equal({
        status: 200,
        body: {
          roomId: 'lobby',
          count: 2,
          members: [
            { userId: '144115233775727695', since: T + 1 },
            { userId: 'alice', since: T + 1 },
          ],
          seats: [{ index: 1, userId: '144115233775727695' }],
        },
      })
    }
  })

  it('answers an unknown room with no members', async () => {
    expect(await get(1, '/rooms/nowhere/members')).to.deep.equal({
      status: 200,
      body: { roomId: 'nowhere', count: 0, members: [], seats: [] },
    })
  })

  it('answers 503 when Redis cannot be read', async () => {
    const app = createPresenceApp({ sdkAppId: SDK_APP_ID, redis: { host: '127.0.0.1', port: await freePort() } })
    const server = createServer(app.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const errors = console.error
    console.error = () => {}
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/rooms`)
      expect(response.status).to.equal(503)
      expect(await response.json()).to.deep.equal({ error: 'Room state is not available right now; try again shortly' })
    } finally {
      console.error = errors
      await new Promise((resolve) => server.close(resolve))
      await app.close()
    }
  })
})
