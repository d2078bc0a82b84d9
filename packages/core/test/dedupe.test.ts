import { createHash } from 'node:crypto'
import { expect } from 'chai'
import {
  createMemoryDedupeStore,
  createRoomWebhooks,
  type DedupeStore,
  type RoomhooksError,
  type RoomWebhooks,
  type RoomWebhooksOptions,
} from '@roomhooks/core'
import { createTestCallback, fixtureText, simulate } from '@roomhooks/core/testing'
import { callbackQuery, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { runWithoutNodeCrypto } from '../../../test/support/without-node-crypto.js'

// Callbacks are the commands' samples, sent with simulate(); a body already parsed (as a body parser would hand
// it over) goes to receive() with the query of createTestCallback().
const CREATED = 'room.created'
const CREATED_TEXT = fixtureText('Room.CallbackAfterCreateRoom')
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
  return { hooks, runs, errors }
}

/** Receives a room.created body already parsed into an object, as a body parser hands it over. */
function receiveParsed(hooks: RoomWebhooks, body: object) {
  return hooks.receive({ query: createTestCallback(CREATED, { sdkAppId: SDK_APP_ID }).query, body })
}

describe('createMemoryDedupeStore()', () => {
  it('claims a key once, and reports it running while the lease lasts', async () => {
    const store = createMemoryDedupeStore()
    expect([store.claim('a', 50, 'one'), store.claim('a', 50, 'two'), store.claim('b', 50, 'one')]).to.deep.equal([
      'claimed',
      'running',
      'claimed',
    ])
    await sleep(60)
    expect(store.claim('a', 50, 'three')).to.equal('claimed')
  })

  it('reports a completed key done for its time to live', async () => {
    const store = createMemoryDedupeStore()
    store.claim('a', 1000, 'one')
    store.complete('a', 50, 'one')
    expect(store.claim('a', 1000, 'two')).to.equal('done')
    await sleep(60)
    expect(store.claim('a', 1000, 'two')).to.equal('claimed')
  })

  it('forgets a released key', () => {
    const store = createMemoryDedupeStore()
    store.claim('a', 1000, 'one')
    store.release('a', 'one')
    expect(store.claim('a', 1000, 'two')).to.equal('claimed')
  })

  it("never completes or releases another delivery's claim, made after this one's lease lapsed", async () => {
    const store = createMemoryDedupeStore()
    store.claim('a', 20, 'first')
    await sleep(30)
    expect(store.claim('a', 1000, 'second')).to.equal('claimed')
    store.release('a', 'first')
    expect(store.claim('a', 1000, 'third')).to.equal('running')
    store.complete('a', 1000, 'first')
    expect(store.claim('a', 1000, 'third')).to.equal('running')
    store.complete('a', 1000, 'second')
    expect(store.claim('a', 1000, 'third')).to.equal('done')
  })

  it('keeps at most maxEntries keys, forgetting the oldest first', () => {
    const store = createMemoryDedupeStore({ maxEntries: 2 })
    for (const key of ['a', 'b', 'c']) store.claim(key, 60_000, key)
    expect([store.claim('b', 60_000, 'x'), store.claim('c', 60_000, 'x'), store.claim('a', 60_000, 'x')]).to.deep.equal(
      ['running', 'running', 'claimed'],
    )
  })
})

/** A memory store whose first claim is answered `ms` late, and whose release() or complete() can be made to fail. */
function slowStore(ms: number, faults: { release?: boolean; complete?: boolean } = {}) {
  const inner = createMemoryDedupeStore()
  const claims: string[] = []
  const store: DedupeStore = {
    claim: async (key, lease, owner) => {
      claims.push(key)
      if (claims.length === 1) await sleep(ms)
      return inner.claim(key, lease, owner)
    },
    complete: async (key, ttl, owner) => {
      if (faults.complete) throw new Error('READONLY')
      inner.complete(key, ttl, owner)
    },
    release: async (key, owner) => {
      if (faults.release) throw new Error('connection reset')
      inner.release(key, owner)
    },
  }
  return { store, claims }
}

