// Refused bodies (authentic, failing their schema) against a real redis-server: kept only when a token proves
// where they came from, and then bounded in number and age, so that they cannot fill Redis. `npm run test:redis`.
import { createServer } from 'node:http'
import { expect } from 'chai'
import express from 'express'
import { Redis } from 'ioredis'
import type { StoredCallback } from '@roomhooks/core/delivery'
import { createExpressMiddleware } from '@roomhooks/express'
import { createRoomWorker, replayFailedCallbacks, type QueueDeliveryOptions } from '@roomhooks/bullmq'
import { callbackQuery, fixtureText, TOKEN } from '../../../test/support/callbacks.js'
import { listen, post } from '../../../test/support/http.js'
import { countsOf, MEMBER_ENTER, useRedisServer, waitFor } from './queue-support.js'

/** A member.enter body that fails its schema (no MemberList_Account), for room `roomId`, padded to `size` bytes. */
function invalidBody(roomId: string, size = 0): string {
  const body = JSON.parse(fixtureText(MEMBER_ENTER)) as Record<string, unknown>
  delete body['MemberList_Account']
  body['RoomId'] = roomId
  const text = JSON.stringify(body)
  return size > text.length ? JSON.stringify({ ...body, Padding: 'x'.repeat(size - text.length - 14) }) : text
}

describe('refused bodies kept by createQueueDelivery() against redis-server', function () {
  this.timeout(60_000)
  const redis = useRedisServer()

  /** A receiver with a queue delivery served by Express; with `token`, Sign checks are on and queries signed. */
  async function receiver(options: Partial<QueueDeliveryOptions> = {}, token?: string) {
    const { hooks, queue, errors } = redis.queueReceiver(options, token === undefined ? {} : { token })
    const server = await listen(createServer(express().post('/callback', createExpressMiddleware(hooks))))
    redis.closeAfterTest(() => server.close())
    const send = (body: string) =>
      post(`${server.url}/callback?${callbackQuery({ command: MEMBER_ENTER, ...(token && { token }) })}`, body)
    return { hooks, queue, errors, send }
  }

  /** The rooms of the refused bodies the queue holds, sorted. */
  async function keptRooms(queue: Awaited<ReturnType<typeof receiver>>['queue']): Promise<string[]> {
    const jobs = await queue.getJobs(['waiting', 'failed'])
    return jobs.map((job) => (JSON.parse((job.data as StoredCallback).body) as { RoomId: string }).RoomId).sort()
  }

  async function usedMemory(admin: Redis): Promise<number> {
    return Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1])
  }

  it('stores no refused body when no token is set: 120 invalid bodies of 100 KiB grow Redis by less than 4 MB', async () => {
    const { queue, errors, send } = await receiver()
    const admin = new Redis(redis.connection)
    redis.closeAfterTest(async () => admin.disconnect())
    await queue.waitUntilReady()
    expect((await send(invalidBody('warm-up'))).status).to.equal(400) // loads the queue's scripts first
    const before = await usedMemory(admin)
    for (let i = 0; i < 120; i += 10) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, j) => send(invalidBody(`flood-${i + j}`, 100 * 1024))),
      )
      expect(answers.map((answer) => answer.status)).to.deep.equal(Array(10).fill(400))
    }
    const grown = (await usedMemory(admin)) - before
    expect(grown, `Redis grew by ${grown} bytes`).to.be.below(4 * 1024 * 1024)
    expect(Object.values(await countsOf(queue)).reduce((a, b) => a + b)).to.equal(0)
    expect(errors.map((error) => error.reason)).to.deep.equal(Array(121).fill('INVALID_PAYLOAD'))
  })

  it('with a token, keeps at most maxRefused refused bodies, the most recent', async () => {
    const { queue, send } = await receiver({ maxRefused: 3 }, TOKEN)
    for (let i = 1; i <= 6; i++) expect((await send(invalidBody(`refused-${i}`))).status).to.equal(400)
    await waitFor('the oldest to be removed', async () => (await keptRooms(queue)).length === 3)
    expect(await keptRooms(queue)).to.deep.equal(['refused-4', 'refused-5', 'refused-6'])
  })

  it('with a token, removes refused bodies older than refusedTtl once the next one is kept', async () => {
    const { queue, send } = await receiver({ refusedTtl: 300 }, TOKEN)
    expect((await send(invalidBody('old'))).status).to.equal(400)
    expect(await keptRooms(queue)).to.deep.equal(['old'])
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect((await send(invalidBody('new'))).status).to.equal(400)
    await waitFor('the old one to be removed', async () => (await keptRooms(queue)).length === 1)
    expect(await keptRooms(queue)).to.deep.equal(['new'])
  })

  it('with a token, never removes a refused body that was replayed from the failed set, when later ones are kept', async () => {
    const { hooks, queue, send } = await receiver({ maxRefused: 1 }, TOKEN)
    const queueName = queue.name
    expect((await send(invalidBody('replayed'))).status).to.equal(400)
    const worker = createRoomWorker(hooks, { connection: redis.connection, queueName, attempts: 1 })
    await waitFor('the refused body to be failed', async () => (await countsOf(queue)).failed === 1)
    await worker.close()
    // Replayed (the schema fixed, say) while no worker is free: it waits to be run again.
    const [replayed] = await replayFailedCallbacks({ connection: redis.connection, queueName })
    expect(await queue.getJobState(String(replayed?.id))).to.equal('waiting')
    // A later refused body beyond maxRefused must not remove the replayed one: it is no longer kept for a replay.
    expect((await send(invalidBody('later'))).status).to.equal(400)
    await hooks.close()
    expect(await queue.getJobState(String(replayed?.id))).to.equal('waiting')
    expect(await keptRooms(queue)).to.deep.equal(['later', 'replayed'])
  })

  it('refuses a maxRefused or refusedTtl that is not a positive number, saying what it got', () => {
    for (const options of [{ maxRefused: 0 }, { maxRefused: 1.5 }, { refusedTtl: -1 }, { refusedTtl: Number.NaN }]) {
      expect(() => redis.queueReceiver(options), JSON.stringify(options)).to.throw(
        TypeError,
        /^\[@roomhooks\/bullmq\] (maxRefused must be a whole number of at least 1|refusedTtl must be a positive number)/,
      )
    }
  })
})
