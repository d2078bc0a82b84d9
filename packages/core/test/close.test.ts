import { createServer } from 'node:http'
import { expect } from 'chai'
import { createNodeHandler, createRoomWebhooks, type RoomhooksError } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { listen, post } from '../../../test/support/http.js'

const LEAVE = 'Room.CallbackAfterMemberLeave'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const request = () => ({ query: callbackQuery({ command: LEAVE }), body: fixtureText(LEAVE) })

describe('hooks.close()', () => {
  it('waits for handlers the platform was answered without at the deadline', async () => {
    const saved: string[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 20, log: { warn: () => {} } }).on(
      'member.leave',
      async () => {
        await sleep(150)
        saved.push('member.leave saved')
      },
    )
    expect((await hooks.receive(request())).status).to.equal(200)
    expect(saved).to.deep.equal([])
    expect(await hooks.close()).to.deep.equal({ drained: true, running: 0 })
    expect(saved).to.deep.equal(['member.leave saved'])
  })

  it('answers callbacks that arrive while closing 503, running no handler, and keeps refusing after', async () => {
    let runs = 0
    const errors: RoomhooksError[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 20, log: { warn: () => {} } })
      .on('member.leave', async () => {
        runs++
        await sleep(60)
      })
      .onError((error) => void errors.push(error))
    await hooks.receive(request())
    const closing = hooks.close()
    const during = await hooks.receive(request())
    await closing
    const after = await hooks.receive(request())
    expect([during.status, during.body.ErrorCode, after.status]).to.deep.equal([503, 50302, 503])
    expect(runs).to.equal(1)
    expect(errors.map((error) => error.reason)).to.deep.equal(['SHUTTING_DOWN', 'SHUTTING_DOWN'])
  })

  it('gives up after its timeout, saying how many tasks were unfinished', async () => {
    const warnings: string[] = []
    const hooks = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      handlerTimeout: 10,
      log: { warn: (line: string) => void warnings.push(line) },
    })
    hooks.on('member.leave', () => new Promise(() => {}))
    await hooks.receive(request())
    const started = Date.now()
    expect(await hooks.close({ timeout: 50 })).to.deep.equal({ drained: false, running: 1 })
    expect(Date.now() - started).to.be.within(40, 500)
    expect(warnings.at(-1)).to.equal(
      '[@roomhooks/core] close(): 1 tasks (handlers, store updates) were unfinished after 50 ms',
    )
  })

  it('waits for a callback whose body is still being read, and returns the same promise when called again', async () => {
    let finished = false
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).on('member.leave', () => {
      finished = true
    })
    const slowBody = () => sleep(40).then(() => request().body)
    const answer = hooks.receive({ query: request().query, body: slowBody })
    const closing = hooks.close()
    expect(hooks.close()).to.equal(closing)
    await closing
    expect([finished, (await answer).status]).to.deep.equal([true, 200])
  })

  it('takes a timeout of Infinity without a flood of timer warnings', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error) => void warnings.push(warning)
    process.on('warning', onWarning)
    try {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 10, log: { warn: () => {} } }).on(
        'member.leave',
        () => sleep(40),
      )
      await hooks.receive(request())
      expect(await hooks.close({ timeout: Number.POSITIVE_INFINITY })).to.deep.equal({ drained: true, running: 0 })
      await sleep(10)
      expect(warnings.map((warning) => warning.name)).to.deep.equal([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('lets a SIGTERM-style shutdown of a real server finish what was answered early', async () => {
    const saved: string[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 20, log: { warn: () => {} } }).on(
      'member.leave',
      async (event) => {
        await sleep(100)
        saved.push(event.payload.RoomId)
      },
    )
    const server = await listen(createServer(createNodeHandler(hooks)))
    const answer = await post(`${server.url}/?${request().query}`, request().body)
    expect(answer.status).to.equal(200)
    await server.close()
    await hooks.close()
    expect(saved).to.deep.equal(['rid-123'])
  })
})
