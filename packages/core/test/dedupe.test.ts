import { expect } from 'chai'
import {
  createMemoryDedupeStore,
  createRoomWebhooks,
  type DedupeStore,
  type RoomhooksError,
  type RoomWebhooksOptions,
} from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function setup(dedupe: RoomWebhooksOptions['dedupe'], handler: () => unknown = () => {}) {
  const runs: string[] = []
  const errors: RoomhooksError[] = []
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, dedupe, log: { warn: () => {} } })
    .onAny((event) => {
      runs.push(event.command)
      return handler()
    })
    .onError((error) => void errors.push(error))
  const send = (command = CREATED, body: string | object = fixtureText(command)) =>
    hooks.receive({ query: callbackQuery({ command }), body })
  return { runs, errors, send }
}

describe('createMemoryDedupeStore()', () => {
  it('claims a key once within its time to live', async () => {
    const store = createMemoryDedupeStore()
    expect([store.claim('a', 50), store.claim('a', 50), store.claim('b', 50)]).to.deep.equal([true, false, true])
    await sleep(60)
    expect(store.claim('a', 50)).to.equal(true)
  })

  it('forgets a released key', () => {
    const store = createMemoryDedupeStore()
    store.claim('a', 1000)
    store.release('a')
    expect(store.claim('a', 1000)).to.equal(true)
  })

  it('keeps at most maxEntries keys, forgetting the oldest first', () => {
    const store = createMemoryDedupeStore({ maxEntries: 2 })
    for (const key of ['a', 'b', 'c']) store.claim(key, 60_000)
    expect([store.claim('b', 60_000), store.claim('c', 60_000), store.claim('a', 60_000)]).to.deep.equal([false, false, true])
  })
})

describe('dedupe', () => {
  it('runs the handlers of a callback delivered twice once, and answers the repeat OK', async () => {
    const { runs, send } = setup(true)
    const answers = [await send(), await send()]
    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200])
    expect(answers[1]?.body.ActionStatus).to.equal('OK')
    expect(runs).to.have.length(1)
  })

  it('tells different bodies of one command apart', async () => {
    const { runs, send } = setup(true)
    const other = fixtureText(CREATED).replace('tandy-test-rest', 'another-room')
    await send()
    await send(CREATED, other)
    expect(runs).to.have.length(2)
  })

  it('runs a callback again after its time to live', async () => {
    const { runs, send } = setup({ ttl: 30 })
    await send()
    await sleep(40)
    await send()
    expect(runs).to.have.length(2)
  })

  it('lets a retry through when the handlers failed, so nothing is lost', async () => {
    let failing = true
    const { runs, send } = setup(true, () => {
      if (failing) throw new Error('database down')
    })
    expect((await send()).status).to.equal(500)
    failing = false
    expect((await send()).status).to.equal(200)
    expect(await send()).to.have.property('status', 200)
    expect(runs).to.have.length(2)
  })

  it('never deduplicates before-callbacks', async () => {
    const { runs, send } = setup(true)
    await send('Live.CallbackBeforeSendGift')
    await send('Live.CallbackBeforeSendGift')
    expect(runs).to.have.length(2)
  })

  it('is off unless asked for', async () => {
    const { runs, send } = setup(undefined)
    await send()
    await send()
    expect(runs).to.have.length(2)
  })

  it('handles the callback when the store fails, and tells onError', async () => {
    const broken: DedupeStore = {
      claim: () => Promise.reject(new Error('connection refused')),
      release: () => {},
    }
    const { runs, errors, send } = setup({ store: broken })
    expect((await send()).status).to.equal(200)
    expect(runs).to.have.length(1)
    expect(errors.map((error) => error.reason)).to.deep.equal(['DEDUPE_FAILED'])
  })

  it('handles the callback when the store throws synchronously', async () => {
    const broken: DedupeStore = {
      claim: () => {
        throw new Error('bad store')
      },
      release: () => {},
    }
    const { runs, errors, send } = setup({ store: broken })
    expect((await send()).status).to.equal(200)
    expect([runs.length, errors[0]?.reason]).to.deep.equal([1, 'DEDUPE_FAILED'])
  })

  it('handles the callback when the store is slower than its timeout', async () => {
    const slow: DedupeStore = { claim: () => new Promise(() => {}), release: () => {} }
    const { runs, errors, send } = setup({ store: slow, timeout: 20 })
    const started = Date.now()
    expect((await send()).status).to.equal(200)
    expect(Date.now() - started).to.be.below(500)
    expect([runs.length, errors[0]?.reason]).to.deep.equal([1, 'DEDUPE_FAILED'])
  })

  it('keys a pre-parsed body by its content too', async () => {
    const { runs, send } = setup(true)
    await send(CREATED, JSON.parse(fixtureText(CREATED)))
    await send(CREATED, JSON.parse(fixtureText(CREATED)))
    expect(runs).to.have.length(1)
  })

  it('refuses a store without claim() and release()', () => {
    expect(() => createRoomWebhooks({ sdkAppId: 1, dedupe: { store: {} as DedupeStore } })).to.throw(TypeError, /claim/)
  })
})
