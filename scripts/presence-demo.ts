// The presence example in `npm run demo`: its app against a redis-server of its own on a free port, fed room and
// member callbacks (a duplicate and an out-of-order pair among them), then asked GET /rooms and
// /rooms/:id/members, whose answers are compared with what the callbacks make. Skipped, in one line, when there is
// no redis-server on the PATH.
import { createServer } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import { sendCallback } from '@roomhooks/cli'
import { createPresenceApp } from '../examples/presence/src/app.js'
import { listen } from '../test/support/http.js'
import { demoRedisServer, failed } from './queue-demo.js'

const seat = (Index: number, Member_Account: string) => ({
  Index,
  Member_Account,
  IsTakenDisabled: false,
  IsVideoDisabled: false,
  IsAudioDisabled: false,
})

/** Runs the presence example; resolves with how many steps did not go as expected. */
export async function runPresenceDemo({ sdkAppId, token }: { sdkAppId: number; token: string }): Promise<number> {
  const redis = await demoRedisServer('Presence example')
  if (typeof redis === 'number') return redis
  console.log(`\nPresence example: room state in a redis-server on port ${redis.port}`)
  const presenceApp = createPresenceApp({ sdkAppId, token, redis: { host: '127.0.0.1', port: redis.port } })
  const server = await listen(createServer(presenceApp.app))
  try {
    const url = `${server.url}/tencent/callback`
    const T = Date.now() - 60_000
    const sent: [event: string, overrides: object, what: string][] = [
      ['room.created', { RoomInfo: { RoomId: 'lobby' }, EventTime: T }, 'lobby created'],
      ['member.enter', { RoomId: 'lobby', MemberList_Account: ['alice'], EventTime: T + 1 }, 'alice enters'],
      ['member.enter', { RoomId: 'lobby', MemberList_Account: ['bob'], EventTime: T + 2 }, 'bob enters'],
      ['member.enter', { RoomId: 'lobby', MemberList_Account: ['bob'], EventTime: T + 2 }, 'the same, again'],
      ['member.leave', { RoomId: 'lobby', MemberList_Account: ['carol'], EventTime: T + 5 }, 'carol leaves…'],
      ['member.enter', { RoomId: 'lobby', MemberList_Account: ['carol'], EventTime: T + 4 }, '…after entering'],
      ['seat.changed', { RoomId: 'lobby', SeatList: [seat(0, 'alice'), seat(1, '')], EventTime: T + 6 }, 'seats'],
      ['room.created', { RoomInfo: { RoomId: 'closed' }, EventTime: T }, 'closed created'],
      ['member.enter', { RoomId: 'closed', MemberList_Account: ['dave'], EventTime: T + 1 }, 'dave enters'],
      ['room.destroyed', { RoomId: 'closed', EventTime: T + 3 }, 'closed destroyed'],
    ]
    let failures = 0
    for (const [event, overrides, what] of sent) {
      console.log(`  → ${event} (${what})`)
      const result = await sendCallback(event, { url, sdkAppId, token, overrides })
      console.log(`  ← ${result.status} ${JSON.stringify(result.envelope)} in ${result.ms.toFixed(1)} ms`)
      if (!result.ok) failures++
    }

    const expected = {
      '/rooms': { rooms: [{ roomId: 'lobby', kind: 'room', count: 2 }] },
      '/rooms/lobby/members': {
        roomId: 'lobby',
        count: 2,
        members: [
          { userId: 'alice', since: T + 1 },
          { userId: 'bob', since: T + 2 },
        ],
        seats: [
          { index: 0, userId: 'alice' },
          { index: 1, userId: null },
        ],
      },
    }
    for (const [path, want] of Object.entries(expected)) {
      const response = await fetch(`${server.url}${path}`)
      const body: unknown = await response.json()
      console.log(`  GET ${path} → ${response.status} ${JSON.stringify(body)}`)
      if (response.status === 200 && isDeepStrictEqual(body, want)) console.log('  ✔ as the callbacks say')
      else failures += failed(`expected ${JSON.stringify(want)}`)
    }
    return failures
  } finally {
    await server.close()
    await presenceApp.close()
    await redis.stop()
  }
}
