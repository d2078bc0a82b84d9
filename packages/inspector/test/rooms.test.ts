import { expect } from 'chai'
import { createPresence, type Presence } from '@roomhooks/presence'
import { openEvents, serve, type Served } from './support.js'

describe('the Rooms view', () => {
  let served: Served | undefined
  let presence: Presence | undefined
  afterEach(async () => {
    await served?.close()
    await presence?.close()
    served = undefined
    presence = undefined
  })

  const withPresence = () =>
    serve({}, {}, (hooks) => {
      presence = createPresence(hooks)
      return { presence }
    })

  it('answers 404 when no presence is configured', async () => {
    served = await serve()
    const answer = await served.get('/roomhooks/api/rooms')
    expect([answer.status, answer.body]).to.deep.equal([404, { error: 'presence not configured' }])
  })

  it('lists the open rooms with their counts, members and seats', async () => {
    served = await withPresence()
    await served.send('room.created', { overrides: { RoomInfo: { RoomId: 'r1' } } })
    await served.send('member.enter', {
      overrides: { RoomId: 'r1', MemberList_Account: ['alice', '144115233775727695'], EventTime: 1_800_000_000_000 },
    })
    await served.send('seat.changed', {
      overrides: { RoomId: 'r1', SeatList: [{ Index: 0, Member_Account: 'alice' }], EventTime: 1_800_000_000_001 },
    })
    const { status, body } = await served.get('/roomhooks/api/rooms')
    expect(status).to.equal(200)
    expect(body.rooms).to.have.length(1)
    const [room] = body.rooms
    expect(room).to.include({ roomId: 'r1', kind: 'room', count: 2 })
    expect(room.members.map((member: any) => member.userId).sort()).to.deep.equal(['144115233775727695', 'alice'])
    expect(room.members[0].since).to.equal(1_800_000_000_000)
    expect(room.seats).to.deep.equal([{ index: 0, userId: 'alice' }])
  })

  it('sends the rooms again on the live stream after a presence change', async () => {
    served = await withPresence()
    const stream = await openEvents(`${served.url}/roomhooks/api/events`)
    await served.send('member.enter', { overrides: { RoomId: 'r2', MemberList_Account: ['bob'] } })
    const { rooms } = await stream.next('rooms', (data) => data.rooms.some((room: any) => room.roomId === 'r2'))
    expect(rooms.find((room: any) => room.roomId === 'r2')).to.deep.include({ count: 1 })
    await served.send('member.leave', {
      overrides: { RoomId: 'r2', MemberList_Account: ['bob'], EventTime: Date.now() + 1000 },
    })
    await stream.next('rooms', (data) => !data.rooms.some((room: any) => room.roomId === 'r2' && room.count > 0))
    stream.close()
  })
})