describe('dedupe', () => {
  it('runs the handlers of a callback delivered twice once, and answers the repeat OK', async () => {
    const { hooks, runs } = setup(true)
    const answers = [await simulate(hooks, CREATED), await simulate(hooks, CREATED)]
    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200])
    expect(answers[1]?.body.ActionStatus).to.equal('OK')
    expect(runs).to.have.length(1)
  })

  it('tells different bodies of one command apart', async () => {
    const { hooks, runs } = setup(true)
    const other = CREATED_TEXT.replace('tandy-test-rest', 'another-room')
    await simulate(hooks, CREATED)
    await simulate(hooks, CREATED, undefined, { body: other })
    expect(runs).to.have.length(2)
  })

  it('runs a callback again after its time to live', async () => {
    const { hooks, runs } = setup({ ttl: 30 })
    await simulate(hooks, CREATED)
    await sleep(40)
    await simulate(hooks, CREATED)
    expect(runs).to.have.length(2)
  })

  it('lets a retry through when the handlers failed, so nothing is lost', async () => {
    let failing = true
    const { hooks, runs } = setup(true, () => {
      if (failing) throw new Error('database down')
    })
    expect((await simulate(hooks, CREATED)).status).to.equal(500)
    failing = false
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(await simulate(hooks, CREATED)).to.have.property('status', 200)
    expect(runs).to.have.length(2)
  })

  it('never deduplicates before-callbacks', async () => {
    const { hooks, runs } = setup(true)
    await simulate(hooks, 'gift.beforeSend')
    await simulate(hooks, 'gift.beforeSend')
    expect(runs).to.have.length(2)
  })

  it('claims nothing for a callback nobody listens to', async () => {
    const { store, claims } = slowStore(0)
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, dedupe: { store } }).on('room.destroyed', () => {})
    const answer = await simulate(hooks, CREATED)
    expect([answer.status, claims.length]).to.deep.equal([200, 0])
  })

  it('is off unless asked for', async () => {
    const { hooks, runs } = setup(undefined)
    await simulate(hooks, CREATED)
    await simulate(hooks, CREATED)
    expect(runs).to.have.length(2)
  })

  it('handles the callback when the store fails, and tells onError', async () => {
    const broken: DedupeStore = {
      claim: () => Promise.reject(new Error('connection refused')),
      complete: () => {},
      release: () => {},
    }
    const { hooks, runs, errors } = setup({ store: broken })
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(runs).to.have.length(1)
    expect(errors.map((error) => error.reason)).to.deep.equal(['DEDUPE_FAILED'])
  })

  it('handles the callback when the store throws synchronously', async () => {
    const broken: DedupeStore = {
      claim: () => {
        throw new Error('bad store')
      },
      complete: () => {},
      release: () => {},
    }
    const { hooks, runs, errors } = setup({ store: broken })
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect([runs.length, errors[0]?.reason]).to.deep.equal([1, 'DEDUPE_FAILED'])
  })

  it('handles the callback when the store is slower than its timeout', async () => {
    const slow: DedupeStore = { claim: () => new Promise(() => {}), complete: () => {}, release: () => {} }
    const { hooks, runs, errors } = setup({ store: slow, timeout: 20 })
    const started = Date.now()
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(Date.now() - started).to.be.below(500)
    expect([runs.length, errors[0]?.reason]).to.deep.equal([1, 'DEDUPE_FAILED'])
  })

  it('keys a pre-parsed body by its content too', async () => {
    const { hooks, runs } = setup(true)
    await receiveParsed(hooks, JSON.parse(CREATED_TEXT))
    await receiveParsed(hooks, JSON.parse(CREATED_TEXT))
    expect(runs).to.have.length(1)
  })

  it('never takes two pre-parsed bodies for copies when they differ only in IDs the parser rounded', async () => {
    const { hooks, runs } = setup(true)
    const [first, second] = ['144115212345678901', '144115212345678902']
    for (const id of [first, second]) {
      await receiveParsed(
        hooks,
        JSON.parse(CREATED_TEXT.replace('"Operator_Account": "admin"', `"Operator_Account": ${id}`)),
      )
    }
    expect(runs).to.have.length(2)
  })

  it('refuses a store without claim(), complete() and release()', () => {
    expect(() => createRoomWebhooks({ sdkAppId: 1, dedupe: { store: {} as DedupeStore } })).to.throw(TypeError, /claim/)
    const old = { claim: () => true, release: () => {} } as unknown as DedupeStore
    expect(() => createRoomWebhooks({ sdkAppId: 1, dedupe: { store: old } })).to.throw(TypeError, /complete/)
  })

  it('answers a duplicate 409 while the first delivery runs, never OK before it succeeded', async () => {
    let finish: () => void = () => {}
    const { hooks, runs } = setup(true, () => new Promise<void>((resolve) => (finish = resolve)))
    const first = simulate(hooks, CREATED)
    await sleep(5)
    const duplicate = await simulate(hooks, CREATED)
    expect([duplicate.status, duplicate.body.ErrorCode]).to.deep.equal([409, 40901])
    finish()
    expect((await first).status).to.equal(200)
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(runs).to.have.length(1)
  })

  it('lets the retry of a delivery that failed while a duplicate was refused run', async () => {
    let fail: (error: Error) => void = () => {}
    const { hooks, runs } = setup(true, () =>
      runs.length === 1 ? new Promise((_, reject) => (fail = reject)) : undefined,
    )
    const first = simulate(hooks, CREATED)
    await sleep(5)
    expect((await simulate(hooks, CREATED)).status).to.equal(409)
    fail(new Error('database down'))
    expect((await first).status).to.equal(500)
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(runs).to.have.length(2)
  })

  it('releases a claim that lands after the timeout when the handler failed, so the retry runs', async () => {
    const { store } = slowStore(40)
    let failing = true
    const { hooks, runs, errors } = setup({ store, timeout: 10 }, () => {
      if (failing) throw new Error('database down')
    })
    expect((await simulate(hooks, CREATED)).status).to.equal(500)
    expect(errors.map((error) => error.reason)).to.include('DEDUPE_FAILED')
    await sleep(60) // the claim lands in the store, and is released
    failing = false
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(runs).to.have.length(2)
  })

  it('completes a claim that lands after the timeout when the handler succeeded', async () => {
    const { store } = slowStore(40)
    const { hooks, runs } = setup({ store, timeout: 10 })
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    await sleep(60)
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(runs).to.have.length(1)
  })

  it('reports a release that fails, and still never answers the retry OK without running it', async () => {
    const { store } = slowStore(0, { release: true })
    const { hooks, runs, errors } = setup({ store }, () => {
      throw new Error('database down')
    })
    expect((await simulate(hooks, CREATED)).status).to.equal(500)
    await sleep(5)
    expect(errors.map((error) => [error.reason, error.info])).to.deep.include([
      'DEDUPE_FAILED',
      'The dedupe store could not forget a failed callback; retries are answered 409 until its claim lapses',
    ])
    expect((await simulate(hooks, CREATED)).status).to.equal(409)
    expect(runs).to.have.length(1)
  })

  it('reports a complete() that fails', async () => {
    const { store } = slowStore(0, { complete: true })
    const { hooks, errors } = setup({ store })
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    await sleep(5)
    expect(errors.map((error) => error.reason)).to.deep.equal(['DEDUPE_FAILED'])
  })

  it('completes the claim of handlers answered late once they succeed', async () => {
    const hooks = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      dedupe: true,
      handlerTimeout: 20,
      log: { warn: () => {} },
    })
    let runs = 0
    hooks.onAny(async () => {
      runs++
      await sleep(50)
    })
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect((await simulate(hooks, CREATED)).status).to.equal(409)
    await sleep(50)
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect(runs).to.equal(1)
  })

  it('fails open when the store answers something other than a claim result', async () => {
    const odd = { claim: () => true, complete: () => {}, release: () => {} } as unknown as DedupeStore
    const { hooks, runs, errors } = setup({ store: odd })
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect([runs.length, errors[0]?.reason]).to.deep.equal([1, 'DEDUPE_FAILED'])
  })

  it('fails open, and never rejects, when an async claim answers a value that cannot even be printed', async () => {
    const odd = {
      claim: async () => Object.create(null),
      complete: () => {},
      release: () => {},
    } as unknown as DedupeStore
    const { hooks, runs, errors } = setup({ store: odd })
    expect((await simulate(hooks, CREATED)).status).to.equal(200)
    expect([runs.length, errors[0]?.reason, errors[0]?.cause]).to.deep.include.members([1, 'DEDUPE_FAILED'])
    expect(String((errors[0]?.cause as Error).message)).to.contain("answered [object Object], not 'claimed'")
  })

  it('keys by the catalog command and never claims unknown commands, so a query cannot make long keys', async () => {
    const { store, claims } = slowStore(0)
    const runs: string[] = []
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, dedupe: { store } }).onAny(
      (event) => void runs.push(event.command),
    )
    const query = callbackQuery({ command: 'Room.CallbackUpdateRoomInfo' })
    await hooks.receive({ query, body: fixtureText('Room.CallbackAfterUpdateRoomInfo') })
    await hooks.receive({
      query: query.replace(/CallbackCommand=[\w.]+/, `CallbackCommand=Room.CallbackAfter${'X'.repeat(100)}`),
      body: '{"RoomId":"1"}',
    })
    expect(runs).to.have.length(2)
    expect(claims).to.have.length(1)
    expect(claims[0]).to.match(new RegExp(`^Room\\.CallbackAfterUpdateRoomInfo/${SDK_APP_ID}/[\\w-]{43}$`))
  })

  describe("keys a body by node:crypto's SHA-256 of it, as bytes or as text, whatever its length and characters", () => {
    const pieces = ['a', '0', ' ', 'é', '房', '😀', '\\n']
    const texts = Array.from({ length: 200 }, (_, i) => {
      let pad = ''
      while (pad.length < (i * 37) % 3000) pad += pieces[(i + pad.length) % pieces.length]
      return CREATED_TEXT.replace('{', `{"Pad":"${pad}",`)
    })
    const query = callbackQuery({ command: 'Room.CallbackAfterCreateRoom' })
    const expected = texts.map(
      (text) => `Room.CallbackAfterCreateRoom/${SDK_APP_ID}/${createHash('sha256').update(text).digest('base64url')}`,
    )

    it("with Node's crypto module", async () => {
      const { store, claims } = slowStore(0)
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, dedupe: { store } }).onAny(() => {})
      for (const [i, text] of texts.entries()) {
        const body = i % 2 === 0 ? new TextEncoder().encode(text) : text
        expect((await hooks.receive({ query, body })).status).to.equal(200)
      }
      expect(claims).to.deep.equal(expected)
    })

    it("without it, as on Cloudflare Workers (roomhooks' own SHA-256)", () => {
      const script = `
        const { createMemoryDedupeStore, createRoomWebhooks } = await import('@roomhooks/core')
        const memory = createMemoryDedupeStore()
        const claims = []
        const store = {
          claim: (key, lease, owner) => (claims.push(key), memory.claim(key, lease, owner)),
          complete: (key, ttl, owner) => memory.complete(key, ttl, owner),
          release: (key, owner) => memory.release(key, owner),
        }
        const hooks = createRoomWebhooks({ sdkAppId: input.sdkAppId, dedupe: { store } }).onAny(() => {})
        for (const [i, text] of input.texts.entries()) {
          const body = i % 2 === 0 ? new TextEncoder().encode(text) : text
          const { status } = await hooks.receive({ query: input.query, body })
          if (status !== 200) throw new Error('answered ' + status)
        }
        return claims
      `
      expect(runWithoutNodeCrypto(script, { sdkAppId: SDK_APP_ID, query, texts })).to.deep.equal(expected)
    })
  })

  it('handles a parsed body too deep to key as it would without dedupe', async () => {
    let deep: Record<string, unknown> = {}
    const body = { ...JSON.parse(CREATED_TEXT), Extra: deep }
    for (let i = 0; i < 10_000; i++) deep = deep['a'] = {}
    const { hooks, runs, errors } = setup(true)
    expect((await receiveParsed(hooks, body)).status).to.equal(200)
    expect([runs.length, errors[0]?.reason]).to.deep.equal([1, 'DEDUPE_FAILED'])
  })
})
