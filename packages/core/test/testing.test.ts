import { expect } from 'chai'
import { commandDefinitions, createRoomWebhooks, type HandlerError, signCallback } from '@roomhooks/core'
import { createTestCallback, fixtures, fixtureText, simulate } from '@roomhooks/core/testing'

const sdkAppId = 1400000000
const quiet = { warn: () => {}, error: () => {} }

describe('createTestCallback()', () => {
  it('builds the query string and body the platform sends, signed with the token', async () => {
    const callback = createTestCallback('member.enter', { sdkAppId, token: 'secret', requestTime: 1700000000 })
    const query = new URLSearchParams(callback.query)
    expect(Object.fromEntries(query)).to.deep.equal({
      SdkAppid: '1400000000',
      CallbackCommand: 'Room.CallbackAfterMemberEnter',
      contenttype: 'json',
      ClientIP: '127.0.0.1',
      OptPlatform: 'RESTAPI',
      RequestTime: '1700000000',
      Sign: signCallback('secret', 1700000000),
    })
    expect(callback.body).to.equal(fixtureText('Room.CallbackAfterMemberEnter'))
    expect([callback.command, callback.event]).to.deep.equal(['Room.CallbackAfterMemberEnter', 'member.enter'])
    expect(callback.url('http://h/cb')).to.equal(`http://h/cb?${callback.query}`)
  })

  it('is accepted by a receiver for the same app and token', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, token: 'secret' })
    const callback = createTestCallback('Live.CallbackAfterDestroyRoom', { sdkAppId, token: 'secret' })
    expect((await hooks.receive({ query: callback.query, body: callback.body })).status).to.equal(200)
  })

  it('applies deep overrides: objects merge, arrays replace, undefined removes', async () => {
    const callback = createTestCallback('room.created', {
      sdkAppId,
      overrides: { RoomInfo: { RoomId: 'room-7', CustomInfo: undefined }, ScheduleInviteeList_Account: ['only'] },
    })
    const payload = JSON.parse(callback.body)
    expect(payload.RoomInfo.RoomId).to.equal('room-7')
    expect(payload.RoomInfo.RoomName).to.equal('tandy-test-rest')
    expect(payload.RoomInfo).not.to.have.property('CustomInfo')
    expect(payload.ScheduleInviteeList_Account).to.deep.equal(['only'])
  })

  it('keeps big user IDs exact when applying overrides', () => {
    const callback = createTestCallback('live.destroyed', { sdkAppId, overrides: { RoomId: 'r' } })
    expect(JSON.parse(callback.body).RoomInfo.Owner_Account).to.equal('144115216631667826')
  })

  it('throws a clear error when the overrides break the schema', () => {
    expect(() =>
      createTestCallback('room.created', { sdkAppId, overrides: { RoomInfo: { MaxMemberCount: 'lots' as never } } }),
    ).to.throw(
      TypeError,
      /createTestCallback\("room.created"\) does not make a valid callback: .*\/RoomInfo\/MaxMemberCount/,
    )
  })

  it('builds a broken callback on request, which a receiver refuses', async () => {
    const callback = createTestCallback('room.created', {
      sdkAppId,
      overrides: { RoomInfo: { MaxMemberCount: 'lots' as never } },
      validate: false,
    })
    const answer = await createRoomWebhooks({ sdkAppId, log: quiet }).receive({
      query: callback.query,
      body: callback.body,
    })
    expect(answer.status).to.equal(400)
  })

  it('throws for a name that is not in the catalog', () => {
    expect(() => createTestCallback('room.exploded' as never, { sdkAppId })).to.throw(
      TypeError,
      /Unknown event "room.exploded"/,
    )
  })
})

