// Property-based fuzzing of the whole receiving path, over real sockets, for every transport: generated
// requests (mutated and broken bodies, hostile queries and headers) must each get a JSON envelope with the
// status of the answer table, and no handler may run for a request that fails a check.
import { createServer, type Server } from 'node:http'
import { expect } from 'chai'
import fc from 'fast-check'
import express from 'express'
import Koa from 'koa'
import { createNodeHandler, createRoomWebhooks, signCallback, type RoomWebhooks } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import { fixtureCommands, fixtureText, SDK_APP_ID, TOKEN } from './support/callbacks.js'
import { listen, type RunningServer } from './support/http.js'
import { fastifyTransports } from './support/transports.js'

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000)
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261121)
const BODY_LIMIT = 64 * 1024
const PATH = '/tencent/callback'

const apps: Record<string, (hooks: RoomWebhooks) => Server | Promise<Server>> = {
  Express: (hooks) => createServer(express().post(PATH, createExpressMiddleware(hooks))),
  Koa: (hooks) => createServer(new Koa().use(createKoaMiddleware(hooks, { path: PATH })).callback()),
  'node:http': (hooks) => createServer(createNodeHandler(hooks, { path: PATH })),
  ...Object.fromEntries(
    Object.entries(fastifyTransports).map(([name, mount]) => [
      name,
      (hooks: RoomWebhooks) => mount(hooks, { path: PATH }),
    ]),
  ),
}

interface FuzzRequest {
  readonly query: string
  readonly body: string | Uint8Array
  readonly headers: Record<string, string>
  /** The statuses the answer table allows for this request. */
  readonly expected: readonly number[]
  readonly label: string
}

const now = () => Math.floor(Date.now() / 1000)

/** A query string that passes the checks, or one that fails a named check, and the status that follows. */
const queryArbitrary = (command: string): fc.Arbitrary<{ query: string; status?: number; label: string }> => {
  const signed = (params: [string, string][], time = now(), token = TOKEN) => [
    ...params,
    ['RequestTime', String(time)] as [string, string],
    ['Sign', signCallback(token, time)] as [string, string],
  ]
  const encode = (params: [string, string][]) => new URLSearchParams(params).toString()
  const base: [string, string][] = [
    ['SdkAppid', String(SDK_APP_ID)],
    ['CallbackCommand', command],
    ['contenttype', 'json'],
  ]
  const junk = fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 24 })), { maxLength: 4 })
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(null).map(() => ({ query: encode(signed(base)), label: 'valid query' })) },
    {
      weight: 2,
      arbitrary: fc
        .record({ extras: junk, name: fc.constantFrom('SdkAppid', 'SdkAppId', 'SDKAppID', 'sdkappid') })
        .map(({ extras, name }) => ({
          query: `${encode(signed([[name, String(SDK_APP_ID)], ...base.slice(1), ...extras]))}&SdkAppid=1&__proto__=x&constructor[prototype][polluted]=1&%E0%A4%A=%`,
          label: 'valid query with noise and repeats',
        })),
    },
    fc
      .oneof(fc.integer(), fc.string({ maxLength: 20 }))
      .filter((id) => String(id).replace(/^0+/, '') !== String(SDK_APP_ID))
      .map((id) => ({
        query: encode(signed([['SdkAppid', String(id)], ...base.slice(1)])),
        status: 403,
        label: 'another SdkAppid',
      })),
    fc
      .constant(null)
      .map(() => ({ query: `SdkAppid=1&${encode(signed(base))}`, status: 403, label: 'a wrong SdkAppid first' })),
    fc.constant(null).map(() => ({ query: encode(signed(base.slice(1))), status: 403, label: 'no SdkAppid' })),
    fc.constant({ query: encode(base), status: 401, label: 'no Sign' }),
    fc.string({ maxLength: 70 }).map((sign) => ({
      query: encode([...base, ['RequestTime', String(now())], ['Sign', sign]]),
      status: 401,
      label: 'a forged Sign',
    })),
    // Well outside the 60 s window, so the time a run takes cannot bring it back in.
    fc.integer({ min: 120, max: 10_000_000 }).chain((skew) =>
      fc.constantFrom(-skew, skew).map((offset) => ({
        query: encode(signed(base, now() + offset)),
        status: 401,
        label: 'a stale RequestTime',
      })),
    ),
  )
}

