// Compile-only: `npm run typecheck` fails if any line here stops type-checking, or if an @ts-expect-error line
// stops being an error. Not run by mocha.
import {
  createRoomWebhooks,
  type AnyCallbackEvent,
  type BeforeEventName,
  type Decision,
  type DecisionHelpersOf,
  type EventFor,
  type EventName,
  type PayloadOf,
  type RoomCallbackEvent,
} from '@roomhooks/core'

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

// Every event of the catalog narrows its payload to its own fields.
hooks.on('room.created', (e) => void (e.payload.RoomInfo.RoomId satisfies string))
hooks.on('room.destroyed', (e) => void (e.payload.RoomId satisfies string))
hooks.on('room.updated', (e) => void (e.payload.RoomInfo.IsCloudRecordingDisabled satisfies boolean | undefined))
hooks.on('member.enter', (e) => void (e.payload.MemberCount satisfies number | undefined))
hooks.on('member.leave', (e) => void (e.payload.Reason satisfies string | undefined))
hooks.on('seat.changed', (e) => void (e.payload.SeatList satisfies { Index: number }[]))
hooks.on('live.created', (e) => void (e.payload.RoomInfo.Category satisfies number[] | undefined))
hooks.on('live.destroyed', (e) => void (e.payload.Statistic?.TotalGiftCoins satisfies number | undefined))
hooks.on('live.updated', (e) => void (e.payload.RoomInfo.CoverURL satisfies string | undefined))
hooks.on('live.metadata.set', (e) => void (e.payload.Metadata satisfies { Key: string; Value: string }[]))
hooks.on('live.metadata.deleted', (e) => void (e.payload.Keys satisfies string[]))
hooks.on('live.quota.threshold', (e) => void (e.payload.MaxRoomCount satisfies number))
hooks.on('live.member.state', (e) => void (e.payload.MemberList satisfies { Member_Account: string }[]))
hooks.on('live.owner.changed', (e) => void (e.payload.CurrentOwner_Account satisfies string))
hooks.on('live.admin.changed', (e) => void (e.payload.opType satisfies string))
hooks.on('battle.created', (e) => void (e.payload.ToRoomIdList satisfies string[]))
hooks.on('battle.started', (e) => void (e.payload.StartTime satisfies number | undefined))
hooks.on('battle.ended', (e) => void (e.payload.OpType satisfies number | undefined))
hooks.on('gift.beforeSend', (e) => void (e.payload.GiftWater.Coins satisfies number))
hooks.on('message.beforeSend', (e) => void (e.payload.MsgBody satisfies { MsgType: string }[]))
hooks.on('message.sent', (e) => void (e.payload.MsgSeq satisfies number | undefined))
hooks.on('follow.added', (e) => void (e.payload.FollowList satisfies { To_Account: string }[]))
hooks.on('follow.removed', (e) => void (e.payload.From_Account satisfies string))
hooks.on('recording.changed', (e) => void (e.payload.EventInfo.TaskId satisfies string | undefined))
hooks.on('Live.CallbackMemberStateChanged', (e) => void (e.name satisfies 'live.member.state'))
hooks.on('Follow.CallbackAfterCloudRecordingChanged', (e) => void (e.name satisfies 'recording.changed'))

// Before-callbacks decide, each with the helpers its command allows.
hooks.on('gift.beforeSend', (event) => {
  if (event.payload.GiftWater.Coins > 100_000) return event.reject('Gift too large')
  if (event.payload.GiftWater.Count > 99) return event.reject('Too many', 102101)
  return event.allow()
})
hooks.on('gift.beforeSend', () => undefined)
hooks.on('gift.beforeSend', async (event) => event.allow())
hooks.on('message.beforeSend', (event) => {
  if (event.payload.MsgBody.length === 0) return event.drop()
  return event.allow({ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'clean' } }] })
})
// @ts-expect-error a gift cannot be dropped
hooks.on('gift.beforeSend', (event) => event.drop())
// @ts-expect-error a gift's answer cannot carry a message body
hooks.on('gift.beforeSend', (event) => event.allow({ MsgBody: [] }))
declare const messageDecision: ReturnType<RoomCallbackEvent<'message.beforeSend'>['drop']>
// @ts-expect-error a gift handler cannot return a message's decision
hooks.on('gift.beforeSend', () => messageDecision)
// @ts-expect-error before-callback handlers return a decision or nothing
hooks.on('gift.beforeSend', () => 'allow')
// @ts-expect-error after-callbacks have no decision helpers
hooks.on('room.created', (event) => event.reject('no'))
void messageDecision

// Exact types. `satisfies` and assignments let `any` through (a field turned into Type.Any() would still pass
// every check above), so these pin whole types: Equal<A, B> is true only when A and B are identical, which `any`,
// a missing or extra field, a field that became optional, a widened type or a lost readonly all break.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

// The helper itself: it tells `any` from every other type, `unknown` included.
export type EqualSelfTest = [
  Expect<Equal<string, string>>,
  Expect<Equal<Equal<any, string>, false>>,
  Expect<Equal<Equal<string, any>, false>>,
  Expect<Equal<Equal<any, unknown>, false>>,
  Expect<Equal<Equal<{ a: string }, { a: any }>, false>>,
  Expect<Equal<Equal<{ a: number }, { a?: number }>, false>>,
  Expect<Equal<Equal<{ a: number }, { a: number; b?: string }>, false>>,
  Expect<Equal<Equal<{ a: number }, { readonly a: number }>, false>>,
]

