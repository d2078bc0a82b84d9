import { expect } from 'chai'
import { createRoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'

const LEAVE = 'Room.CallbackAfterMemberLeave'
const request = () => ({ query: callbackQuery({ command: LEAVE }), body: fixtureText(LEAVE) })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A promise with its resolve function, for handlers that finish when the test says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

/** Whether `promise` has settled after the event loop turned once more. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  void promise.then(() => (settled = true))
  await sleep(5)
  return settled
}

describe('hooks.idle()', () => {
  it('resolves at once on a receiver with nothing running', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID })
    expect(await hasSettled(hooks.idle())).to.equal(true)
    expect((await hooks.receive(request())).status).to.equal(200)
    expect(await hasSettled(hooks.idle())).to.equal(true)
  })

  it('waits for every handler the platform was answered without, and resolves every caller together', async () => {
    const handlers = [gate(), gate()]
    const finished: number[] = []
    let call = 0
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 10, log: { warn: () => {} } }).on(
      'member.leave',
      async () => {
        const index = call++
        await handlers[index]!.opened
        finished.push(index)
      },
    )
    expect((await hooks.receive(request())).status).to.equal(200)
    expect((await hooks.receive(request())).status).to.equal(200)
    const [first, second] = [hooks.idle(), hooks.idle()]
    handlers[0]!.open()
    expect(await hasSettled(first)).to.equal(false)
    handlers[1]!.open()
    await Promise.all([first, second])
    expect(finished).to.deep.equal([0, 1])
  })

  it('goes on taking callbacks meanwhile, and waits for those too', async () => {
    const handlers = [gate(), gate()]
    let call = 0
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 10, log: { warn: () => {} } }).on(
      'member.leave',
      () => handlers[call++]!.opened,
    )
    await hooks.receive(request())
    const idle = hooks.idle()
    expect((await hooks.receive(request())).status).to.equal(200)
    handlers[0]!.open()
    expect(await hasSettled(idle)).to.equal(false)
    handlers[1]!.open()
    await idle
    expect(await hasSettled(hooks.idle())).to.equal(true)
  })

  it('leaves close() its timeout: a receiver waited on by idle() still closes after it', async () => {
    const handler = gate()
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 10, log: { warn: () => {} } }).on(
      'member.leave',
      () => handler.opened,
    )
    await hooks.receive(request())
    const idle = hooks.idle()
    expect(await hooks.close({ timeout: 20 })).to.deep.equal({ drained: false, running: 1 })
    handler.open()
    await idle
  })
})

describe('hooks.idle() after a body reader that throws', () => {
  it('resolves once a body reader that throws instead of rejecting was answered', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn: () => {} } })
    const answer = await hooks.receive({
      query: callbackQuery({ command: LEAVE }),
      body: () => {
        throw new Error('the stream is gone')
      },
    })
    expect(answer.status).to.not.equal(200)
    expect(await hasSettled(hooks.idle())).to.equal(true)
    expect(await hooks.close({ timeout: 20 })).to.deep.equal({ drained: true, running: 0 })
  })
})