/** Every path of keys in a JSON value. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return []
  return Object.keys(value).flatMap((key) => [
    [...prefix, key],
    ...pathsOf((value as Record<string, unknown>)[key], [...prefix, key]),
  ])
}

function mutate(text: string, pick: number, remove: boolean, replacement: unknown): string {
  const payload = JSON.parse(text)
  const paths = pathsOf(payload)
  const path = paths[pick % paths.length] as string[]
  const parent = path.slice(0, -1).reduce((node, key) => node[key], payload)
  const key = path.at(-1) as string
  if (remove) delete parent[key]
  else parent[key] = replacement
  return JSON.stringify(payload)
}

/** A body built from the command's fixture, and the statuses it may be answered with once the query passes. */
interface FuzzBody {
  readonly body: string | Uint8Array
  readonly statuses: readonly number[]
  readonly label: string
}

const bodyArbitrary = (command: string): fc.Arbitrary<FuzzBody> => {
  const valid = fixtureText(command)
  const withExtra = (extra: string) => valid.replace(/\}\s*$/, `, "Extra": ${extra}}`)
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ body: valid, statuses: [200], label: 'the fixture' }) },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.nat(), fc.boolean(), fc.jsonValue({ maxDepth: 3 })).map(([pick, remove, value]) => ({
        body: mutate(valid, pick, remove, value),
        statuses: [200, 400],
        label: 'a mutated fixture',
      })),
    },
    fc
      .nat({ max: valid.trimEnd().length - 1 })
      .map((cut) => ({ body: valid.slice(0, cut), statuses: [400], label: 'a truncated fixture' })),
    fc.string({ maxLength: 200 }).map((body) => ({ body, statuses: [400], label: 'a random string' })),
    fc.uint8Array({ maxLength: 200 }).map((body) => ({ body, statuses: [400], label: 'random bytes' })),
    fc.integer({ min: 1, max: 100_000 }).map((size) => ({
      body: withExtra(JSON.stringify('x'.repeat(size))),
      statuses: [200, 413],
      label: 'a huge string',
    })),
    fc.integer({ min: 1, max: 30_000 }).map((size) => ({
      body: withExtra(`[${'1,'.repeat(size)}1]`),
      statuses: [200, 413],
      label: 'a huge array',
    })),
    fc.integer({ min: 1, max: 40_000 }).map((depth) => ({
      body: withExtra(`${'['.repeat(depth)}${']'.repeat(depth)}`),
      statuses: [200, 413],
      label: 'deep nesting',
    })),
    fc.constant({ body: `\uFEFF${valid}`, statuses: [200], label: 'a byte order mark' }),
    fc.constant({ body: Buffer.from(valid, 'utf16le'), statuses: [400], label: 'UTF-16' }),
    fc.constantFrom('first', 'last').map((where) => ({
      body:
        where === 'first'
          ? valid.replace('{', '{"CallbackCommand":"Room.CallbackAfterOther",')
          : withExtra('0').replace('"Extra"', '"CallbackCommand": "Room.CallbackAfterOther", "Extra"'),
      statuses: where === 'first' ? [200] : [400],
      label: `a duplicate key, ${where}`,
    })),
    fc.constant({
      body: withExtra(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": {"polluted": true}}',
      ).replace('{', '{"__proto__": {"polluted": true}, '),
      statuses: [200],
      label: 'prototype keys',
    }),
  )
}

const headersArbitrary = fc.record({
  type: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'text/html; charset=latin1',
    undefined,
  ),
  extra: fc.array(
    fc.tuple(
      fc.stringMatching(/^x-[a-z]{1,12}$/),
      fc.string({ maxLength: 30 }).map((value) => value.replace(/[^\x20-\x7e]/g, '')),
    ),
    {
      maxLength: 3,
    },
  ),
  gzip: fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0),
})

