// The inspector's page in a real headless Chromium, against a real receiver and inspector on a real socket: what a
// developer sees. Also writes docs/images/inspector.png, the screenshot in docs/inspector.md.
import { mkdirSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { Browser, Page } from 'puppeteer-core'
import { createNodeHandler, createRoomWebhooks, signCallback, type RoomWebhooks } from '@roomhooks/core'
import { sendCallback } from '@roomhooks/cli'
import { createInspector, type Inspector, type InspectorOptions } from '@roomhooks/inspector'
import { fixtureText } from '@roomhooks/core/testing'
import { createPresence } from '@roomhooks/presence'
import { launchBrowser, recordResponses } from './support/browser.js'
import { listen, type RunningServer } from './support/http.js'

const SDK_APP_ID = 1400000000
/** The callback token: the platform signs with it. */
const CALLBACK_TOKEN = 'callback-token-never-shown'
/** The inspector's own token: the page and its API need it. */
const INSPECTOR_TOKEN = 'inspector-token-never-shown'
const BIG_ID = '144115233775727695'
const GIFT_REFUSAL = 'Gifts over 500 coins need approval'
const SCREENSHOT = fileURLToPath(new URL('../docs/images/inspector.png', import.meta.url))
const quiet = { warn: () => {}, error: () => {} }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A receiver with an inspector in front of it, listening on a loopback port. */
interface Site {
  readonly hooks: RoomWebhooks
  readonly inspector: Inspector
  readonly server: RunningServer
  /** Where callbacks go. */
  readonly callbackUrl: string
  /** The page, with the token when there is one. */
  readonly pageUrl: string
  close(): Promise<void>
}

async function startSite(hooks: RoomWebhooks, options: InspectorOptions = {}): Promise<Site> {
  const inspector = createInspector(hooks, options)
  const callbacks = createNodeHandler(hooks, { path: '/tencent/callback' })
  const server = await listen(
    createServer((req: IncomingMessage, res: ServerResponse) => inspector.handler(req, res, () => callbacks(req, res))),
  )
  const token = options.token === undefined ? '' : `?token=${options.token}`
  return {
    hooks,
    inspector,
    server,
    callbackUrl: `${server.url}/tencent/callback`,
    pageUrl: `${server.url}/roomhooks${token}`,
    close: async () => {
      inspector.close()
      await server.close()
    },
  }
}

/** One row of the list, as the page shows it. */
interface Row {
  readonly id: string
  readonly outcome: string
  readonly text: string
  readonly reason: string
  readonly decision: string
}

// What runs in the page is written as text: these tests are type-checked without the DOM's types, which would
// change what the other tests' fetch() answers are typed as.
const ROWS = '[...document.querySelectorAll(\'[data-testid="callback-row"]\')]'

function rowsOf(page: Page): Promise<Row[]> {
  const cell = (name: string) => `row.querySelector('[data-testid="${name}"]')?.textContent ?? ''`
  return page.evaluate(
    `${ROWS}.map((row) => ({ id: row.dataset.id, outcome: ${cell('outcome')}, text: row.innerText, reason: ${cell('reason')}, decision: ${cell('decision')} }))`,
  ) as Promise<Row[]>
}

/** Waits until the list shows a row whose text has every one of `parts`. */
async function waitForRow(page: Page, ...parts: string[]): Promise<Row> {
  await page.waitForFunction(
    `${ROWS}.some((row) => ${JSON.stringify(parts)}.every((part) => row.innerText.includes(part)))`,
    { timeout: 5000 },
  )
  const rows = await rowsOf(page)
  return rows.find((row) => parts.every((part) => row.text.includes(part)))!
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage()
  const response = await page.goto(url)
  expect(response?.status(), url).to.equal(200)
  await page.waitForSelector('[data-testid="live-status"][data-state="live"]', { timeout: 5000 })
  return page
}

describe('the inspector page, in headless Chromium', function () {
  this.timeout(30_000)
  let browser: Browser
  let site: Site
  /** The attempts the member.enter handler saw for room-flaky. */
  const flakyAttempts: number[] = []
  const started = Math.floor(Date.now() / 1000)

  /** Sends a signed callback the way the platform does. */
  const send = (name: string, overrides?: object, token = CALLBACK_TOKEN) =>
    sendCallback(name, { url: site.callbackUrl, sdkAppId: SDK_APP_ID, token, overrides })
  /** Sends a body as it is written: `overrides` would write its bare 18-digit numbers as strings. */
  const sendText = (name: string, body: string) =>
    sendCallback(name, { url: site.callbackUrl, sdkAppId: SDK_APP_ID, token: CALLBACK_TOKEN, body })

  before(async () => {
    browser = await launchBrowser()
    const hooks = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      token: CALLBACK_TOKEN,
      handlerTimeout: 150,
      dedupe: true,
      log: quiet,
    })
    hooks.on('member.enter', (event) => {
      if (event.payload.RoomId !== 'room-flaky') return
      flakyAttempts.push(event.attempt)
      if (event.attempt === 1) throw new Error('database down: the member list was not saved')
    })
    hooks.on('room.destroyed', () => sleep(400))
    // Only callbacks someone listens to are deduplicated.
    hooks.on('room.updated', () => {})
    hooks.on('gift.beforeSend', (event) =>
      event.payload.GiftWater.Coins > 500 ? event.reject(GIFT_REFUSAL) : event.allow(),
    )
    const presence = createPresence(hooks)
    site = await startSite(hooks, { token: INSPECTOR_TOKEN, presence })
  })
  after(async () => {
    await site?.close()
    await browser?.close()
  })

  it('lists callbacks of every outcome with their reasons', async () => {
    await send('room.created', { RoomInfo: { RoomId: 'room-ok' } })
    const refused = await send('room.created', { RoomInfo: { RoomId: 'room-refused' } }, 'a-guessed-token')
    expect(refused.status).to.equal(401)
    const failed = await send('member.enter', { RoomId: 'room-flaky', MemberList_Account: ['alice'] })
    expect(failed.status).to.equal(500)
    const late = await send('room.destroyed', { RoomId: 'room-late' })
    expect(late.status).to.equal(200)
    await send('room.updated', { RoomInfo: { RoomId: 'room-twice' } })
    await send('room.updated', { RoomInfo: { RoomId: 'room-twice' } })

    const page = await openPage(browser, site.pageUrl)
    expect(await waitForRow(page, 'room-ok')).to.include({ outcome: 'ok', reason: '' })
    const refusedRow = await waitForRow(page, 'refused', '401')
    expect(refusedRow.reason).to.contain('SIGN_MISMATCH')
    expect(await waitForRow(page, 'member.enter', 'room-flaky')).to.deep.include({ outcome: 'failed' })
    expect((await waitForRow(page, 'member.enter', 'room-flaky')).reason).to.contain('HANDLER_FAILED')
    expect((await waitForRow(page, 'room.destroyed', 'room-late')).outcome).to.equal('late')
    const twice = (await rowsOf(page)).filter((row) => row.text.includes('room-twice'))
    expect(twice.map((row) => row.outcome)).to.deep.equal(['duplicate', 'ok'])
    await page.close()
  })

  it('lists a callback stored for a worker as queued', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet, delivery: { enqueue: async () => {} } })
    const queued = await startSite(hooks)
    try {
      await sendCallback('member.leave', { url: queued.callbackUrl, sdkAppId: SDK_APP_ID })
      const page = await openPage(browser, queued.pageUrl)
      expect((await waitForRow(page, 'member.leave')).outcome).to.equal('queued')
      await page.close()
    } finally {
      await queued.close()
    }
  })

  it('reads a rejected gift as rejected, with its ErrorInfo', async () => {
    const rejected = await send('gift.beforeSend', { RoomId: 'room-gift', GiftWater: { Coins: 1000 } })
    expect(rejected.envelope).to.deep.include({ ErrorCode: 1, ErrorInfo: GIFT_REFUSAL })
    await send('gift.beforeSend', { RoomId: 'room-gift', GiftWater: { Coins: 100 } })
    const page = await openPage(browser, site.pageUrl)
    const rows = (await rowsOf(page)).filter((row) => row.text.includes('gift.beforeSend'))
    expect(rows.map((row) => row.decision)).to.deep.equal(['allowed', `rejected: ${GIFT_REFUSAL}`])
    // A refused gift is answered properly: its outcome is ok, its decision says it was refused.
    expect(rows.map((row) => row.outcome)).to.deep.equal(['ok', 'ok'])
    await page.close()
  })

  it('shows a callback sent after the page opened, without a reload', async () => {
    const page = await openPage(browser, site.pageUrl)
    await page.evaluate('window.openedOnce = true')
    await send('room.created', { RoomInfo: { RoomId: 'room-after-open' } })
    expect((await waitForRow(page, 'room-after-open')).outcome).to.equal('ok')
    expect(await page.evaluate('window.openedOnce')).to.equal(true)
    await page.close()
  })

  it('shows the payload with an 18-digit ID exactly as sent', async () => {
    const sample = fixtureText('Mic.CallbackAfterSeatInfoChanged')
    expect(sample).to.contain(`"Member_Account": ${BIG_ID},`)
    const sent = await sendText('seat.changed', sample.replace('"rid-123"', '"room-seats"'))
    expect(sent.status).to.equal(200)
    const page = await openPage(browser, site.pageUrl)
    const row = await waitForRow(page, 'seat.changed', 'room-seats')
    await page.click(`[data-testid="callback-row"][data-id="${row.id}"]`)
    await page.waitForSelector('[data-testid="detail-payload"]', { visible: true })
    const payload = await page.$eval('[data-testid="detail-payload"]', (pre) => pre.textContent ?? '')
    expect(payload).to.contain(`"Member_Account": ${BIG_ID}`)
    // What JSON.parse would have made of it.
    expect(payload).to.not.contain(String(Number(BIG_ID)))
    await page.close()
  })

  it('opens a deeply nested payload at once, indented no deeper than a screen is wide', async () => {
    // Anyone who can reach the receiver can send this: 40 kB of nested arrays, in a field the schema lets through.
    const depth = 20_000
    const sample = fixtureText('Room.CallbackAfterCreateRoom').replaceAll('tandy-test-rest', 'room-deep')
    const body = sample.replace(/}\s*$/, `, "Nested": ${'['.repeat(depth)}"deepest"${']'.repeat(depth)}}`)
    expect((await sendText('room.created', body)).status).to.equal(200)
    const page = await openPage(browser, site.pageUrl)
    const row = await waitForRow(page, 'room.created', 'room-deep')
    await page.click(`[data-testid="callback-row"][data-id="${row.id}"]`)
    await page.waitForSelector(`[data-testid="detail"][data-id="${row.id}"] [data-testid="detail-payload"]`, {
      visible: true,
      timeout: 5000,
    })
    const shown = (await page.$eval('[data-testid="detail-payload"]', (pre) => pre.textContent ?? '')) as string
    expect(shown).to.contain('"RoomId": "room-deep"')
    expect(shown).to.contain('"deepest"')
    // Every level on a line of its own, but the indentation stops growing: the text stays near the body's size.
    expect(shown.split('\n').length).to.be.above(2 * depth)
    expect(shown.length).to.be.below(100 * body.length)
    await page.close()
  })

  it('replays a failed callback: its handler runs again as attempt 2, and the replay is a new entry', async () => {
    const page = await openPage(browser, site.pageUrl)
    const failed = await waitForRow(page, 'member.enter', 'room-flaky')
    expect(failed.outcome).to.equal('failed')
    await page.click(`[data-testid="callback-row"][data-id="${failed.id}"]`)
    await page.waitForSelector('[data-testid="replay"]:not([disabled])', { visible: true })
    const before = flakyAttempts.length
    await page.click('[data-testid="replay"]')
    const replay = await waitForRow(page, `replay of #${failed.id}`, 'attempt 2')
    expect(replay.outcome).to.equal('ok')
    expect(replay.id).to.not.equal(failed.id)
    expect(flakyAttempts.slice(before)).to.deep.equal([2])
    // The original entry stays as it was.
    expect((await rowsOf(page)).find((row) => row.id === failed.id)?.outcome).to.equal('failed')
    await page.close()
  })

  it('replays through a reverse proxy that names the app server in Host, as nginx does by default', async () => {
    // nginx's default `proxy_set_header Host $proxy_host`: the browser's Origin names the proxy, the Host the app.
    const upstream = new URL(site.server.url)
    const proxy = await listen(
      createServer((req: IncomingMessage, res: ServerResponse) => {
        const headers = { ...req.headers, host: upstream.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' }
        const forwarded = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          },
        )
        req.pipe(forwarded)
      }),
    )
    try {
      await send('room.created', { RoomInfo: { RoomId: 'room-proxied' } })
      const page = await openPage(browser, `${proxy.url}/roomhooks?token=${INSPECTOR_TOKEN}`)
      const row = await waitForRow(page, 'room.created', 'room-proxied')
      await page.click(`[data-testid="callback-row"][data-id="${row.id}"]`)
      await page.waitForSelector('[data-testid="replay"]:not([disabled])', { visible: true })
      await page.click('[data-testid="replay"]')
      await page.waitForSelector('[data-testid="replay-note"]', { visible: true })
      const note = await page.$eval('[data-testid="replay-note"]', (p) => p.textContent ?? '')
      expect(note).to.match(/^Replayed as #\d+ \(attempt 2\): ok/)
      expect((await waitForRow(page, `replay of #${row.id}`, 'attempt 2')).outcome).to.equal('ok')
      await page.close()
    } finally {
      await proxy.close()
    }
  })

  it('shows no token and no Sign anywhere: not in the HTML, the DOM, the API answers or the event stream', async () => {
    const page = await browser.newPage()
    const recorded = recordResponses(page)
    await page.goto(site.pageUrl)
    await page.waitForSelector('[data-testid="live-status"][data-state="live"]')
    // Open every entry, so that each detail is fetched and shown.
    const rows = await rowsOf(page)
    expect(rows.length).to.be.at.least(8)
    for (const row of rows) {
      await page.click(`[data-testid="callback-row"][data-id="${row.id}"]`)
      await page.waitForSelector(`[data-testid="detail"][data-id="${row.id}"]`, { visible: true })
    }
    // What the event stream carries, read over a socket of our own while a callback arrives.
    const stream = await fetch(`${site.server.url}/roomhooks/api/events`, {
      headers: { authorization: `Bearer ${INSPECTOR_TOKEN}` },
    })
    expect(stream.status).to.equal(200)
    await send('room.created', { RoomInfo: { RoomId: 'room-streamed' } })
    const reader = stream.body!.getReader()
    let events = ''
    while (!events.includes('room-streamed')) events += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()

    await recorded.settled()
    const dom = await page.content()
    const texts = [dom, events, ...recorded.responses.map((response) => response.text ?? '')]
    const signs = new Set<string>()
    for (let time = started - 2; time <= Math.floor(Date.now() / 1000) + 2; time++) {
      signs.add(signCallback(CALLBACK_TOKEN, String(time)))
    }
    for (const secret of [INSPECTOR_TOKEN, CALLBACK_TOKEN, ...signs]) {
      for (const text of texts) expect(text.includes(secret), `a secret in ${text.slice(0, 80)}`).to.equal(false)
    }
    expect(texts.some((text) => /[?&]Sign=/i.test(text))).to.equal(false)
    expect(recorded.responses.filter((response) => response.url.includes('/api/callbacks/'))).to.have.length.above(7)
    // Everything the page loads comes from the receiver itself: it works offline.
    const origin = new URL(site.server.url).origin
    expect(recorded.requests.filter((url) => new URL(url).origin !== origin)).to.deep.equal([])
    await page.close()
  })

  it('filters by outcome and by text', async () => {
    const page = await openPage(browser, site.pageUrl)
    await waitForRow(page, 'room-flaky')
    await page.select('[data-testid="filter-outcome"]', 'failed')
    const failed = await rowsOf(page)
    expect(failed.length).to.be.at.least(1)
    expect(failed.every((row) => row.outcome === 'failed')).to.equal(true)
    await page.select('[data-testid="filter-outcome"]', '')
    await page.type('[data-testid="filter-text"]', 'room-gift')
    const gifts = await rowsOf(page)
    expect(gifts.map((row) => row.decision)).to.deep.equal(['allowed', `rejected: ${GIFT_REFUSAL}`])
    await page.close()
  })

  it('moves through the list with j and k, opens with Enter and closes with Escape', async () => {
    const page = await openPage(browser, site.pageUrl)
    const rows = await rowsOf(page)
    const selected = () =>
      page.$eval('[data-testid="callback-row"][aria-selected="true"]', (row) => row.getAttribute('data-id'))
    await page.keyboard.press('j')
    expect(await selected()).to.equal(rows[0]!.id)
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    await page.keyboard.press('k')
    expect(await selected()).to.equal(rows[1]!.id)
    await page.keyboard.press('Enter')
    await page.waitForSelector(`[data-testid="detail"][data-id="${rows[1]!.id}"]`, { visible: true })
    await page.keyboard.press('Escape')
    await page.waitForSelector('[data-testid="detail"]', { hidden: true })
    await page.keyboard.press('/')
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).to.equal('filter-text')
    await page.close()
  })

  it('shows the open rooms and their members in the Rooms view, live, with @roomhooks/presence', async () => {
    const page = await openPage(browser, site.pageUrl)
    await page.waitForSelector('[data-testid="tab-rooms"]', { visible: true })
    await page.click('[data-testid="tab-rooms"]')
    // Per room and user the latest EventTime wins, and the samples' times are years apart: these are in order.
    const now = Date.now()
    await send('room.created', { RoomInfo: { RoomId: 'room-live-view' }, EventTime: now })
    await send('member.enter', { RoomId: 'room-live-view', MemberList_Account: ['alice', BIG_ID], EventTime: now + 1 })
    const MEMBERS = '[data-testid="room"][data-room-id="room-live-view"] [data-testid="room-member"]'
    const members = () => page.$$eval(MEMBERS, (items) => items.map((item) => item.textContent))
    await page.waitForFunction(`document.querySelectorAll('${MEMBERS}').length === 2`, { timeout: 5000 })
    expect((await members()).sort()).to.deep.equal([BIG_ID, 'alice'].sort())
    await send('member.leave', { RoomId: 'room-live-view', MemberList_Account: ['alice'], EventTime: now + 2 })
    await page.waitForFunction(`document.querySelectorAll('${MEMBERS}').length === 1`, { timeout: 5000 })
    expect(await members()).to.deep.equal([BIG_ID])
    await page.close()
  })

  it('answers 401 without the token when one is set, and serves the page with it', async () => {
    const page = await browser.newPage()
    const without = await page.goto(`${site.server.url}/roomhooks`)
    expect(without?.status()).to.equal(401)
    expect(await page.content()).to.not.contain('callback-list')
    const api = await fetch(`${site.server.url}/roomhooks/api/callbacks`)
    expect(api.status).to.equal(401)
    const wrong = await fetch(`${site.server.url}/roomhooks/api/callbacks?token=wrong`)
    expect(wrong.status).to.equal(401)
    const bearer = await fetch(`${site.server.url}/roomhooks/api/callbacks`, {
      headers: { authorization: `Bearer ${INSPECTOR_TOKEN}` },
    })
    expect(bearer.status).to.equal(200)
    expect((await page.goto(site.pageUrl))?.status()).to.equal(200)
    await page.close()
  })

  it('is off under NODE_ENV=production (404), unless enabled', async () => {
    const environment = process.env['NODE_ENV']
    process.env['NODE_ENV'] = 'production'
    let off: Site | undefined
    let on: Site | undefined
    try {
      off = await startSite(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }))
      on = await startSite(createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet }), { enabled: true })
    } finally {
      if (environment === undefined) delete process.env['NODE_ENV']
      else process.env['NODE_ENV'] = environment
    }
    try {
      const page = await browser.newPage()
      expect((await page.goto(off.pageUrl))?.status()).to.equal(404)
      expect((await fetch(`${off.server.url}/roomhooks/api/callbacks`)).status).to.equal(404)
      // The receiver behind it still takes callbacks.
      expect((await sendCallback('room.created', { url: off.callbackUrl, sdkAppId: SDK_APP_ID })).status).to.equal(200)
      expect((await page.goto(on.pageUrl))?.status()).to.equal(200)
      await page.close()
    } finally {
      await off.close()
      await on.close()
    }
  })

  it('writes the screenshot of the page in the docs: several outcomes, an entry open', async () => {
    // A receiver of its own, sent what a live room sends: the page as a developer first sees it.
    const hooks = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      token: CALLBACK_TOKEN,
      handlerTimeout: 150,
      dedupe: true,
      log: quiet,
    })
    hooks.on('room.created', () => {})
    hooks.on('member.enter', (event) => {
      if (event.payload.MemberList_Account.includes('viewer_031')) throw new Error('users table is read-only')
    })
    hooks.on('room.updated', () => sleep(400))
    hooks.on('gift.beforeSend', (event) =>
      event.payload.GiftWater.Coins > 500 ? event.reject(GIFT_REFUSAL) : event.allow(),
    )
    const shown = await startSite(hooks, { presence: createPresence(hooks) })
    const url = shown.callbackUrl
    const post = (name: string, overrides?: object, token = CALLBACK_TOKEN) =>
      sendCallback(name, { url, sdkAppId: SDK_APP_ID, token, overrides })
    try {
      const now = Date.now()
      await post('room.created', { RoomInfo: { RoomId: 'live-ada-0412' }, EventTime: now })
      await post('member.enter', { RoomId: 'live-ada-0412', MemberList_Account: ['ada', BIG_ID], EventTime: now + 1 })
      await post('seat.changed', { RoomId: 'live-ada-0412', EventTime: now + 2 })
      await post('member.enter', { RoomId: 'live-ada-0412', MemberList_Account: ['viewer_031'], EventTime: now + 3 })
      await post('room.updated', { RoomInfo: { RoomId: 'live-ada-0412', RoomName: 'Ada live' } })
      await post('member.leave', { RoomId: 'live-ada-0412', MemberList_Account: ['ada'] }, 'an-old-token')
      await post('room.created', { RoomInfo: { RoomId: 'live-ada-0412' }, EventTime: now })
      await post('gift.beforeSend', { RoomId: 'live-ada-0412', GiftWater: { Coins: 20 } })
      await post('gift.beforeSend', { RoomId: 'live-ada-0412', GiftWater: { From_Account: BIG_ID, Coins: 5200 } })

      const page = await browser.newPage()
      await page.setViewport({ width: 1440, height: 900, deviceScaleFactor: 1 })
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }])
      await page.goto(shown.pageUrl)
      await page.waitForSelector('[data-testid="live-status"][data-state="live"]')
      const gift = await waitForRow(page, 'gift.beforeSend', 'rejected')
      await page.click(`[data-testid="callback-row"][data-id="${gift.id}"]`)
      await page.waitForSelector(`[data-testid="detail"][data-id="${gift.id}"]`, { visible: true })
      await page.waitForSelector('[data-testid="detail-answer"]', { visible: true })
      const outcomes = new Set((await rowsOf(page)).map((row) => row.outcome))
      expect([...outcomes].sort()).to.deep.equal(['duplicate', 'failed', 'late', 'ok', 'refused'])
      mkdirSync(dirname(SCREENSHOT), { recursive: true })
      await page.screenshot({ path: SCREENSHOT })
      await page.close()
    } finally {
      await shown.close()
    }
  })
})