describe('fixtures', () => {
  it('holds every sample as handlers receive it, typed and frozen', () => {
    expect(fixtures['Live.CallbackAfterDestroyRoom'].RoomInfo?.Owner_Account).to.equal('144115216631667826')
    expect(fixtures['Room.CallbackAfterUpdateRoomInfo'].RoomInfo.IsCloudRecordingDisabled).to.equal(false)
    expect(Object.isFrozen(fixtures['Room.CallbackAfterCreateRoom'].RoomInfo)).to.equal(true)
    expect(Object.keys(fixtures)).to.have.length(commandDefinitions.length)
    expect(Object.keys(fixtures)).to.have.members(commandDefinitions.map((definition) => definition.command))
  })
})

describe('simulate()', () => {
  it("runs a callback through the receiver, signed with the receiver's own app and token", async () => {
    const hooks = createRoomWebhooks({ sdkAppId, token: 'secret' })
    let seen: string | undefined
    hooks.on('member.leave', (event) => void (seen = event.payload.Reason))
    const result = await simulate(hooks, 'member.leave', { Reason: 'Kicked by admin' })
    expect(result.status).to.equal(200)
    expect(result.body).to.deep.equal({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
    expect(seen).to.equal('Kicked by admin')
    expect(result.event?.name).to.equal('member.leave')
    expect(result.errors).to.deep.equal([])
  })

  it("returns a before-callback's decision", async () => {
    const hooks = createRoomWebhooks({ sdkAppId }).on('gift.beforeSend', (event) =>
      event.payload.GiftWater.Coins > 100_000 ? event.reject('Too large') : event.allow(),
    )
    expect((await simulate(hooks, 'gift.beforeSend', { GiftWater: { Coins: 1_000_000 } })).body).to.include({
      ErrorCode: 1,
      ErrorInfo: 'Too large',
    })
    expect((await simulate(hooks, 'gift.beforeSend')).body).to.include({ ErrorCode: 0 })
  })

  it('names the decision answered: allowed, rejected, dropped or replaced, failure decisions included', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet })
      .on('gift.beforeSend', (event) => {
        if (event.payload.GiftWater.Coins > 100_000) return event.reject('Too large')
        if (event.payload.GiftWater.Coins === 13) throw new Error('unlucky')
        return undefined
      })
      .on('message.beforeSend', (event) =>
        event.payload.MsgBody.length > 1 ? event.drop() : event.allow({ MsgBody: [] }),
      )
    const decisions = [
      await simulate(hooks, 'gift.beforeSend'),
      await simulate(hooks, 'gift.beforeSend', { GiftWater: { Coins: 1_000_000 } }),
      await simulate(hooks, 'gift.beforeSend', { GiftWater: { Coins: 13 } }),
      await simulate(hooks, 'message.beforeSend'),
      await simulate(hooks, 'message.beforeSend', {
        MsgBody: [
          { MsgType: 'TIMTextElem', MsgContent: { Text: 'a' } },
          { MsgType: 'TIMTextElem', MsgContent: { Text: 'b' } },
        ],
      }),
      await simulate(hooks, 'room.destroyed'),
    ].map((result) => [result.body.ErrorCode, result.decision])
    expect(decisions).to.deep.equal([
      [0, 'allowed'],
      [1, 'rejected'],
      [1, 'rejected'],
      [0, 'replaced'],
      [2, 'dropped'],
      [0, undefined],
    ])
  })

  it('returns what the handlers threw', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet }).on('room.destroyed', () => {
      throw new Error('database down')
    })
    const result = await simulate(hooks, 'room.destroyed')
    expect(result.status).to.equal(500)
    expect((result.errors[0] as HandlerError).errors[0]).to.have.property('message', 'database down')
  })

  it('returns the refusal when the callback is not one the receiver accepts', async () => {
    const hooks = createRoomWebhooks({ sdkAppId, log: quiet })
    const result = await simulate(hooks, 'room.destroyed', undefined, { sdkAppId: 1 })
    expect([result.status, result.event, result.errors[0]?.reason]).to.deep.equal([403, undefined, 'UNKNOWN_SDKAPPID'])
  })
})
