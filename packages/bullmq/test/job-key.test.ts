// The job a callback becomes, keyed by its body, against a real redis-server and an Express app with express.json()
// in front: callbacks that differ only in an 18-digit ID stay apart, and a copy of a dead-lettered callback runs
// again. `npm run test:redis`.
import { createServer } from 'node:http'
import { expect } from 'chai'
import express from 'express'
import type { RoomWebhooks } from '@roomhooks/core'
import type { StoredCallback } from '@roomhooks/core/delivery'
import { createExpressMiddleware } from '@roomhooks/express'
import { createRoomWorker } from '@roomhooks/bullmq'
import { listen, post } from '../../../test/support/http.js'
import { countsOf, memberEnterBody, memberEnterQuery, useRedisServer, waitFor } from './queue-support.js'

describe('the job of a callback behind express.json(), against redis-server', function () {
  this.timeout(30_000)
  const redis = useRedisServer()

  /** A receiver with a queue delivery behind `express.json()` (keeping the raw body when `keepRaw`). */
  async function receiver(keepRaw = false) {
    const { hooks, queue, queueName, errors } = redis.queueReceiver()
    const parser = keepRaw
      ? express.json({ verify: (req, _res, raw) => void Object.assign(req, { rawBody: raw }) })
      : express.json()
    const app = express().post('/callback', parser, createExpressMiddleware(hooks))
    const server = await listen(createServer(app))
    redis.closeAfterTest(() => server.close())
    const send = (body: string) => post(`${server.url}/callback?${memberEnterQuery()}`, body)
    return { hooks, queue, queueName, errors, send }
  }

  function worker(hooks: RoomWebhooks, queueName: string, attempts = 5) {
    const running = createRoomWorker(hooks, {
      connection: redis.connection,
      queueName,
      attempts,
      backoff: { type: 'fixed', delay: 10 },
    })
    redis.closeAfterTest(() => running.close())
    return running
  }

  it('makes two jobs of two callbacks that differ only in an 18-digit ID the parser rounded to the same number', async () => {
    const { hooks, queue, queueName, send } = await receiver()
    const [first, second] = ['144115212345678901', '144115212345678902']
    expect(Number(first)).to.equal(Number(second)) // one double for both: the parsed bodies are the same
    expect((await send(memberEnterBody('big-ids', first))).status).to.equal(200)
    expect((await send(memberEnterBody('big-ids', second))).status).to.equal(200)
    expect((await countsOf(queue)).waiting).to.equal(2)
    const runs: string[] = []
    hooks.on('member.enter', (event) => void runs.push(event.payload.RoomId))
    worker(hooks, queueName)
    await waitFor('both jobs to complete', async () => (await countsOf(queue)).completed === 2)
    expect(runs).to.deep.equal(['big-ids', 'big-ids'])
  })

  it('keys by the raw body when the parser kept it: exact IDs apart, copies of one callback one job', async () => {
    const { queue, send } = await receiver(true)
    const [first, second] = ['144115212345678901', '144115212345678902']
    for (const id of [first, second, first]) {
      expect((await send(memberEnterBody('raw-kept', id))).status).to.equal(200)
    }
    const stored = (await queue.getWaiting()).map((job) => (job.data as StoredCallback).body)
    expect(stored.sort()).to.deep.equal([memberEnterBody('raw-kept', first), memberEnterBody('raw-kept', second)])
  })

  it('runs a callback again when an identical one arrives after the first was dead-lettered', async () => {
    const { hooks, queue, queueName, send } = await receiver()
    let broken = true
    const runs: number[] = []
    hooks.on('member.enter', (event) => {
      runs.push(event.receivedAt)
      if (broken) throw new Error('database unavailable')
    })
    const body = memberEnterBody('dead-lettered', '"user-1"')
    expect((await send(body)).status).to.equal(200)
    worker(hooks, queueName, 1)
    await waitFor('the first to be dead-lettered', async () => (await countsOf(queue)).failed === 1)
    broken = false
    expect((await send(body)).status).to.equal(200)
    await waitFor('the copy to run', async () => (await countsOf(queue)).completed === 1)
    expect(runs).to.have.length(2)
    expect(runs[1]).to.be.above(runs[0] as number) // the copy's own arrival
    expect(await countsOf(queue)).to.include({ failed: 0, waiting: 0, active: 0 })
  })
})