export type PayloadTypes = [
  Expect<
    Equal<
      PayloadOf<'member.enter'>,
      {
        CallbackCommand: 'Room.CallbackAfterMemberEnter'
        Operator_Account?: string
        RoomId: string
        MemberCount?: number
        Type?: string
        MemberList_Account: string[]
        EventTime?: number
      }
    >
  >,
  Expect<
    Equal<
      PayloadOf<'gift.beforeSend'>,
      {
        CallbackCommand: 'Live.CallbackBeforeSendGift'
        Operator_Account?: string
        RoomId: string
        GiftWater: {
          From_Account: string
          To_Account: string[]
          Time?: number
          GiftId: string
          Count: number
          Coins: number
        }
        EventTime?: number
      }
    >
  >,
  Expect<
    Equal<
      PayloadOf<'follow.removed'>,
      {
        CallbackCommand: 'Follow.CallbackAfterFollowDelete'
        From_Account: string
        To_Account: string[]
        EventTime?: number
      }
    >
  >,
  Expect<
    Equal<
      PayloadOf<'live.member.state'>,
      {
        CallbackCommand: 'Live.CallbackAfterMemberStateChanged' | 'Live.CallbackMemberStateChanged'
        RoomId: string
        EventType: string
        EventCause?: string
        MemberList: { Member_Account: string }[]
        EventTime?: number
      }
    >
  >,
  Expect<
    Equal<
      PayloadOf<'seat.changed'>,
      {
        CallbackCommand: 'Mic.CallbackAfterSeatInfoChanged'
        Operator_Account?: string
        RoomId: string
        SeatList: {
          Index: number
          Member_Account?: string
          IsTakenDisabled?: boolean
          IsVideoDisabled?: boolean
          IsAudioDisabled?: boolean
        }[]
        EventTime?: number
      }
    >
  >,
  Expect<
    Equal<PayloadOf<'message.beforeSend'>['MsgBody'], { MsgType: string; MsgContent: { [key: string]: unknown } }[]>
  >,
  // A command, its alias and its event name give one payload.
  Expect<Equal<PayloadOf<'Live.CallbackMemberStateChanged'>, PayloadOf<'live.member.state'>>>,
  Expect<Equal<PayloadOf<'Room.CallbackAfterMemberEnter'>, PayloadOf<'member.enter'>>>,
]

type MemberEnter = EventFor<'member.enter'>
export type EventTypes = [
  Expect<Equal<MemberEnter['sdkAppId'], number>>,
  Expect<Equal<MemberEnter['clientIp'], string | undefined>>,
  Expect<Equal<MemberEnter['platform'], string | undefined>>,
  Expect<Equal<MemberEnter['eventTime'], number | undefined>>,
  Expect<Equal<MemberEnter['receivedAt'], number>>,
  // 1 inline; 1, 2, … when a worker runs the callback from a delivery
  Expect<Equal<MemberEnter['attempt'], number>>,
  Expect<Equal<AnyCallbackEvent['attempt'], number>>,
  Expect<Equal<MemberEnter['name'], 'member.enter'>>,
  Expect<Equal<MemberEnter['command'], 'Room.CallbackAfterMemberEnter'>>,
  Expect<Equal<MemberEnter['payload'], PayloadOf<'member.enter'>>>,
  Expect<Equal<EventFor<'Room.CallbackAfterMemberEnter'>, MemberEnter>>,
  Expect<Equal<EventFor<'member.enter' | 'member.leave'>['name'], 'member.enter' | 'member.leave'>>,
]

// Which events decide, and with which helpers.
type AfterEventName = Exclude<EventName, BeforeEventName>
type Gift = EventFor<'gift.beforeSend'>
type Message = EventFor<'message.beforeSend'>
export type DecisionTypes = [
  Expect<Equal<BeforeEventName, 'gift.beforeSend' | 'message.beforeSend'>>,
  Expect<Equal<keyof DecisionHelpersOf<'gift.beforeSend'>, 'reject' | 'allow'>>,
  Expect<Equal<keyof DecisionHelpersOf<'message.beforeSend'>, 'reject' | 'allow' | 'drop'>>,
  // every after-callback, each on its own: no helpers at all
  Expect<Equal<{ [E in AfterEventName]: DecisionHelpersOf<E> }, { [E in AfterEventName]: unknown }>>,
  Expect<Equal<Parameters<Gift['allow']>, []>>,
  Expect<Equal<Parameters<Gift['reject']>, [info?: string, code?: number]>>,
  Expect<Equal<ReturnType<Gift['allow'] | Gift['reject']>, Decision<'gift.beforeSend'>>>,
  Expect<
    Equal<
      Parameters<Message['allow']>,
      [replacement?: { readonly MsgBody: PayloadOf<'message.beforeSend'>['MsgBody'] }]
    >
  >,
  Expect<Equal<Parameters<Message['drop']>, []>>,
  Expect<Equal<ReturnType<Message['allow'] | Message['reject'] | Message['drop']>, Decision<'message.beforeSend'>>>,
]
