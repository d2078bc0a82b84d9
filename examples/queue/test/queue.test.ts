// The queue example as it is deployed: a receiver and a worker, two real processes sharing a real redis-server.
// `npm run test:redis`.
import { expect } from 'chai'
import { Queue } from 'bullmq'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { post } from '../../../test/support/http.js'
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js'
import { startExample, type ExampleProcess } from './example-process.js'

describe('the queue example: a receiver and a worker process', function () {
  this.timeout(30_000)
  const queueName = `roomhooks-example-${process.pid}`
  let redis: RedisServer
  let receiver: ExampleProcess
  let worker: ExampleProcess
  let callbackUrl: string

  before(async () => {
    redis = await startRedisServer()
    const env = {
      SDKAPPID: String(SDK_APP_ID),
      CALLBACK_TOKEN: TOKEN,
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      QUEUE_NAME: queueName,
      PORT: '0',
      STORE_FAILURES: '1',
    }
    receiver = startExample('receiver', env)
    worker = startExample('worker', env)
    const [listening] = await Promise.all([
      receiver.waitForLine(/^Receiving callbacks on /),
      worker.waitForLine(/^Running callbacks queued in /),
    ])
    callbackUrl = /http:\/\/\S+\/tencent\/callback/.exec(listening)![0]
  })
  after(async () => {
    await Promise.all([receiver?.stop('SIGKILL'), worker?.stop('SIGKILL')])
    await redis?.stop()
  })

  /** POSTs a signed callback of `command` whose sample body is about room `roomId`. */
  function send(command: string, roomId: string) {
    const body = JSON.stringify({ ...JSON.parse(fixtureText(command)), RoomId: roomId })
    return post(`${callbackUrl}?${callbackQuery({ command, token: TOKEN })}`, body)
  }

  it('queues after-callbacks at the receiver and runs them in the worker, retrying a failed save', async () => {
    for (const command of ['Room.CallbackAfterMemberEnter', 'Room.CallbackAfterMemberLeave']) {
      const answer = await send(command, 'room-a')
      expect(answer.status).to.equal(200)
      expect(answer.envelope).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    }
    expect((await send('Room.CallbackAfterDestroyRoom', 'room-a')).status).to.equal(200)

    await worker.waitForLine(/^saved: user1 left room-a \(attempt 2\)$/)
    await worker.waitForLine(/^room room-a destroyed/)
    expect(worker.lines).to.include.members([
      'user1 entered room-a (attempt 1)',
      'HANDLER_FAILED: A handler for Room.CallbackAfterMemberLeave failed: the attendance store is not reachable (attempt 1)',
      'room room-a destroyed (attempt 1)',
    ])
    expect(receiver.lines.filter((line) => line.endsWith('was handed to the delivery'))).to.have.length(3)
    // The handlers ran in the worker only.
    expect(receiver.lines.some((line) => line.includes('room-a'))).to.equal(false)
  })

  it('stops both on SIGTERM with exit code 0, leaving nothing queued or running', async () => {
    const [receiverCode, workerCode] = await Promise.all([receiver.stop('SIGTERM'), worker.stop('SIGTERM')])
    expect({ receiverCode, workerCode }).to.deep.equal({ receiverCode: 0, workerCode: 0 })
    expect(receiver.lines.at(-1)).to.equal('Receiver stopped')
    expect(worker.lines.at(-1)).to.equal('Worker stopped')

    const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port } })
    try {
      expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')).to.deep.equal({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
        completed: 3,
      })
    } finally {
      await queue.close()
    }
  })
})
