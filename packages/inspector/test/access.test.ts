import { expect } from 'chai'
import { createRoomWebhooks } from '@roomhooks/core'
import { createTestCallback } from '@roomhooks/core/testing'
import { createInspector } from '@roomhooks/inspector'
import { SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { CALLBACK_PATH, openEvents, quiet, rawGet, serve, type Served } from './support.js'

const SECRET = 'inspector-secret-0123456789'
const ROUTES = [
  '/roomhooks',
  '/roomhooks/',
  '/roomhooks/api/callbacks',
  '/roomhooks/api/callbacks/1',
  '/roomhooks/api/events',
]

describe('who may open the inspector', () => {
  let served: Served | undefined
  afterEach(async () => {
    await served?.close()
    served = undefined
  })

  describe('with a token', () => {
    it('answers 401 JSON on every route without it, or with a wrong one', async () => {
      served = await serve({ token: SECRET })
      const wrong = SECRET.replace(/.$/, 'X')
      for (const path of ROUTES) {
        for (const headers of [{}, { authorization: `Bearer ${wrong}` }, { authorization: SECRET }]) {
          const answer = await served.get(path, headers)
          expect(answer.status, path).to.equal(401)
          expect(answer.headers.get('content-type')).to.equal('application/json; charset=utf-8')
          expect(answer.headers.get('www-authenticate')).to.match(/^Bearer/)
          expect(answer.body.error).to.match(/^\[@roomhooks\/inspector\] .*token/)
        }
        expect((await served.get(`${path}?token=${wrong}`)).status, path).to.equal(401)
        expect((await served.get(`${path}?token=`)).status, path).to.equal(401)
      }
      expect((await served.post('/roomhooks/api/callbacks/1/replay')).status).to.equal(401)
    })

    it('serves every route given it as ?token= or as Authorization: Bearer', async () => {
      served = await serve({ token: SECRET })
      await served.send('room.created')
      expect((await served.get(`/roomhooks?token=${SECRET}`)).status).to.equal(200)
      expect((await served.get('/roomhooks/', { authorization: `Bearer ${SECRET}` })).status).to.equal(200)
      const list = await served.get(`/roomhooks/api/callbacks?token=${encodeURIComponent(SECRET)}`)
      expect(list.body.callbacks).to.have.length(1)
      const detail = await served.get(`/roomhooks/api/callbacks/${list.body.callbacks[0].id}`, {
        authorization: `bearer ${SECRET}`,
      })
      expect(detail.status).to.equal(200)
      const stream = await openEvents(`${served.url}/roomhooks/api/events?token=${SECRET}`)
      expect(stream.response.status).to.equal(200)
      stream.close()
    })

    it('serves a client that is not on this machine, or comes through a proxy, when it has the token', async () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const inspector = createInspector(hooks, { enabled: true, token: SECRET })
      const request = (headers: Record<string, string>) =>
        inspector.fetch(new Request('https://inspect.example/roomhooks/api/callbacks', { headers }), {
          remoteAddress: '203.0.113.9',
        })
      expect((await request({ authorization: `Bearer ${SECRET}`, 'x-forwarded-for': '198.51.100.1' })).status).to.equal(
        200,
      )
      expect((await request({})).status).to.equal(401)
      inspector.close()
    })
  })

  describe('without a token', () => {
    it('serves a loopback client that names a loopback host', async () => {
      served = await serve()
      for (const host of [
        'localhost',
        'localhost:3000',
        '127.0.0.1:3000',
        '[::1]:3000',
        'app.localhost',
        '0.0.0.0:3000',
      ]) {
        expect((await rawGet(served.url, '/roomhooks/api/callbacks', { host })).status, host).to.equal(200)
      }
    })

    it('answers 403 to a request through a proxy or a tunnel, or naming another host', async () => {
      served = await serve()
      const refusals: Record<string, string>[] = [
        { 'x-forwarded-for': '198.51.100.1' },
        { forwarded: 'for=198.51.100.1' },
        { host: 'abc123.ngrok-free.app' },
        { host: 'attacker.example:3000' }, // a DNS-rebinding page, read through the developer's browser
      ]
      for (const headers of refusals) {
        for (const path of ROUTES) {
          const answer = await rawGet(served.url, path, headers)
          expect(answer.status, `${path} ${JSON.stringify(headers)}`).to.equal(403)
          expect(JSON.parse(answer.body).error).to.match(/^\[@roomhooks\/inspector\] .*token option/)
        }
      }
    })

    it('answers 403 to a client on another machine', async () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const inspector = createInspector(hooks, { enabled: true })
      const at = (remoteAddress: string) =>
        inspector.fetch(new Request('http://localhost/roomhooks/api/callbacks'), { remoteAddress })
      expect((await at('192.168.1.20')).status).to.equal(403)
      expect((await at('::ffff:10.0.0.7')).status).to.equal(403)
      expect((await at('127.0.0.1')).status).to.equal(200)
      expect((await at('::ffff:127.0.0.1')).status).to.equal(200)
      inspector.close()
    })

    it('answers 403 from the fetch handler when it is not told where the request comes from', async () => {
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
      const inspector = createInspector(hooks, { enabled: true })
      const answer = await inspector.fetch(new Request('http://localhost/roomhooks'))
      expect(answer.status).to.equal(403)
      expect(((await answer.json()) as { error: string }).error).to.match(/remoteAddress/)
      inspector.close()
    })
  })

  it('takes 127.0.0.0/8 and ::1 as this machine, and nothing that only looks like them', async () => {
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: quiet })
    const inspector = createInspector(hooks, { enabled: true })
    const status = async (remoteAddress: string) =>
      (await inspector.fetch(new Request('http://localhost/roomhooks/api/callbacks'), { remoteAddress })).status
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(await status(address), address).to.equal(200)
    }
    for (const address of ['', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '::2', '127.0.0.1.evil', 'localhost']) {
      expect(await status(address), address).to.equal(403)
    }
    inspector.close()
  })

  it('never shows the token or a Sign: not in the page, the API or the live stream', async () => {
    served = await serve({ token: SECRET }, { token: TOKEN })
    served.hooks.on('member.enter', () => {
      throw new Error('boom')
    })
    const auth = { authorization: `Bearer ${SECRET}` }
    const stream = await openEvents(`${served.url}/roomhooks/api/events?token=${SECRET}`)
    const signs: string[] = []
    const sendSigned = async (name: 'room.created' | 'member.enter', token: string) => {
      const callback = createTestCallback(name, { sdkAppId: SDK_APP_ID, token })
      signs.push(new URLSearchParams(callback.query).get('Sign')!)
      const response = await fetch(`${served!.url}${CALLBACK_PATH}?${callback.query}`, {
        method: 'POST',
        body: callback.body,
      })
      return response.status
    }
    expect(await sendSigned('room.created', TOKEN)).to.equal(200)
    expect(await sendSigned('member.enter', TOKEN)).to.equal(500)
    expect(await sendSigned('room.created', 'not-the-token')).to.equal(401)
    const list = await served.get('/roomhooks/api/callbacks', auth)
    expect(list.body.callbacks).to.have.length(3)
    const replayed = await served.post(`/roomhooks/api/callbacks/${list.body.callbacks[1].id}/replay`, auth)
    expect(replayed.status).to.equal(200)
    await stream.next('callback', (data) => data.source === 'replay')
    const texts = [
      (await served.get(`/roomhooks?token=${SECRET}`)).text,
      (await served.get('/roomhooks/api/callbacks', auth)).text,
      replayed.text,
      JSON.stringify(stream.events),
    ]
    for (const { id } of (await served.get('/roomhooks/api/callbacks', auth)).body.callbacks) {
      const detail = await served.get(`/roomhooks/api/callbacks/${id}`, auth)
      if (detail.body.source === 'receiver') expect(detail.body.query).to.match(/RequestTime=\d+/)
      texts.push(detail.text)
    }
    stream.close()
    expect(signs).to.have.length(3)
    for (const text of texts) {
      expect(text).to.not.include(SECRET)
      expect(text).to.not.include(TOKEN)
      expect(text).to.not.match(/sign=/i)
      for (const sign of signs) expect(text).to.not.include(sign)
    }
  })
})
