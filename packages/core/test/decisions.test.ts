import { expect } from 'chai'
import { createRoomWebhooks, type HandlerError, type RoomhooksError, type RoomWebhooksOptions } from '@roomhooks/core'
import { simulate } from '@roomhooks/core/testing'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'

// Each callback is the command's sample, sent with simulate(): the answer is compared with deep.include, which
// holds `status` and `body` to deep equality (simulate's result also carries the event and the errors).
const GIFT = 'gift.beforeSend'
const MESSAGE = 'message.beforeSend'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function setup(options: Partial<RoomWebhooksOptions> = {}) {
  const errors: RoomhooksError[] = []
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn: () => {} }, ...options }).onError(
    (error) => void errors.push(error),
  )
  return { hooks, errors }
}

const ok = (code: number, info = '') => ({
  status: 200,
  body: { ActionStatus: 'OK', ErrorCode: code, ErrorInfo: info },
})

describe('before-callback decisions', () => {
  describe('gift.beforeSend', () => {
    it('allows when a handler returns allow()', async () => {
      const { hooks } = setup()
      hooks.on('gift.beforeSend', (event) => event.allow())
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(0))
    })

    it('allows when handlers return nothing', async () => {
      const { hooks } = setup()
      hooks.on('gift.beforeSend', () => {})
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(0))
    })

    it('allows when nobody listens', async () => {
      expect(await simulate(setup().hooks, GIFT)).to.deep.include(ok(0))
    })

    it('rejects with ErrorCode 1 and the info given', async () => {
      const { hooks } = setup()
      hooks.on('gift.beforeSend', (event) =>
        event.payload.GiftWater.Coins >= 1000 ? event.reject('Gift too large') : event.allow(),
      )
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(1, 'Gift too large'))
    })

    it('passes a code in [102100, 102200] through', async () => {
      const { hooks } = setup()
      hooks.on('gift.beforeSend', (event) => event.reject('Out of coins', 102150))
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(102150, 'Out of coins'))
    })

    it('treats a code outside the range as a failed handler: rejects (code 1) and tells onError', async () => {
      const { hooks, errors } = setup()
      hooks.on('gift.beforeSend', (event) => event.reject('wrong range', 120010))
      const answer = await simulate(hooks, GIFT)
      expect(answer.body).to.include({ ActionStatus: 'OK', ErrorCode: 1 })
      expect(errors).to.have.length(1)
      expect((errors[0] as HandlerError).errors[0]).to.be.instanceOf(RangeError)
    })

    it('rejects when a handler throws, and tells onError', async () => {
      const { hooks, errors } = setup()
      hooks.on('gift.beforeSend', () => {
        throw new Error('wallet service down')
      })
      const answer = await simulate(hooks, GIFT)
      expect(answer.status).to.equal(200)
      expect(answer.body).to.deep.equal({
        ActionStatus: 'OK',
        ErrorCode: 1,
        ErrorInfo: 'Rejected: the app failed to decide',
      })
      expect(errors.map((error) => error.reason)).to.deep.equal(['HANDLER_FAILED'])
    })

    it('rejects when handlers miss the deadline, and reports a late failure', async () => {
      const { hooks, errors } = setup({ handlerTimeout: 20 })
      hooks.on('gift.beforeSend', async (event) => {
        await sleep(50)
        throw new Error(`late for ${event.payload.RoomId}`)
      })
      expect((await simulate(hooks, GIFT)).body).to.deep.equal({
        ActionStatus: 'OK',
        ErrorCode: 1,
        ErrorInfo: 'Rejected: the app could not decide in time',
      })
      expect(errors.map((error) => error.reason)).to.deep.equal(['HANDLER_TIMEOUT'])
      await sleep(60)
      expect(errors.map((error) => error.reason)).to.deep.equal(['HANDLER_TIMEOUT', 'HANDLER_FAILED'])
      expect((errors[1] as HandlerError).late).to.equal(true)
    })

    it('allows on failure when configured to', async () => {
      const { hooks } = setup({ failureDecisions: { 'gift.beforeSend': 'allow' } })
      hooks.on('gift.beforeSend', () => Promise.reject(new Error('down')))
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(0))
    })

    it('refuses a failure decision for an after-callback or a bad value', () => {
      expect(() =>
        createRoomWebhooks({ sdkAppId: 1, failureDecisions: { 'room.created': 'allow' } as never }),
      ).to.throw(TypeError)
      expect(() =>
        createRoomWebhooks({ sdkAppId: 1, failureDecisions: { 'gift.beforeSend': 'drop' as never } }),
      ).to.throw(TypeError)
    })
  })

  describe('message.beforeSend', () => {
    it('drops silently with ErrorCode 2', async () => {
      const { hooks } = setup()
      hooks.on('message.beforeSend', (event) => event.drop())
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(2))
    })

    it('delivers a replaced message with allow({ MsgBody })', async () => {
      const { hooks } = setup()
      const MsgBody = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'r*d packet' } }]
      hooks.on('message.beforeSend', (event) => event.allow({ MsgBody }))
      const answer = await simulate(hooks, MESSAGE)
      expect(answer).to.deep.include({ status: 200, body: { ...ok(0).body, MsgBody } })
    })

    it('passes a code in [120001, 130000] through', async () => {
      const { hooks } = setup()
      hooks.on('message.beforeSend', (event) => event.reject('Be nice', 120010))
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(120010, 'Be nice'))
    })

    it('treats a code outside the range as a failed handler: allows and tells onError', async () => {
      const { hooks, errors } = setup()
      hooks.on('message.beforeSend', (event) => event.reject('gift range', 102150))
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(0))
      expect(errors).to.have.length(1)
    })

    it('refuses a replacement that is not an array of elements', async () => {
      const { hooks, errors } = setup()
      hooks.on('message.beforeSend', (event) => event.allow({ MsgBody: 'text' as never }))
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(0))
      expect((errors[0] as HandlerError).errors[0]).to.be.instanceOf(TypeError)
    })

    it('allows when a handler throws (the platform delivers on timeout too)', async () => {
      const { hooks } = setup()
      hooks.on('message.beforeSend', () => {
        throw new Error('moderation service down')
      })
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(0))
    })

    it('allows when handlers miss the deadline', async () => {
      const { hooks } = setup({ handlerTimeout: 20 })
      hooks.on('message.beforeSend', async (event) => {
        await sleep(50)
        return event.reject('too late to matter')
      })
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(0))
    })

    it('rejects on failure when configured to', async () => {
      const { hooks } = setup({ failureDecisions: { 'message.beforeSend': 'reject' } })
      hooks.on('message.beforeSend', () => Promise.reject(new Error('down')))
      expect((await simulate(hooks, MESSAGE)).body).to.include({ ActionStatus: 'OK', ErrorCode: 1 })
    })

    it('reads EventTime sent as a numeric string', async () => {
      const { hooks } = setup()
      let eventTime: number | undefined
      hooks.on('message.beforeSend', (event) => void (eventTime = event.eventTime))
      await simulate(hooks, MESSAGE)
      expect(eventTime).to.equal(1670574414123)
    })
  })

  describe('decisions made, returned or not', () => {
    function watched() {
      const warnings: string[] = []
      const { hooks, errors } = setup({ log: { warn: (line: string) => void warnings.push(line) } })
      return { hooks, errors, warnings }
    }

    it('counts reject() called and not returned', async () => {
      const { hooks, warnings } = watched()
      hooks.on('gift.beforeSend', async (event) => {
        if (event.payload.GiftWater.Coins > 100) event.reject('too big')
      })
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(1, 'too big'))
      expect(warnings).to.deep.equal([])
    })

    it('answers the stricter when a handler returns allow() after calling reject(), and warns', async () => {
      const { hooks, warnings } = watched()
      hooks.on('gift.beforeSend', (event) => {
        event.reject('too big')
        return event.allow()
      })
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(1, 'too big'))
      expect(warnings).to.deep.equal([
        '[@roomhooks/core] gift.beforeSend: a handler returned allow() but reject() was also decided; answered reject, the stricter',
      ])
    })

    it('keeps a reject made in time when another handler fails', async () => {
      const { hooks, errors } = watched()
      hooks
        .on('gift.beforeSend', (event) => void event.reject('Top up first', 102101))
        .on('gift.beforeSend', () => {
          throw new Error('audit log down')
        })
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(102101, 'Top up first'))
      expect(errors.map((error) => error.reason)).to.deep.equal(['HANDLER_FAILED'])
    })

    it('keeps a reject made in time when the handler then misses the deadline', async () => {
      const { hooks, errors } = setup({ handlerTimeout: 20 })
      hooks.on('message.beforeSend', async (event) => {
        event.reject('spam', 120010)
        await sleep(60)
      })
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(120010, 'spam'))
      expect(errors.map((error) => error.reason)).to.deep.equal(['HANDLER_TIMEOUT'])
    })

    it('does not warn when handlers simply disagree: the stricter wins, as documented', async () => {
      const { hooks, warnings } = watched()
      hooks.on('gift.beforeSend', (event) => event.allow()).on('gift.beforeSend', (event) => event.reject('no'))
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(1, 'no'))
      expect(warnings).to.deep.equal([])
    })

    it('ignores, with a warning, a decision made after the answer went at the deadline', async () => {
      const warnings: string[] = []
      const { hooks } = setup({ handlerTimeout: 20, log: { warn: (line: string) => void warnings.push(line) } })
      hooks.on('message.beforeSend', async (event) => {
        await sleep(40)
        event.drop()
      })
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(0))
      await sleep(40)
      expect(warnings).to.deep.equal([
        '[@roomhooks/core] message.beforeSend: drop() was called after the answer had gone (handlers took longer than 20 ms); it did not count',
      ])
    })
  })

  describe('several handlers', () => {
    it('lets any reject win over allow, with the first rejecting handler’s code and info', async () => {
      const { hooks } = setup()
      hooks
        .on('message.beforeSend', (event) => event.allow())
        .on('message.beforeSend', async (event) => {
          await sleep(10)
          return event.reject('first', 120001)
        })
        .on('message.beforeSend', (event) => event.reject('second', 120002))
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(120001, 'first'))
    })

    it('lets a drop win over allow', async () => {
      const { hooks } = setup()
      hooks.on('message.beforeSend', (event) => event.allow()).on('message.beforeSend', (event) => event.drop())
      expect(await simulate(hooks, MESSAGE)).to.deep.include(ok(2))
    })

    it('uses the first replacement when every handler allows', async () => {
      const { hooks } = setup()
      const first = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'one' } }]
      const second = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'two' } }]
      hooks
        .on('message.beforeSend', () => undefined)
        .on('message.beforeSend', (event) => event.allow({ MsgBody: first }))
        .on('message.beforeSend', (event) => event.allow({ MsgBody: second }))
      expect((await simulate(hooks, MESSAGE)).body.MsgBody).to.deep.equal(first)
    })

    it('counts a decision from an onAny handler', async () => {
      const { hooks } = setup()
      hooks
        .on('gift.beforeSend', (event) => event.allow())
        .onAny((event) => (event.name === 'gift.beforeSend' ? event.reject('any') : undefined))
      expect(await simulate(hooks, GIFT)).to.deep.include(ok(1, 'any'))
    })

    it('gives after-callbacks no decision helpers and ignores what their handlers return', async () => {
      const { hooks } = setup()
      let helpers: unknown
      hooks.on('room.created', (event) => {
        helpers = (event as unknown as { reject?: unknown }).reject
        return 'ignored'
      })
      expect(await simulate(hooks, 'room.created')).to.deep.include(ok(0))
      expect(helpers).to.equal(undefined)
    })
  })
})
