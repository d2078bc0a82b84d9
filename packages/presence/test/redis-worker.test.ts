// Presence with durable delivery, against a real redis-server (`npm run test:redis`): the receiver queues the
// callbacks, a BullMQ worker runs the handlers, and what the worker's presence applies the receiver reads.
import { expect } from 'chai'
import { createRoomWebhooks } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import { createQueueDelivery, createRoomWorker } from '@roomhooks/bullmq'
import { createPresence, createRedisPresenceStore, type PresenceChange } from '@roomhooks/presence'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js'

const T = 1_703_589_922_780
const quiet = { warn() {}, error() {} }

async function waitFor(what: string, check: () => Promise<boolean>, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('presence with a BullMQ worker against redis-server', function () {
  this.timeout(30_000)
  let server: RedisServer
  const closing: (() => Promise<unknown>)[] = []

  before(async () => {
    server = await startRedisServer()
  })
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close()
  })
  after(() => server?.stop())

  it("shows the receiver what the worker's handlers applied, in any order, once each", async () => {
    const connection = { host: '127.0.0.1', port: server.port }
    const queueName = `presence-${process.pid}`
    const prefix = `presence-worker-${process.pid}`

    // The receiving process: callbacks are queued; its presence reads the shared store.
    const receiver = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      delivery: createQueueDelivery({ connection, queueName }),
      log: quiet,
    })
    const readerStore = createRedisPresenceStore({ connection, prefix })
    const reader = createPresence(receiver, { store: readerStore, log: quiet })
    closing.push(
      () => receiver.close(),
      () => reader.close(),
      () => readerStore.close(),
    )

    // The worker process: the same kind of receiver, its handlers run by the worker.
    const workerHooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
    const workerStore = createRedisPresenceStore({ connection, prefix })
    const applied = createPresence(workerHooks, { store: workerStore })
    const changes: PresenceChange[] = []
    applied.onChange((change) => void changes.push(change))
    const worker = createRoomWorker(workerHooks, { connection, queueName, concurrency: 5 })
    let completed = 0
    worker.on('completed', () => void completed++)
    closing.push(
      () => worker.close(),
      () => applied.close(),
      () => workerStore.close(),
    )

    const send = async (name: 'member.enter' | 'member.leave' | 'room.created', overrides: object) => {
      const callback = createTestCallback(name, { sdkAppId: SDK_APP_ID, overrides })
      const answer = await receiver.receive({ query: callback.query, body: callback.body })
      expect(answer.status).to.equal(200)
    }
    // Newest first: the Leave of bob and the Enter of carol are older than what follows them here.
    await send('member.leave', { RoomId: 'queued', MemberList_Account: ['alice'], EventTime: T + 30 })
    await send('member.enter', {
      RoomId: 'queued',
      MemberList_Account: ['alice', '144115233775727695'],
      EventTime: T + 20,
    })
    await send('member.enter', { RoomId: 'queued', MemberList_Account: ['bob'], EventTime: T + 10 })
    await send('member.leave', { RoomId: 'queued', MemberList_Account: ['bob'], EventTime: T + 5 })
    await send('room.created', { RoomInfo: { RoomId: 'queued' }, EventTime: T })

    await waitFor('5 jobs to complete', async () => completed === 5)
    expect(await reader.members('queued')).to.deep.equal([
      { userId: 'bob', since: T + 10 },
      { userId: '144115233775727695', since: T + 20 },
    ])
    expect(await reader.rooms()).to.deep.equal([{ roomId: 'queued', kind: 'room', count: 2 }])
    expect(changes.filter((change) => change.type === 'enter').map((change) => change.userId)).to.include.members([
      'bob',
      '144115233775727695',
    ])
  })
})
