import type { CallbackContext, EventFor } from '@roomhooks/core'
import type { PresenceUpdate } from './presence-store.js'
import { isFactTime } from './rules.js'

/** The events room state is made of. */
export const presenceEvents = [
  'room.created',
  'room.destroyed',
  'live.created',
  'live.destroyed',
  'member.enter',
  'member.leave',
  'live.member.state',
  'seat.changed',
] as const

/** The events presence follows: room and live creation and destruction, member enter, leave and state, seats. */
export type PresenceEventName = (typeof presenceEvents)[number]

/**
 * When a fact happened, in ms: its `EventTime`; else a room's `CreateTime` (seconds, which Live creation carries
 * instead of `EventTime`); else when it was received, the best that is left (a late arrival then counts as late).
 * A time no stamp can hold (see {@link isFactTime}) is passed over as if absent.
 */
function timeOf(event: CallbackContext, createTime?: number): number {
  if (event.eventTime !== undefined && isFactTime(event.eventTime)) return event.eventTime
  if (createTime !== undefined && isFactTime(createTime * 1000)) return createTime * 1000
  return event.receivedAt
}

/**
 * What each callback means for room state; undefined for a callback that says nothing usable (a member state
 * that is neither `Online` nor `Offline`).
 */
export const updateOf: { readonly [N in PresenceEventName]: (event: EventFor<N>) => PresenceUpdate | undefined } = {
  'room.created': (event) => ({
    type: 'room.created',
    roomId: event.payload.RoomInfo.RoomId,
    kind: 'room',
    at: timeOf(event, event.payload.RoomInfo.CreateTime),
  }),
  'live.created': (event) => ({
    type: 'room.created',
    roomId: event.payload.RoomInfo.RoomId,
    kind: 'live',
    at: timeOf(event, event.payload.RoomInfo.CreateTime),
  }),
  'room.destroyed': (event) => ({
    type: 'room.destroyed',
    roomId: event.payload.RoomId,
    kind: 'room',
    at: timeOf(event),
  }),
  'live.destroyed': (event) => ({
    type: 'room.destroyed',
    roomId: event.payload.RoomId,
    kind: 'live',
    at: timeOf(event),
  }),
  'member.enter': (event) => ({
    type: 'members',
    roomId: event.payload.RoomId,
    kind: 'room',
    userIds: event.payload.MemberList_Account,
    present: true,
    at: timeOf(event),
  }),
  'member.leave': (event) => ({
    type: 'members',
    roomId: event.payload.RoomId,
    kind: 'room',
    userIds: event.payload.MemberList_Account,
    present: false,
    at: timeOf(event),
  }),
  // EventType decides, whatever the EventCause (Enter, Leave, HeartbeatInterrupt, HeartbeatRecover, Kicked).
  'live.member.state': (event) => {
    const { EventType } = event.payload
    if (EventType !== 'Online' && EventType !== 'Offline') return undefined
    return {
      type: 'members',
      roomId: event.payload.RoomId,
      kind: 'live',
      userIds: event.payload.MemberList.map((member) => member.Member_Account),
      present: EventType === 'Online',
      at: timeOf(event),
    }
  },
  // An empty seat may come without Member_Account or with an empty one.
  'seat.changed': (event) => ({
    type: 'seats',
    roomId: event.payload.RoomId,
    seats: event.payload.SeatList.map((seat) => ({ index: seat.Index, userId: seat.Member_Account || null })),
    at: timeOf(event),
  }),
}