const requestArbitrary: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...fixtureCommands)
  .chain((command) => fc.tuple(queryArbitrary(command), bodyArbitrary(command), headersArbitrary))
  .map(([query, body, { type, extra, gzip }]) => {
    const headers: Record<string, string> = Object.fromEntries(extra)
    if (type !== undefined) headers['content-type'] = type
    if (gzip) headers['content-encoding'] = 'gzip'
    // A declared size over the limit is refused before the encoding is looked at.
    const expected = query.status !== undefined ? [query.status] : gzip ? [413, 415] : body.statuses
    return {
      query: query.query,
      body: body.body,
      headers,
      expected,
      label: `${query.label}, ${body.label}${gzip ? ', gzip' : ''}`,
    }
  })

for (const [name, createApp] of Object.entries(apps)) {
  describe(`fuzzing over ${name}`, function () {
    this.timeout(300_000)
    let server: RunningServer
    let runs = 0
    const anomalies: string[] = []
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => void unhandled.push(reason)

    before(async () => {
      process.on('unhandledRejection', onUnhandled).on('uncaughtException', onUnhandled)
      const hooks = createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        token: TOKEN,
        bodyLimit: BODY_LIMIT,
        log: { warn: () => {}, error: () => {} },
      }).onAny((event) => {
        runs++
        if (Object.getPrototypeOf(event.payload) !== Object.prototype)
          anomalies.push(`payload prototype changed: ${event.command}`)
      })
      server = await listen(await createApp(hooks))
    })

    after(async () => {
      process.off('unhandledRejection', onUnhandled).off('uncaughtException', onUnhandled)
      await server.close()
    })

    it(`answers ${RUNS} generated requests with the statuses of the answer table, running handlers only for accepted ones`, async () => {
      const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort()
      const statuses = new Map<number, number>()
      const property = fc.asyncProperty(requestArbitrary, async (request) => {
        const before = runs
        const response = await fetch(`${server.url}${PATH}?${request.query}`, {
          method: 'POST',
          body: request.body,
          headers: request.headers,
        })
        const text = await response.text()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        const envelope = JSON.parse(text) as Record<string, unknown>
        expect(request.expected, `${request.label}: ${text.slice(0, 200)}`).to.include(response.status)
        expect(response.headers.get('content-type')).to.match(/^application\/json/)
        expect(Object.keys(envelope).sort()).to.deep.equal(['ActionStatus', 'ErrorCode', 'ErrorInfo'])
        expect(envelope['ActionStatus']).to.equal(response.status === 200 ? 'OK' : 'FAIL')
        expect(envelope['ErrorCode']).to.be.a('number')
        expect(envelope['ErrorInfo'])
          .to.be.a('string')
          .and.not.match(/\n\s+at /)
        expect(runs - before, request.label).to.equal(response.status === 200 ? 1 : 0)
      })
      const details = await fc.check(property, { numRuns: RUNS, seed: SEED, endOnFailure: true })
      if (details.failed) {
        // The counterexample can be megabytes of nesting: report its label and the assertion, not the body.
        const [request] = details.counterexample ?? []
        throw new Error(
          `Failed after ${details.numRuns} runs (seed ${SEED}) on ${request?.label}: ${String(details.errorInstance).slice(0, 600)}`,
        )
      }
      console.log(
        `      statuses: ${[...statuses]
          .sort()
          .map(([status, count]) => `${status}×${count}`)
          .join(', ')}`,
      )
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(prototypeKeys)
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined)
      expect(anomalies).to.deep.equal([])
      expect(unhandled).to.deep.equal([])
    })

    it('still answers a valid callback afterwards', async () => {
      const command = 'Room.CallbackAfterCreateRoom'
      const time = now()
      const query = `SdkAppid=${SDK_APP_ID}&CallbackCommand=${command}&RequestTime=${time}&Sign=${signCallback(TOKEN, time)}`
      const response = await fetch(`${server.url}${PATH}?${query}`, { method: 'POST', body: fixtureText(command) })
      expect(response.status).to.equal(200)
      expect(await response.json()).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    })
  })
}
