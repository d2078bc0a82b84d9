// The rules of docs/presence.md, run against every store: the memory store (memory-store.test.ts) and the Redis
// store (redis-store.test.ts) must agree on every one.
import { expect } from 'chai'
import fc from 'fast-check'
import type { PresenceChange, PresenceStore, PresenceUpdate } from '@roomhooks/presence'

const T = 1_703_589_922_780

/** Makes a fresh, empty store with this ttl (ms) for one test. */
export type StoreFactory = (options?: { ttl?: number }) => PresenceStore | Promise<PresenceStore>

const enter = (roomId: string, userIds: string[], at: number): PresenceUpdate => ({
  type: 'members',
  roomId,
  kind: 'room',
  userIds,
  present: true,
  at,
})
const leave = (roomId: string, userIds: string[], at: number): PresenceUpdate => ({
  type: 'members',
  roomId,
  kind: 'room',
  userIds,
  present: false,
  at,
})
const created = (roomId: string, at: number, kind: 'room' | 'live' = 'room'): PresenceUpdate => ({
  type: 'room.created',
  roomId,
  kind,
  at,
})
const destroyed = (roomId: string, at: number): PresenceUpdate => ({ type: 'room.destroyed', roomId, kind: 'room', at })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function presenceStoreRules(makeStore: StoreFactory): void {
  let store: PresenceStore
  beforeEach(async () => {
    store = await makeStore()
  })
  afterEach(() => store.close())

  async function applyAll(updates: PresenceUpdate[]): Promise<PresenceChange[]> {
    const changes: PresenceChange[] = []
    for (const update of updates) changes.push(...(await store.apply(update)))
    return changes
  }
  const userIdsIn = async (roomId: string) => (await store.members(roomId)).map((member) => member.userId)

  it('keeps a member from the Enter, with its EventTime as since', async () => {
    const changes = await store.apply(enter('r', ['alice'], T))
    expect(changes).to.deep.equal([{ type: 'enter', roomId: 'r', userId: 'alice', at: T }])
    expect(await store.members('r')).to.deep.equal([{ userId: 'alice', since: T }])
    expect(await store.count('r')).to.equal(1)
  })

  it('changes nothing and reports nothing for a duplicate Enter or Leave', async () => {
    await store.apply(enter('r', ['alice'], T))
    expect(await store.apply(enter('r', ['alice'], T))).to.deep.equal([])
    await store.apply(leave('r', ['alice'], T + 5))
    expect(await store.apply(leave('r', ['alice'], T + 5))).to.deep.equal([])
    expect(await store.count('r')).to.equal(0)
  })

  it('ignores a Leave older than the Enter it arrives after', async () => {
    await store.apply(enter('r', ['alice'], T + 10))
    expect(await store.apply(leave('r', ['alice'], T))).to.deep.equal([])
    expect(await userIdsIn('r')).to.deep.equal(['alice'])
  })

  it('leaves no ghost when a Leave arrives before its Enter', async () => {
    expect(await store.apply(leave('r', ['alice'], T + 10))).to.deep.equal([])
    expect(await store.apply(enter('r', ['alice'], T))).to.deep.equal([])
    expect(await store.count('r')).to.equal(0)
    expect(await store.members('r')).to.deep.equal([])
  })

  it('lets an Enter win over a Leave of the same EventTime, in either order (a second device)', async () => {
    await applyAll([enter('r', ['alice'], T), leave('r', ['alice'], T)])
    await applyAll([leave('r', ['bob'], T), enter('r', ['bob'], T)])
    expect(await userIdsIn('r')).to.deep.equal(['alice', 'bob'])
  })

  it('applies a later Leave after a newer Enter: the latest EventTime wins', async () => {
    await applyAll([enter('r', ['alice'], T), enter('r', ['alice'], T + 10), leave('r', ['alice'], T + 20)])
    expect(await store.count('r')).to.equal(0)
  })

  it('moves since to the latest Enter that counts', async () => {
    await applyAll([enter('r', ['alice'], T + 10), enter('r', ['alice'], T)])
    expect(await store.members('r')).to.deep.equal([{ userId: 'alice', since: T + 10 }])
    expect(await store.apply(enter('r', ['alice'], T + 20))).to.deep.equal([])
    expect(await store.members('r')).to.deep.equal([{ userId: 'alice', since: T + 20 }])
  })

  it('applies every member listed under one EventTime, each once', async () => {
    const changes = await store.apply(enter('r', ['alice', 'bob', 'alice', 'carol'], T))
    expect(changes.map((change) => change.userId)).to.deep.equal(['alice', 'bob', 'carol'])
    expect(await store.count('r')).to.equal(3)
  })

  it('keeps user IDs exact, 18-digit ones included', async () => {
    await store.apply(enter('r', ['144115233775727695', '144115233775727696'], T))
    expect(await userIdsIn('r')).to.deep.equal(['144115233775727695', '144115233775727696'])
  })

  it('reports the user of each change, an empty user ID included', async () => {
    expect(await store.apply(enter('r', ['', 'alice'], T))).to.deep.equal([
      { type: 'enter', roomId: 'r', userId: '', at: T },
      { type: 'enter', roomId: 'r', userId: 'alice', at: T },
    ])
    expect(await store.apply(leave('r', [''], T + 1))).to.deep.equal([
      { type: 'leave', roomId: 'r', userId: '', at: T + 1 },
    ])
  })

  it('applies a fact listing 200,000 users', async function () {
    this.timeout(30_000)
    const userIds = Array.from({ length: 200_000 }, (_, i) => `user-${i}`)
    expect(await store.apply(enter('big', userIds, T))).to.have.length(200_000)
    const changes = await store.apply({ type: 'reconcile', roomId: 'big', userIds: userIds.slice(1), at: T + 1 })
    expect(changes).to.deep.equal([{ type: 'leave', roomId: 'big', userId: 'user-0', at: T + 1 }])
    expect(await store.count('big')).to.equal(199_999)
  })

  it('ends every membership older than a destroy, and reports each', async () => {
    await applyAll([created('r', T - 100), enter('r', ['alice', 'bob'], T), leave('r', ['carol'], T)])
    const changes = await store.apply(destroyed('r', T + 50))
    expect(changes).to.deep.include.members([
      { type: 'room.destroyed', roomId: 'r', at: T + 50 },
      { type: 'leave', roomId: 'r', userId: 'alice', at: T + 50 },
      { type: 'leave', roomId: 'r', userId: 'bob', at: T + 50 },
    ])
    expect(changes).to.have.length(3)
    expect(await store.count('r')).to.equal(0)
    expect(await store.rooms()).to.deep.equal([])
  })

  it('keeps out an Enter older than the destroy that arrives after it, or of the same ms', async () => {
    await store.apply(destroyed('r', T))
    expect(await applyAll([enter('r', ['alice'], T - 1), enter('r', ['bob'], T)])).to.deep.equal([])
    expect(await store.count('r')).to.equal(0)
  })

  it('starts a re-created RoomId empty, and counts the Enters after the creation', async () => {
    await applyAll([created('r', T), enter('r', ['alice'], T + 1), destroyed('r', T + 10)])
    const changes = await applyAll([created('r', T + 20, 'live'), enter('r', ['bob'], T + 20)])
    expect(changes).to.deep.equal([
      { type: 'room.created', roomId: 'r', at: T + 20 },
      { type: 'enter', roomId: 'r', userId: 'bob', at: T + 20 },
    ])
    expect(await userIdsIn('r')).to.deep.equal(['bob'])
    expect(await store.rooms()).to.deep.equal([{ roomId: 'r', kind: 'live', count: 1 }])
  })

  it('ends the memberships of an earlier life when the re-creation arrives but its destroy was lost', async () => {
    await applyAll([created('r', T), enter('r', ['alice'], T + 1), created('r', T + 20)])
    expect(await store.count('r')).to.equal(0)
  })

  it('keeps the members of the new life when the old destroy arrives last', async () => {
    await applyAll([created('r', T), enter('r', ['alice'], T + 1)])
    await applyAll([created('r', T + 20), enter('r', ['bob'], T + 21), destroyed('r', T + 10)])
    expect(await userIdsIn('r')).to.deep.equal(['bob'])
    expect(await store.rooms()).to.deep.equal([{ roomId: 'r', kind: 'room', count: 1 }])
  })

  it('ignores an older creation arriving after the destroy', async () => {
    expect(await applyAll([destroyed('r', T + 10), created('r', T)])).to.deep.equal([])
    expect(await store.rooms()).to.deep.equal([])
  })

  it('lists open rooms and rooms with members, with their kind and count', async () => {
    await applyAll([
      created('empty', T),
      created('live', T, 'live'),
      { type: 'members', roomId: 'live', kind: 'live', userIds: ['a', 'b'], present: true, at: T + 1 },
      enter('never-created', ['c'], T),
      created('gone', T),
      destroyed('gone', T + 1),
      enter('left', ['d'], T),
      leave('left', ['d'], T + 1),
    ])
    const rooms = (await store.rooms()).sort((a, b) => a.roomId.localeCompare(b.roomId))
    expect(rooms).to.deep.equal([
      { roomId: 'empty', kind: 'room', count: 0 },
      { roomId: 'live', kind: 'live', count: 2 },
      { roomId: 'never-created', kind: 'room', count: 1 },
    ])
  })

  it('gives a room the kind of its latest fact, whatever the order (a RoomId reused by the other product)', async () => {
    // A room's life ends at T; the RoomId lives on as a live room whose creation was lost.
    const facts: PresenceUpdate[] = [
      { type: 'room.destroyed', roomId: 'r', kind: 'room', at: T },
      { type: 'members', roomId: 'r', kind: 'live', userIds: ['alice'], present: true, at: T + 20 },
      enter('r', ['bob'], T - 5),
    ]
    for (const [n, order] of [
      [0, 1, 2],
      [1, 0, 2],
      [2, 1, 0],
      [1, 2, 0],
    ].entries()) {
      const roomId = `r${n}`
      await applyAll(order.map((i) => ({ ...facts[i]!, roomId })))
      expect(await store.rooms(), roomId).to.deep.include({ roomId, kind: 'live', count: 1 })
    }
    // A creation names the kind over the other facts of its ms (these Enters name 'room').
    await applyAll([created('c', T, 'live'), enter('c', ['carol'], T)])
    await applyAll([enter('d', ['carol'], T), created('d', T, 'live')])
    expect(await store.rooms()).to.deep.include.members([
      { roomId: 'c', kind: 'live', count: 1 },
      { roomId: 'd', kind: 'live', count: 1 },
    ])
  })

  it('keeps the latest seat list, 18-digit IDs exact, and ignores an older one', async () => {
    const latest = [
      { index: 1, userId: null },
      { index: 0, userId: '144115233775727695' },
    ]
    expect(await store.apply({ type: 'seats', roomId: 'r', seats: latest, at: T + 10 })).to.deep.equal([
      { type: 'seats', roomId: 'r', at: T + 10 },
    ])
    const older = [{ index: 0, userId: 'alice' }]
    expect(await store.apply({ type: 'seats', roomId: 'r', seats: older, at: T })).to.deep.equal([])
    expect(await store.apply({ type: 'seats', roomId: 'r', seats: latest, at: T + 10 })).to.deep.equal([])
    expect(await store.seats('r')).to.deep.equal([
      { index: 0, userId: '144115233775727695' },
      { index: 1, userId: null },
    ])
  })

  it('picks the same seat list of two sent in one ms, whatever their order', async () => {
    const one = [{ index: 0, userId: 'alice' }]
    const two = [{ index: 0, userId: 'bob' }]
    await applyAll([
      { type: 'seats', roomId: 'a', seats: one, at: T },
      { type: 'seats', roomId: 'a', seats: two, at: T },
      { type: 'seats', roomId: 'b', seats: two, at: T },
      { type: 'seats', roomId: 'b', seats: one, at: T },
    ])
    expect(await store.seats('a')).to.deep.equal(await store.seats('b'))
  })

  it('picks the same seat list of two sent in one ms as every other store, whatever the characters', async () => {
    // Both stores order the lists by their canonical text; non-ASCII user IDs must not make them disagree.
    const fullwidth = [{ index: 0, userId: '\uff01' }]
    const emoji = [{ index: 0, userId: '\u{1f600}' }]
    const accented = [{ index: 0, userId: 'é' }]
    await applyAll([
      { type: 'seats', roomId: 'a', seats: fullwidth, at: T },
      { type: 'seats', roomId: 'a', seats: emoji, at: T },
      { type: 'seats', roomId: 'a', seats: accented, at: T },
      { type: 'seats', roomId: 'b', seats: accented, at: T },
      { type: 'seats', roomId: 'b', seats: emoji, at: T },
      { type: 'seats', roomId: 'b', seats: fullwidth, at: T },
    ])
    expect(await store.seats('a')).to.deep.equal(fullwidth)
    expect(await store.seats('b')).to.deep.equal(fullwidth)
  })

  it('forgets the seat list of a destroyed room, and ignores one older than the destroy', async () => {
    await store.apply({ type: 'seats', roomId: 'r', seats: [{ index: 0, userId: 'alice' }], at: T })
    expect(await store.apply(destroyed('r', T + 1))).to.deep.include({ type: 'seats', roomId: 'r', at: T + 1 })
    await store.apply({ type: 'seats', roomId: 'r', seats: [{ index: 0, userId: 'bob' }], at: T + 1 })
    expect(await store.seats('r')).to.deep.equal([])
  })

  it('reconciles to exactly the listed users as of its time', async () => {
    await applyAll([enter('r', ['alice', 'bob'], T), leave('r', ['carol'], T)])
    const changes = await applyAll([{ type: 'reconcile', roomId: 'r', userIds: ['bob', 'carol', 'dave'], at: T + 100 }])
    expect(changes).to.deep.include.members([
      { type: 'leave', roomId: 'r', userId: 'alice', at: T + 100 },
      { type: 'enter', roomId: 'r', userId: 'carol', at: T + 100 },
      { type: 'enter', roomId: 'r', userId: 'dave', at: T + 100 },
    ])
    expect(changes).to.have.length(3)
    expect(await store.members('r')).to.deep.equal([
      { userId: 'bob', since: T },
      { userId: 'carol', since: T + 100 },
      { userId: 'dave', since: T + 100 },
    ])
  })

  it('applies facts newer than a reconcile and ignores older ones', async () => {
    await store.apply({ type: 'reconcile', roomId: 'r', userIds: ['alice'], at: T })
    expect(await applyAll([leave('r', ['alice'], T - 1), enter('r', ['bob'], T - 1)])).to.deep.equal([])
    await applyAll([leave('r', ['alice'], T + 1), enter('r', ['carol'], T + 1)])
    expect(await userIdsIn('r')).to.deep.equal(['carol'])
  })

  it('keeps the users of both lists of two reconciles of one ms, whatever their order', async () => {
    const first: PresenceUpdate = { type: 'reconcile', roomId: 'a', userIds: ['alice', 'bob'], at: T }
    const second: PresenceUpdate = { type: 'reconcile', roomId: 'a', userIds: ['bob', 'carol'], at: T }
    await applyAll([enter('a', ['dave'], T - 1), first, second])
    await applyAll([enter('b', ['dave'], T - 1), { ...second, roomId: 'b' }, { ...first, roomId: 'b' }])
    expect(await userIdsIn('a')).to.deep.equal(['alice', 'bob', 'carol'])
    expect(await userIdsIn('b')).to.deep.equal(['alice', 'bob', 'carol'])
  })

  it('ignores a reconcile older than the room’s destroy', async () => {
    await store.apply(destroyed('r', T))
    expect(await store.apply({ type: 'reconcile', roomId: 'r', userIds: ['alice'], at: T - 1 })).to.deep.equal([])
    expect(await store.count('r')).to.equal(0)
  })

  it("forgets a departed member's record after the ttl, and a closed empty room", async () => {
    store = await makeStore({ ttl: 150 })
    await applyAll([created('r', T), enter('r', ['alice'], T), destroyed('r', T + 1)])
    await applyAll([created('open', T), enter('open', ['bob'], T + 1), leave('open', ['bob'], T + 2)])
    await sleep(250)
    // Once the Leave's record is gone, an Enter older than it counts again: the ttl bounds how late a fact may be.
    await store.apply(enter('open', ['bob'], T + 1))
    expect(await userIdsIn('open')).to.deep.equal(['bob'])
    expect(await store.rooms()).to.deep.equal([{ roomId: 'open', kind: 'room', count: 1 }])
    await store.apply(enter('r', ['alice'], T - 5))
    expect(await userIdsIn('r')).to.deep.equal(['alice'])
  })

  it('ends with the latest fact per user, whatever the order of delivery, with duplicates', async function () {
    this.timeout(20_000)
    const users = ['u0', 'u1', 'u2', '144115233775727695']
    const fact = fc.record({
      user: fc.constantFrom(...users),
      at: fc.integer({ min: T, max: T + 20 }),
      present: fc.boolean(),
    })
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(fact, { minLength: 1, maxLength: 30 }), fc.integer(), async (facts, seed) => {
        const roomId = `shuffle-${++run}`
        const updates = facts.map((f) => (f.present ? enter : leave)(roomId, [f.user], f.at))
        const delivered = shuffled([...updates, ...updates.slice(0, 5)], seed)
        for (const update of delivered) await store.apply(update)
        expect(await userIdsIn(roomId)).to.deep.equal(expectedMembers(facts))
      }),
      { numRuns: 60 },
    )
  })
}

/** The members "the latest fact per user wins" gives (an Enter wins a tie), sorted as members() sorts them. */
export function expectedMembers(facts: readonly { user: string; at: number; present: boolean }[]): string[] {
  const latest = new Map<string, { at: number; present: boolean }>()
  for (const fact of facts) {
    const seen = latest.get(fact.user)
    if (seen === undefined || fact.at > seen.at || (fact.at === seen.at && fact.present)) latest.set(fact.user, fact)
  }
  return [...latest]
    .filter(([, fact]) => fact.present)
    .sort(([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : 1))
    .map(([user]) => user)
}

/** A copy of `items` in an order drawn from `seed` (Fisher–Yates over a small linear congruential generator). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items]
  let state = seed >>> 0
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    const j = state % (i + 1)
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}
