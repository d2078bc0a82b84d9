import { expect } from 'chai'
import { createRoomWebhooks, type CallbackDelivery, type RoomWebhooks } from '@roomhooks/core'
import { runStoredCallback } from '@roomhooks/core/delivery'
import { simulate } from '@roomhooks/core/testing'
import { createMemoryPresenceStore, createPresence, type PresenceChange } from '@roomhooks/presence'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'

const T = 1_703_589_922_780

/** A logger that keeps what it is told. */
function recordingLog() {
  const lines: { level: string; details: unknown[] }[] = []
  return {
    lines,
    log: {
      warn: (...details: unknown[]) => void lines.push({ level: 'warn', details }),
      error: (...details: unknown[]) => void lines.push({ level: 'error', details }),
    },
  }
}

describe('createPresence()', () => {
  let hooks: RoomWebhooks
  beforeEach(() => {
    hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn() {}, error() {} } })
  })

  it('keeps the members of Room enter and leave callbacks, several under one EventTime', async () => {
    const presence = createPresence(hooks)
    await simulate(hooks, 'member.enter', { RoomId: 'r1', MemberList_Account: ['alice', 'bob'], EventTime: T })
    await simulate(hooks, 'member.leave', { RoomId: 'r1', MemberList_Account: ['bob'], EventTime: T + 1 })
    expect(await presence.members('r1')).to.deep.equal([{ userId: 'alice', since: T }])
    expect(await presence.count('r1')).to.equal(1)
    expect(await presence.rooms()).to.deep.equal([{ roomId: 'r1', kind: 'room', count: 1 }])
  })

  it('opens a room on room.created and closes it, with its members, on room.destroyed', async () => {
    const presence = createPresence(hooks)
    await simulate(hooks, 'room.created', { RoomInfo: { RoomId: 'meeting' }, EventTime: T })
    expect(await presence.rooms()).to.deep.equal([{ roomId: 'meeting', kind: 'room', count: 0 }])
    await simulate(hooks, 'member.enter', { RoomId: 'meeting', MemberList_Account: ['alice'], EventTime: T + 1 })
    await simulate(hooks, 'room.destroyed', { RoomId: 'meeting', EventTime: T + 2 })
    expect(await presence.rooms()).to.deep.equal([])
    expect(await presence.count('meeting')).to.equal(0)
  })

  it('times a Live creation by its CreateTime in seconds, as it carries no EventTime', async () => {
    const presence = createPresence(hooks)
    const changes: PresenceChange[] = []
    presence.onChange((change) => void changes.push(change))
    await simulate(hooks, 'live.created', { RoomInfo: { RoomId: 'live-1', CreateTime: 1703589922 } })
    expect(changes).to.deep.equal([{ type: 'room.created', roomId: 'live-1', at: 1703589922000 }])
    expect(await presence.rooms()).to.deep.equal([{ roomId: 'live-1', kind: 'live', count: 0 }])
  })

  it('times a fact without EventTime or CreateTime by when it was received', async () => {
    const presence = createPresence(hooks)
    const changes: PresenceChange[] = []
    presence.onChange((change) => void changes.push(change))
    const before = Date.now()
    await simulate(hooks, 'room.created', { RoomInfo: { RoomId: 'r', CreateTime: undefined }, EventTime: undefined })
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['alice'], EventTime: undefined })
    const after = Date.now()
    expect(changes.map((change) => change.type)).to.deep.equal(['room.created', 'enter'])
    for (const change of changes) expect(change.at).to.be.within(before, after)
  })

  it('times a fact whose EventTime no stamp can hold (2^52 ms or more) by when it was received: an Enter stays an Enter', async () => {
    const presence = createPresence(hooks)
    const before = Date.now()
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['alice'], EventTime: 1e17 })
    const [member] = await presence.members('r')
    expect(member?.userId).to.equal('alice')
    expect(member?.since).to.be.within(before, Date.now())
    let error: unknown
    await presence.reconcile('r', ['bob'], 2 ** 52).catch((e: unknown) => (error = e))
    expect((error as Error).message).to.equal(
      `[@roomhooks/presence] reconcile() needs \`at\` in whole ms since the epoch, got ${2 ** 52}`,
    )
  })

  it('takes Live Online as in and Offline as out, whatever the EventCause', async () => {
    const presence = createPresence(hooks)
    const state = (EventType: string, EventCause: string, Member_Account: string, EventTime: number) =>
      simulate(hooks, 'live.member.state', {
        RoomId: 'live',
        EventType,
        EventCause,
        MemberList: [{ Member_Account }],
        EventTime,
      })
    await state('Online', 'Enter', 'alice', T)
    await state('Online', 'HeartbeatRecover', 'bob', T)
    await state('Offline', 'HeartbeatInterrupt', 'alice', T + 1)
    await state('Offline', 'Kicked', 'carol', T + 1)
    await state('Online', 'Leave', 'carol', T)
    expect(await presence.members('live')).to.deep.equal([{ userId: 'bob', since: T }])
    expect(await presence.rooms()).to.deep.equal([{ roomId: 'live', kind: 'live', count: 1 }])
  })

  it('ignores a Live member state that is neither Online nor Offline, and says so', async () => {
    const { lines, log } = recordingLog()
    const presence = createPresence(hooks, { log })
    const result = await simulate(hooks, 'live.member.state', { RoomId: 'live', EventType: 'Away' })
    expect(result.status).to.equal(200)
    expect(await presence.count('live')).to.equal(0)
    expect(lines).to.deep.equal([
      {
        level: 'warn',
        details: [
          '[@roomhooks/presence] Live.CallbackAfterMemberStateChanged ignored: its EventType is neither Online nor Offline',
        ],
      },
    ])
  })

  it('keeps the seat list with 18-digit user IDs exact, sent as bare JSON numbers', async () => {
    const presence = createPresence(hooks)
    // The sample body sends Member_Account 144115233775727695 as a bare number.
    await simulate(hooks, 'seat.changed')
    expect(await presence.seats('rid-123')).to.deep.equal([{ index: 1, userId: '144115233775727695' }])
    await simulate(hooks, 'seat.changed', {
      SeatList: [{ Index: 0, Member_Account: '' }, { Index: 1 }],
      EventTime: 1670574414124,
    })
    expect(await presence.seats('rid-123')).to.deep.equal([
      { index: 0, userId: null },
      { index: 1, userId: null },
    ])
  })

  it('tells onChange listeners of each change, until they are removed', async () => {
    const presence = createPresence(hooks)
    const changes: PresenceChange[] = []
    const off = presence.onChange((change) => void changes.push(change))
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['alice'], EventTime: T })
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['alice'], EventTime: T })
    off()
    await simulate(hooks, 'member.leave', { RoomId: 'r', MemberList_Account: ['alice'], EventTime: T + 1 })
    expect(changes).to.deep.equal([{ type: 'enter', roomId: 'r', userId: 'alice', at: T }])
  })

  it('logs a listener that throws, and still answers the callback OK', async () => {
    const { lines, log } = recordingLog()
    const presence = createPresence(hooks, { log })
    const failure = new Error('listener bug')
    presence.onChange(() => {
      throw failure
    })
    const result = await simulate(hooks, 'member.enter', { RoomId: 'r', EventTime: T })
    expect(result.status).to.equal(200)
    expect(lines).to.deep.equal([
      {
        level: 'error',
        details: [failure, '[@roomhooks/presence] an onChange listener threw; fix the listener'],
      },
    ])
    expect(await presence.count('r')).to.equal(1)
  })

  it('reconciles a room to a member list read elsewhere', async () => {
    const presence = createPresence(hooks)
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['alice', 'ghost'], EventTime: T })
    await presence.reconcile('r', ['alice', 'bob'], T + 100)
    expect(await presence.members('r')).to.deep.equal([
      { userId: 'alice', since: T },
      { userId: 'bob', since: T + 100 },
    ])
  })

  it('refuses a reconcile with user IDs that are not strings or a time that is not whole ms', async () => {
    const presence = createPresence(hooks)
    let error: unknown
    await presence.reconcile('r', [12345 as unknown as string]).catch((e: unknown) => (error = e))
    expect((error as Error).message).to.equal(
      '[@roomhooks/presence] reconcile() needs a room ID and an array of user ID strings',
    )
    await presence.reconcile('r', ['alice'], 1.5).catch((e: unknown) => (error = e))
    expect((error as Error).message).to.equal(
      '[@roomhooks/presence] reconcile() needs `at` in whole ms since the epoch, got 1.5',
    )
  })

  it('stops following the receiver once closed, and leaves a store it was given usable', async () => {
    const store = createMemoryPresenceStore()
    const presence = createPresence(hooks, { store })
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['alice'], EventTime: T })
    await presence.close()
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['bob'], EventTime: T })
    expect((await store.members('r')).map((member) => member.userId)).to.deep.equal(['alice'])
    const again = createPresence(hooks, { store })
    await simulate(hooks, 'member.enter', { RoomId: 'r', MemberList_Account: ['bob'], EventTime: T })
    expect(await again.count('r')).to.equal(2)
  })

  it('refuses something that is not a receiver', () => {
    expect(() => createPresence({} as RoomWebhooks)).to.throw(
      '[@roomhooks/presence] createPresence() needs the receiver made by createRoomWebhooks()',
    )
  })

  it('warns at creation, once, when callbacks go to a delivery, that a memory store only sees this process', async () => {
    const stored: unknown[] = []
    const delivery: CallbackDelivery = { enqueue: async (callback) => void stored.push(callback) }
    const queued = createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery, log: { warn() {}, error() {} } })
    const { lines, log } = recordingLog()
    createPresence(queued, { log })
    expect(lines).to.have.length(1)
    expect(lines[0]!.details[0]).to.match(/^\[@roomhooks\/presence\] callbacks go to a delivery/)
    await simulate(queued, 'member.enter', { EventTime: T })
    await simulate(queued, 'member.enter', { EventTime: T + 1 })
    expect(stored).to.have.length(2)
    expect(lines).to.have.length(1)
  })

  it('does not warn in a worker whose receiver has no delivery, and keeps the stored callbacks it runs', async () => {
    const stored: unknown[] = []
    const delivery: CallbackDelivery = { enqueue: async (callback) => void stored.push(callback) }
    const queued = createRoomWebhooks({ sdkAppId: SDK_APP_ID, delivery, log: { warn() {}, error() {} } })
    await simulate(queued, 'member.enter', { RoomId: 'worked', EventTime: T })
    const { lines, log } = recordingLog()
    const presence = createPresence(hooks, { log })
    for (const attempt of [1, 2]) {
      const outcome = await runStoredCallback(hooks, stored[0], { attempt, timeout: 1000 })
      expect(outcome.ok).to.equal(true)
    }
    expect(lines).to.deep.equal([])
    expect(await presence.count('worked')).to.equal(1)
  })

  it('does not warn about a memory store on a receiver that handles its callbacks itself', async () => {
    const { lines, log } = recordingLog()
    createPresence(hooks, { log })
    await simulate(hooks, 'member.enter', { EventTime: T })
    expect(lines).to.deep.equal([])
  })
})
