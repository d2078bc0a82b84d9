// The trace context through BullMQ and a real redis-server: a callback queued by an instrumented receiver is run by
// an instrumented worker whose span links to the request's, one span per attempt. `npm run test:redis`.
import { createServer } from 'node:http'
import { SpanStatusCode } from '@opentelemetry/api'
import { expect } from 'chai'
import { createNodeHandler, createRoomWebhooks } from '@roomhooks/core'
import { createRoomWorker } from '@roomhooks/bullmq'
import { instrumentRoomWebhooks } from '@roomhooks/opentelemetry'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post } from '../../../test/support/http.js'
import { useTelemetry } from '../../opentelemetry/test/telemetry-support.js'
import { MEMBER_ENTER, memberEnterBody, memberEnterQuery, useRedisServer, waitFor } from './queue-support.js'

describe('@roomhooks/opentelemetry with @roomhooks/bullmq', function () {
  this.timeout(30_000)
  const redis = useRedisServer()
  const telemetry = useTelemetry()
  const providers = () => ({ tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider })

  it("carries the request's trace context in the job, so each attempt's span links to the request's", async () => {
    const { hooks: receiver, queueName } = redis.queueReceiver()
    instrumentRoomWebhooks(receiver, providers())
    const server = await listen(createServer(createNodeHandler(receiver)))
    redis.closeAfterTest(() => server.close())
    expect((await post(`${server.url}/?${memberEnterQuery()}`, memberEnterBody('room-traced'))).status).to.equal(200)
    const received = telemetry.span(`roomhooks ${MEMBER_ENTER}`)
    expect(received.attributes['roomhooks.outcome']).to.equal('queued')

    let runs = 0
    const hooks = instrumentRoomWebhooks(
      createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn() {}, error() {} } }),
      providers(),
    ).on('member.enter', () => {
      if (++runs === 1) throw new Error('the store is not reachable yet')
    })
    const worker = createRoomWorker(hooks, {
      connection: redis.connection,
      queueName,
      backoff: { type: 'fixed', delay: 10 },
    })
    redis.closeAfterTest(() => worker.close())
    await waitFor(
      'two worker spans',
      () => telemetry.spans().filter((span) => span.name.startsWith('roomhooks.worker')).length === 2,
    )

    const attempts = telemetry.spans().filter((span) => span.name === `roomhooks.worker ${MEMBER_ENTER}`)
    expect(
      attempts.map((span) => [span.attributes['roomhooks.attempt'], span.attributes['roomhooks.outcome']]),
    ).to.deep.equal([
      [1, 'failed'],
      [2, 'ok'],
    ])
    expect(attempts.map((span) => span.status.code)).to.deep.equal([SpanStatusCode.ERROR, SpanStatusCode.UNSET])
    for (const span of attempts) {
      expect(span.links.map((link) => [link.context.traceId, link.context.spanId])).to.deep.equal([
        [received.spanContext().traceId, received.spanContext().spanId],
      ])
    }
  })
})
