import { connect } from 'node:net'
import { expect } from 'chai'
import { createMemoryDedupeStore, createRoomWebhooks, type StoredCallback } from '@roomhooks/core'
import { runStoredCallback } from '@roomhooks/core/delivery'
import { fixtureText } from '@roomhooks/core/testing'
import { createInspector } from '@roomhooks/inspector'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'
import { CALLBACK_PATH, eventually, openEvents, quiet, rawGet, serve, sleep, type Served } from './support.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const LIVE_DESTROYED = 'Live.CallbackAfterDestroyRoom'

/** A room.created handler that fails its first attempt only, and the entry of a callback it failed. */
async function failOnce(served: Served): Promise<{ attempts: number[]; failed: { id: string } }> {
  const attempts: number[] = []
  served.hooks.on('room.created', (event) => {
    attempts.push(event.attempt)
    if (event.attempt === 1) throw new Error('not yet')
  })
  await served.send(CREATED)
  const [failed] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
  return { attempts, failed }
}

describe('createInspector()', () => {
  let served: Served | undefined
  afterEach(async () => {
    await served?.close()
    served = undefined
  })

  describe('the page and its API', () => {
    it('serves the page at its path, with or without a trailing slash, never cached, running only its own script', async () => {
      served = await serve()
      for (const path of ['/roomhooks', '/roomhooks/']) {
        const page = await served.get(path)
        expect(page.status).to.equal(200)
        expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8')
        expect(page.headers.get('cache-control')).to.equal('no-store')
        expect(page.headers.get('content-security-policy')).to.match(/script-src 'sha256-[A-Za-z0-9+/=]+';/)
        expect(page.headers.get('referrer-policy')).to.equal('no-referrer')
        expect(page.text).to.include('data-testid="callback-list"').and.include('data-base="/roomhooks"')
        expect(page.text).to.not.match(/<script[^>]+src=|<link[^>]+href=/)
      }
    })

    it('lists every callback newest first, with its outcome, HTTP status, ErrorCode and reason', async () => {
      served = await serve()
      served.hooks.on('member.enter', () => {
        throw new Error('database unavailable')
      })
      expect(await served.send(CREATED)).to.equal(200)
      expect(await served.send('member.enter')).to.equal(500)
      const refused = await fetch(`${served.url}${CALLBACK_PATH}?SdkAppid=1400000001&CallbackCommand=${CREATED}`, {
        method: 'POST',
        body: fixtureText(CREATED),
      })
      expect(refused.status).to.equal(403)
      const { status, headers, body } = await served.get('/roomhooks/api/callbacks')
      expect(status).to.equal(200)
      expect(headers.get('cache-control')).to.equal('no-store')
      const list = body.callbacks.map((entry: any) => ({
        command: entry.command,
        event: entry.event,
        outcome: entry.outcome,
        status: entry.status,
        errorCode: entry.errorCode,
        reason: entry.reason,
      }))
      expect(list).to.deep.equal([
        {
          command: CREATED,
          event: null,
          outcome: 'refused',
          status: 403,
          errorCode: 40302,
          reason: 'UNKNOWN_SDKAPPID',
        },
        {
          command: 'Room.CallbackAfterMemberEnter',
          event: 'member.enter',
          outcome: 'failed',
          status: 500,
          errorCode: 50001,
          reason: 'HANDLER_FAILED',
        },
        { command: CREATED, event: 'room.created', outcome: 'ok', status: 200, errorCode: 0, reason: null },
      ])
      expect(body.callbacks[0].errorInfo).to.match(/SdkAppid/)
      for (const entry of body.callbacks) {
        expect(entry.durationMs).to.be.a('number').and.be.at.least(0)
        expect(Date.parse(entry.receivedAt)).to.be.closeTo(Date.now(), 10_000)
        expect(entry).to.include({ source: 'receiver', attempt: 1, replayOf: null, decision: null })
      }
      expect(body.callbacks[2].roomId).to.equal('tandy-test-rest')
    })

    it('opens a callback with its payload exactly as sent, 18-digit IDs included, and the answer', async () => {
      served = await serve()
      const text = fixtureText(LIVE_DESTROYED)
      expect(text).to.include('"Owner_Account": 144115216631667826')
      await served.send(LIVE_DESTROYED, { body: text })
      const [summary] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      const { status, body } = await served.get(`/roomhooks/api/callbacks/${summary.id}`)
      expect(status).to.equal(200)
      expect(body.payload).to.equal(text)
      expect(body).to.include({
        answer: '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}',
        rawBody: null,
        truncated: false,
        replayable: true,
        notReplayable: null,
      })
      expect(body.query).to.match(/^SdkAppid=1400000000&CallbackCommand=Live\.CallbackAfterDestroyRoom/)
    })

    it("shows a failed handler's errors with their stacks", async () => {
      served = await serve()
      served.hooks.on('room.created', () => {
        throw new TypeError('cannot read RoomInfo of undefined')
      })
      served.hooks.on('room.created', () => Promise.reject(new RangeError('second handler')))
      await served.send(CREATED)
      const [summary] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      const { body } = await served.get(`/roomhooks/api/callbacks/${summary.id}`)
      expect(body.errors).to.have.length(2)
      expect(body.errors[0]).to.include({
        reason: 'HANDLER_FAILED',
        message: 'TypeError: cannot read RoomInfo of undefined',
      })
      expect(body.errors[0].stack).to.include('inspector.test.ts')
      expect(body.errors[1].message).to.equal('RangeError: second handler')
      expect(JSON.parse(body.answer)).to.include({ ActionStatus: 'FAIL', ErrorCode: 50001 })
    })

    it('shows a refused body as it arrived, and why it was refused', async () => {
      served = await serve()
      const broken = '{"CallbackCommand":"Room.CallbackAfterCreateRoom","RoomInfo":{"RoomId":'
      expect(await served.send(CREATED, { body: broken })).to.equal(400)
      const invalid = JSON.stringify({ CallbackCommand: CREATED, RoomInfo: 'none' })
      expect(await served.send(CREATED, { body: invalid })).to.equal(400)
      const [schema, json] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      expect(json).to.include({ outcome: 'refused', reason: 'INVALID_JSON', replayable: false })
      expect(schema).to.include({ outcome: 'refused', reason: 'INVALID_PAYLOAD', command: CREATED })
      const jsonDetail = (await served.get(`/roomhooks/api/callbacks/${json.id}`)).body
      expect(jsonDetail).to.include({ rawBody: broken, payload: null })
      expect(jsonDetail.notReplayable).to.match(/It was refused: only a callback that was verified and read/)
      expect(jsonDetail.errors[0]).to.include({ reason: 'INVALID_JSON', stack: null })
      const schemaDetail = (await served.get(`/roomhooks/api/callbacks/${schema.id}`)).body
      expect(schemaDetail.rawBody).to.equal(invalid)
      expect(schemaDetail.errorInfo).to.match(/RoomInfo/)
    })

    it('shows a rejected gift as rejected, with its ErrorInfo, and an allowed one as allowed', async () => {
      served = await serve()
      served.hooks.on('gift.beforeSend', (event) =>
        event.payload.GiftWater.Coins > 100 ? event.reject('Gift too large') : event.allow(),
      )
      await served.send('gift.beforeSend', { overrides: { GiftWater: { Coins: 5 } } })
      await served.send('gift.beforeSend', { overrides: { GiftWater: { Coins: 5000 } } })
      const [rejected, allowed] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      expect(rejected).to.deep.include({
        outcome: 'ok',
        status: 200,
        errorCode: 1,
        decision: { name: 'rejected', allowed: false, errorCode: 1, errorInfo: 'Gift too large' },
        replayable: false,
      })
      expect(allowed.decision).to.deep.equal({ name: 'allowed', allowed: true, errorCode: 0, errorInfo: '' })
    })

    it("records a duplicate, a queued callback and a worker's run, with its source and attempt", async () => {
      served = await serve({}, { dedupe: { store: createMemoryDedupeStore() } })
      served.hooks.on('room.created', () => {})
      await served.send(CREATED)
      await served.send(CREATED)
      const stored: StoredCallback[] = []
      const queueing = await serve(
        {},
        { delivery: { enqueue: (callback) => Promise.resolve(void stored.push(callback)) } },
      )
      try {
        expect(await queueing.send(CREATED)).to.equal(200)
        expect((await queueing.get('/roomhooks/api/callbacks')).body.callbacks[0]).to.include({ outcome: 'queued' })
        // The worker's side: the receiver in this process runs the stored callback, as a worker does.
        await runStoredCallback(queueing.hooks, stored[0], { attempt: 3, timeout: 1000 })
        const [run] = (await queueing.get('/roomhooks/api/callbacks')).body.callbacks
        expect(run).to.include({ source: 'worker', attempt: 3, outcome: 'ok', status: null, errorCode: null })
        expect(run.replayable).to.equal(true)
      } finally {
        await queueing.close()
      }
      const outcomes = (await served.get('/roomhooks/api/callbacks')).body.callbacks.map((entry: any) => entry.outcome)
      expect(outcomes).to.deep.equal(['duplicate', 'ok'])
    })

    it('answers 404 JSON for an unknown callback and for paths it does not serve, echoing none of them', async () => {
      served = await serve()
      await served.send(CREATED)
      const hostile = [
        '/roomhooks/api/callbacks/999999',
        '/roomhooks/api/callbacks/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
        '/roomhooks/api/callbacks/%E0%A4%A',
        '/roomhooks/api/callbacks/..%2F..%2Fetc%2Fpasswd',
        '/roomhooks/api/callbacks/__proto__',
        '/roomhooks/api/callbacks/constructor',
        '/roomhooks/api/callbacks/1/2',
        '/roomhooks/api/nothing',
        '/roomhooks/assets/../../../etc/passwd',
        '/roomhooks//api/callbacks',
      ]
      for (const path of hostile) {
        const answer = await rawGet(served.url, path)
        expect(answer.status, path).to.equal(404)
        expect(answer.headers['content-type'], path).to.equal('application/json; charset=utf-8')
        expect(JSON.parse(answer.body).error, path).to.be.a('string')
        expect(answer.body, path).to.not.include('script').and.not.include('passwd').and.not.include('proto')
      }
    })

    it('answers 405 to a method a route does not take', async () => {
      served = await serve()
      const wrong = await served.post('/roomhooks/api/callbacks')
      expect(wrong.status).to.equal(405)
      expect(wrong.body.error).to.match(/GET/)
      const getReplay = await served.get('/roomhooks/api/callbacks/1/replay')
      expect(getReplay.status).to.equal(405)
    })

    it('passes every request outside its path on: to next(), or 404 without one', async () => {
      served = await serve()
      expect(await served.send(CREATED)).to.equal(200)
      expect((await served.get('/roomhooksy')).status).to.equal(404) // the receiver's own 404 behind it
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const inspector = createInspector(hooks, { enabled: true })
      const { createServer } = await import('node:http')
      const { listen } = await import('../../../test/support/http.js')
      const alone = await listen(createServer((req, res) => inspector.handler(req, res)))
      try {
        const other = await fetch(`${alone.url}/elsewhere`)
        expect(other.status).to.equal(404)
        expect(await other.json()).to.deep.equal({ error: 'Not found' })
        expect((await fetch(`${alone.url}/roomhooks`)).status).to.equal(200)
      } finally {
        inspector.close()
        await alone.close()
      }
    })

    it('stops observing the receiver when closed', () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const added: unknown[] = []
      const removed: unknown[] = []
      const observe = hooks.observe.bind(hooks)
      const removeObserver = hooks.removeObserver.bind(hooks)
      hooks.observe = (observer) => (added.push(observer), observe(observer))
      hooks.removeObserver = (observer) => (removed.push(observer), removeObserver(observer))
      const inspector = createInspector(hooks, { enabled: true })
      expect([added.length, removed.length]).to.deep.equal([1, 0])
      inspector.close()
      expect(removed).to.deep.equal(added)
    })

    it('serves a path of your choosing, and refuses one that is not a plain URL path', async () => {
      served = await serve({ path: '/_debug/callbacks/' })
      expect((await served.get('/_debug/callbacks')).text).to.include('data-base="/_debug/callbacks"')
      expect((await served.get('/roomhooks')).status).to.equal(404)
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      for (const path of ['/', 'roomhooks', '/a b', '/x?y', '/"><script>']) {
        expect(() => createInspector(hooks, { enabled: true, path }), path).to.throw(
          TypeError,
          /\[@roomhooks\/inspector\] path/,
        )
      }
      expect(() => createInspector(hooks, { enabled: true, limit: 0 })).to.throw(TypeError, /limit/)
      expect(() => createInspector(hooks, { enabled: true, token: '' })).to.throw(TypeError, /token/)
    })
  })

  describe('off unless wanted', () => {
    const nodeEnv = process.env['NODE_ENV']
    afterEach(() => {
      if (nodeEnv === undefined) delete process.env['NODE_ENV']
      else process.env['NODE_ENV'] = nodeEnv
    })

    it('is off under NODE_ENV=production: passes every request on and records nothing', async () => {
      process.env['NODE_ENV'] = 'production'
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const seen: string[] = []
      hooks.observe({ observe: () => ({ answered: () => void seen.push('answered') }) })
      const inspector = createInspector(hooks)
      let passed = 0
      const next = () => void passed++
      inspector.handler({ url: '/roomhooks', headers: {} } as never, {} as never, next)
      inspector.handler({ url: '/roomhooks/api/callbacks', headers: {} } as never, {} as never, next)
      expect(passed).to.equal(2)
      expect((await inspector.fetch(new Request('http://localhost/roomhooks'))).status).to.equal(404)
      // Not an observer: the receiver's one observer is the test's.
      served = await serve({ enabled: undefined })
      expect((await served.get('/roomhooks')).status).to.equal(404)
      expect(await served.send(CREATED)).to.equal(200)
      expect((await served.get('/roomhooks/api/callbacks')).status).to.equal(404)
    })

    it('is on under any other NODE_ENV, read once when it is created', async () => {
      process.env['NODE_ENV'] = 'development'
      served = await serve({ enabled: undefined })
      process.env['NODE_ENV'] = 'production'
      expect((await served.get('/roomhooks')).status).to.equal(200)
    })

    it('is on in production when enabled is true', async () => {
      process.env['NODE_ENV'] = 'production'
      served = await serve({ enabled: true })
      expect((await served.get('/roomhooks')).status).to.equal(200)
    })
  })

  describe('bounded memory', () => {
    it('keeps the last `limit` callbacks only; an older one is 404', async () => {
      served = await serve({ limit: 3 })
      for (let i = 0; i < 5; i++) await served.send(CREATED, { overrides: { RoomInfo: { RoomId: `room-${i}` } } })
      const { callbacks } = (await served.get('/roomhooks/api/callbacks')).body
      expect(callbacks.map((entry: any) => entry.roomId)).to.deep.equal(['room-4', 'room-3', 'room-2'])
      expect((await served.get('/roomhooks/api/callbacks/1')).status).to.equal(404)
    })

    it('keeps at most maxPayloadBytes of a payload, marked truncated and not replayable', async () => {
      served = await serve({ maxPayloadBytes: 1024 })
      const name = '名'.repeat(2000) // 6,000 bytes of UTF-8
      await served.send(CREATED, { overrides: { RoomInfo: { RoomName: name } } })
      const [summary] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      expect(summary.replayable).to.equal(false)
      const { body } = await served.get(`/roomhooks/api/callbacks/${summary.id}`)
      expect(body.truncated).to.equal(true)
      expect(Buffer.byteLength(body.payload)).to.be.at.most(1024).and.at.least(1021)
      expect(body.payload).to.not.include('\uFFFD')
      expect(body.notReplayable).to.match(/maxPayloadBytes/)
    })

    it("keeps at most maxPayloadBytes of an answer: a replaced message's MsgBody is cut and marked", async () => {
      served = await serve({ maxPayloadBytes: 1024 })
      // A filter that sends the message on as it came, cleaned: its answer is as large as what was sent.
      served.hooks.on('message.beforeSend', (event) => event.allow({ MsgBody: event.payload.MsgBody }))
      const text = 'x'.repeat(100_000)
      const status = await served.send('Group.CallbackBeforeSendMsg', {
        overrides: { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] },
      })
      expect(status).to.equal(200)
      const [summary] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      expect(summary.decision).to.include({ name: 'replaced', allowed: true })
      const { body } = await served.get(`/roomhooks/api/callbacks/${summary.id}`)
      expect(body.truncated).to.equal(true)
      expect(body.answer.startsWith('{"ActionStatus":"OK","ErrorCode":0,')).to.equal(true)
      expect(Buffer.byteLength(body.answer)).to.be.at.most(1024)
    })

    it('keeps at most 20 errors of one callback, each stack cut at maxPayloadBytes', async () => {
      served = await serve({ maxPayloadBytes: 512 })
      for (let i = 0; i < 25; i++) {
        served.hooks.on('room.created', () => {
          const error = new Error(`handler ${i}`)
          error.stack = `Error: handler ${i}\n${'    at deep (file.js:1:1)\n'.repeat(200)}`
          throw error
        })
      }
      await served.send(CREATED)
      const [summary] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      const { body } = await served.get(`/roomhooks/api/callbacks/${summary.id}`)
      expect(body.errors).to.have.length(20)
      expect(body.truncated).to.equal(true)
      for (const error of body.errors) expect(Buffer.byteLength(error.stack)).to.be.at.most(512)
    })

    it('holds no more than limit × maxPayloadBytes of payload however much arrives', async () => {
      served = await serve({ limit: 10, maxPayloadBytes: 2048 })
      const big = 'x'.repeat(200_000)
      for (let i = 0; i < 30; i++) await served.send(CREATED, { overrides: { RoomInfo: { RoomName: `${i}${big}` } } })
      const { callbacks } = (await served.get('/roomhooks/api/callbacks')).body
      expect(callbacks).to.have.length(10)
      let kept = 0
      for (const { id } of callbacks)
        kept += Buffer.byteLength((await served.get(`/roomhooks/api/callbacks/${id}`)).body.payload)
      expect(kept).to.be.at.most(10 * 2048)
    })
  })

  describe('live', () => {
    it('streams a callback sent after the stream opened', async () => {
      served = await serve()
      const stream = await openEvents(`${served.url}/roomhooks/api/events`)
      expect(stream.response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8')
      expect(stream.response.headers.get('cache-control')).to.equal('no-store, no-transform')
      await served.send(CREATED)
      const summary = await stream.next('callback')
      expect(summary).to.include({ command: CREATED, outcome: 'ok', status: 200 })
      stream.close()
    })

    it('sends a ": ping" comment line every 15 s, so proxies and browsers keep an idle stream open', async function () {
      this.timeout(25_000)
      served = await serve()
      const stream = await openEvents(`${served.url}/roomhooks/api/events`)
      const opened = Date.now()
      expect(await eventually(() => stream.comments.includes(': ping'), 20_000)).to.equal(true)
      expect(Date.now() - opened).to.be.within(14_000, 17_000)
      expect(stream.comments[0]).to.equal(': connected')
      stream.close()
    })

    it('sends an entry again, same id, when a late handler fails after the answer', async () => {
      served = await serve({}, { handlerTimeout: 50 })
      served.hooks.on('room.created', async () => {
        await sleep(150)
        throw new Error('failed after the answer')
      })
      const stream = await openEvents(`${served.url}/roomhooks/api/events`)
      await served.send(CREATED)
      const first = await stream.next('callback')
      expect(first.outcome).to.equal('late')
      await stream.next('callback', (data) => data.id === first.id && stream.events.length >= 2)
      const { body } = await served.get(`/roomhooks/api/callbacks/${first.id}`)
      expect(body.errors[0]).to.include({ message: 'Error: failed after the answer' })
      expect((await served.get('/roomhooks/api/callbacks')).body.callbacks).to.have.length(1)
      stream.close()
    })

    it('forgets a stream whose client went away, and keeps streaming to the others', async () => {
      served = await serve()
      const { inspector } = served
      const leaving = await openEvents(`${served.url}/roomhooks/api/events`)
      const staying = await openEvents(`${served.url}/roomhooks/api/events`)
      expect(inspector.connections).to.equal(2)
      leaving.close()
      expect(await eventually(() => inspector.connections === 1)).to.equal(true)
      await served.send(CREATED)
      expect(await staying.next('callback')).to.include({ command: CREATED })
      staying.close()
      expect(await eventually(() => inspector.connections === 0)).to.equal(true)
    })

    it('drops a client that stops reading once a backlog piles up, and keeps serving the others', async function () {
      this.timeout(60_000)
      served = await serve({ limit: 10 })
      const { inspector, hooks } = served
      // A client that sends its request and never reads a byte of the answer.
      const { port } = new URL(served.url)
      const stuck = connect(Number(port), '127.0.0.1')
      stuck.pause()
      stuck.write('GET /roomhooks/api/events HTTP/1.1\r\nHost: localhost\r\n\r\n')
      const reading = await openEvents(`${served.url}/roomhooks/api/events`)
      expect(await eventually(() => inspector.connections === 2)).to.equal(true)
      const body = fixtureText(CREATED)
      const query = `SdkAppid=${SDK_APP_ID}&CallbackCommand=${CREATED}`
      for (let i = 0; i < 40_000 && inspector.connections > 1; i++) {
        await hooks.receive({ query, body })
        if (i % 500 === 0) await sleep(1) // lets the socket fill the kernel's buffers
      }
      expect(inspector.connections).to.equal(1)
      await hooks.receive({ query, body })
      expect(await reading.next('callback', (data) => Number(data.id) > 100)).to.have.property('id')
      reading.close()
      stuck.destroy()
    })

    it('close() ends every open stream, and stops recording', async () => {
      served = await serve()
      const streams = [
        await openEvents(`${served.url}/roomhooks/api/events`),
        await openEvents(`${served.url}/roomhooks/api/events`),
      ]
      await served.send(CREATED)
      served.inspector.close()
      expect(await Promise.all(streams.map((stream) => stream.ended))).to.deep.equal(['ended', 'ended'])
      await served.send(CREATED)
      expect((await served.get('/roomhooks/api/callbacks')).body.callbacks).to.have.length(1)
      const late = await openEvents(`${served.url}/roomhooks/api/events`)
      expect(await late.ended).to.equal('ended')
    })
  })

  describe('replay', () => {
    it('runs a failed callback’s handlers again as attempt 2, recorded as a new entry marked as a replay', async () => {
      served = await serve()
      const { attempts, failed } = await failOnce(served)
      expect(failed).to.include({ outcome: 'failed', replayable: true })
      const stream = await openEvents(`${served.url}/roomhooks/api/events`)
      const replayed = await served.post(`/roomhooks/api/callbacks/${failed.id}/replay`)
      expect(replayed.status).to.equal(200)
      expect(attempts).to.deep.equal([1, 2])
      expect(replayed.body.callback).to.include({
        source: 'replay',
        replayOf: failed.id,
        attempt: 2,
        outcome: 'ok',
        status: null,
        command: CREATED,
      })
      expect(replayed.body.callback.id).to.equal(String(Number(failed.id) + 1)) // the next entry: ids count entries
      expect(await stream.next('callback', (data) => data.id === replayed.body.callback.id)).to.include({
        source: 'replay',
      })
      const { callbacks } = (await served.get('/roomhooks/api/callbacks')).body
      expect(callbacks.map((entry: any) => entry.source)).to.deep.equal(['replay', 'receiver'])
      const detail = (await served.get(`/roomhooks/api/callbacks/${replayed.body.callback.id}`)).body
      expect(detail.payload).to.equal(fixtureText(CREATED))
      stream.close()
    })

    it('numbers each replay after the last attempt of the same callback, and records a failing one as failed', async () => {
      served = await serve()
      const attempts: number[] = []
      served.hooks.on('room.created', (event) => {
        attempts.push(event.attempt)
        throw new Error(`attempt ${event.attempt} failed`)
      })
      await served.send(CREATED)
      const [first] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      const second = (await served.post(`/roomhooks/api/callbacks/${first.id}/replay`)).body.callback
      const third = (await served.post(`/roomhooks/api/callbacks/${second.id}/replay`)).body.callback
      expect(attempts).to.deep.equal([1, 2, 3])
      expect(second).to.include({ attempt: 2, outcome: 'failed', reason: 'HANDLER_FAILED', replayOf: first.id })
      expect(third).to.include({ attempt: 3, replayOf: second.id })
      const detail = (await served.get(`/roomhooks/api/callbacks/${third.id}`)).body
      expect(detail.errors[0].message).to.equal('Error: attempt 3 failed')
      expect(detail.errors[0].stack).to.include('inspector.test.ts')
    })

    it('refuses to replay what cannot run again: a refused callback, a before-callback, an unknown id', async () => {
      served = await serve()
      await served.send(CREATED, { body: 'not json' })
      await served.send('gift.beforeSend')
      const [gift, refused] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      const refusedReplay = await served.post(`/roomhooks/api/callbacks/${refused.id}/replay`)
      expect(refusedReplay.status).to.equal(409)
      expect(refusedReplay.body.error).to.match(
        /^\[@roomhooks\/inspector\] It was refused: only a callback that was verified/,
      )
      const giftReplay = await served.post(`/roomhooks/api/callbacks/${gift.id}/replay`)
      expect(giftReplay.status).to.equal(409)
      expect(giftReplay.body.error).to.match(/before-callback/)
      expect((await served.post('/roomhooks/api/callbacks/424242/replay')).status).to.equal(404)
      expect((await served.get('/roomhooks/api/callbacks')).body.callbacks).to.have.length(2)
    })

    it('refuses a replay once closed, without running the handlers it could no longer report', async () => {
      served = await serve()
      const { attempts, failed } = await failOnce(served)
      served.inspector.close()
      const replayed = await served.post(`/roomhooks/api/callbacks/${failed.id}/replay`)
      expect(replayed.status).to.equal(503)
      expect(replayed.body.error).to.match(/closed/)
      expect(attempts).to.deep.equal([1])
    })

    it("refuses a replay posted by another site's page through the developer's browser", async () => {
      served = await serve()
      served.hooks.on('room.created', () => {})
      await served.send(CREATED)
      const [entry] = (await served.get('/roomhooks/api/callbacks')).body.callbacks
      const fromElsewhere = await served.post(`/roomhooks/api/callbacks/${entry.id}/replay`, {
        origin: 'https://attacker.example',
      })
      expect(fromElsewhere.status).to.equal(403)
      const crossSite = await served.post(`/roomhooks/api/callbacks/${entry.id}/replay`, {
        'sec-fetch-site': 'cross-site',
      })
      expect(crossSite.status).to.equal(403)
      const fromThePage = await served.post(`/roomhooks/api/callbacks/${entry.id}/replay`, {
        origin: served.url,
        'sec-fetch-site': 'same-origin',
      })
      expect(fromThePage.status).to.equal(200)
    })
  })

  describe('inspector.fetch()', () => {
    const loopback = { remoteAddress: '127.0.0.1' }

    it('answers Request objects: the page, the API, 404 outside its path, HEAD without a body', async () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const inspector = createInspector(hooks, { enabled: true })
      const page = await inspector.fetch(new Request('http://localhost/roomhooks'), loopback)
      expect(page.status).to.equal(200)
      expect(page.headers.get('content-security-policy')).to.include("default-src 'none'")
      expect(await page.text()).to.include('data-testid="detail"')
      const head = await inspector.fetch(new Request('http://localhost/roomhooks/', { method: 'HEAD' }), loopback)
      expect([head.status, await head.text()]).to.deep.equal([200, ''])
      await hooks.receive({ query: `SdkAppid=${SDK_APP_ID}&CallbackCommand=${CREATED}`, body: fixtureText(CREATED) })
      const list = await inspector.fetch(new Request('http://localhost/roomhooks/api/callbacks'), loopback)
      expect(((await list.json()) as { callbacks: object[] }).callbacks[0]).to.include({
        command: CREATED,
        outcome: 'ok',
      })
      const elsewhere = await inspector.fetch(new Request('http://localhost/other'), loopback)
      expect([elsewhere.status, await elsewhere.json()]).to.deep.equal([404, { error: 'Not found' }])
      inspector.close()
    })

    it('streams to a Request, forgets it once the request is aborted, and ends it on close()', async () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const inspector = createInspector(hooks, { enabled: true })
      const abort = new AbortController()
      const aborted = await inspector.fetch(
        new Request('http://localhost/roomhooks/api/events', { signal: abort.signal }),
        loopback,
      )
      expect(aborted.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8')
      const staying = await inspector.fetch(new Request('http://localhost/roomhooks/api/events'), loopback)
      expect(inspector.connections).to.equal(2)
      abort.abort()
      expect(inspector.connections).to.equal(1)
      await hooks.receive({ query: `SdkAppid=${SDK_APP_ID}&CallbackCommand=${CREATED}`, body: fixtureText(CREATED) })
      inspector.close()
      const text = await staying.text() // ends, since close() ended it
      expect(text).to.match(/^: connected\n\nevent: callback\ndata: \{"id":"1"/)
      expect(inspector.connections).to.equal(0)
    })
  })
})
