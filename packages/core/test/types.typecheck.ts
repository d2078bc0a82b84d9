// Compile-only: `npm run typecheck` fails if any line here stops type-checking, or if an @ts-expect-error line
// stops being an error. Not run by mocha.
import { createRoomWebhooks, type EventFor, type PayloadOf, type RoomCallbackEvent } from '@roomhooks/core'

const hooks = createRoomWebhooks({ sdkAppId: 1400000000 })

hooks.on('room.created', (event) => {
  const roomId: string = event.payload.RoomInfo.RoomId
  const name: 'room.created' = event.name
  const command: 'Room.CallbackAfterCreateRoom' = event.command
  const owner: string | undefined = event.payload.RoomInfo.Owner_Account
  const recordingOff: boolean | undefined = event.payload.RoomInfo.IsCloudRecordingDisabled
  void [roomId, name, command, owner, recordingOff]
  // @ts-expect-error MemberList_Account is a field of member callbacks, not of room.created
  void event.payload.MemberList_Account
})

hooks.on('member.enter', (event) => {
  const members: string[] = event.payload.MemberList_Account
  void members
  // @ts-expect-error Room.CallbackAfterMemberEnter has no RoomInfo
  void event.payload.RoomInfo
  // @ts-expect-error Reason is only sent when members leave
  void event.payload.Reason
})

hooks.on('Room.CallbackAfterMemberLeave', (event) => {
  const name: 'member.leave' = event.name
  const reason: string | undefined = event.payload.Reason
  void [name, reason]
})

hooks.on('Room.CallbackUpdateRoomInfo', (event) => {
  const name: 'room.updated' = event.name
  void name
})

hooks.on(['member.enter', 'member.leave'], (event) => {
  const members: string[] = event.payload.MemberList_Account
  void members
  // @ts-expect-error Reason is not on every event of the list
  void event.payload.Reason
  if (event.name === 'member.leave') void event.payload.Reason
})

hooks.on('live.destroyed', (event) => {
  const owner: string | undefined = event.payload.RoomInfo?.Owner_Account
  void owner
})

hooks.on('seat.changed', (event) => {
  const member: string | undefined = event.payload.SeatList[0]?.Member_Account
  void member
})

// @ts-expect-error not an event of the catalog
hooks.on('room.exploded', () => {})

// @ts-expect-error a handler for room.created cannot expect a member.enter event
hooks.on('room.created', (event: RoomCallbackEvent<'member.enter'>) => void event)

hooks.onAny((event) => {
  switch (event.name) {
    case 'room.destroyed':
      void (event.payload.RoomId satisfies string)
      break
    case null:
      void (event.command satisfies string)
      void (event.payload satisfies Readonly<Record<string, unknown>>)
      break
  }
})

hooks.onError((error) => {
  void (error.status satisfies number)
  void (error.code satisfies number)
})

const handler = (event: EventFor<'room.destroyed'>) => void event.payload.RoomId
hooks.on('room.destroyed', handler).removeListener('room.destroyed', handler)

type Created = PayloadOf<'Room.CallbackAfterCreateRoom'>
const created: Created['RoomInfo']['RoomId'] = 'r'
void created

async function noFramework(): Promise<void> {
  const { status, body } = await hooks.receive({ query: 'SdkAppid=1400000000', body: '{}' })
  void (status satisfies number)
  void (body.ActionStatus satisfies 'OK' | 'FAIL')
}
void noFramework
