// Compile-only checks of @OnRoomEvent()'s types, under the compiler options of a Nest project; never loaded (the
// last decorator throws when it runs).
import type { EventFor } from '@roomhooks/core'
import { OnRoomEvent } from '@roomhooks/nestjs'

export class DecoratorTypes {
  @OnRoomEvent('room.created')
  oneName(event: EventFor<'room.created'>): string {
    return event.payload.RoomInfo.RoomId
  }

  @OnRoomEvent('Room.CallbackAfterMemberEnter', 'member.leave')
  severalNames(event: EventFor<'member.enter' | 'member.leave'>): string[] {
    return event.payload.MemberList_Account
  }

  @OnRoomEvent(['live.created', 'live.destroyed'])
  anArray(event: EventFor<'live.created' | 'live.destroyed'>): string | undefined {
    return event.payload.RoomInfo?.RoomId
  }

  @OnRoomEvent('room.created')
  noParameter(): void {}

  @OnRoomEvent('gift.beforeSend')
  async decision(event: EventFor<'gift.beforeSend'>) {
    await Promise.resolve()
    return event.payload.GiftWater.Coins > 10 ? event.reject('no') : undefined
  }

  // @ts-expect-error the method takes the event of another name
  @OnRoomEvent('room.created')
  otherEvent(event: EventFor<'member.enter'>): void {
    void event
  }

  // @ts-expect-error the method takes one of the two events only
  @OnRoomEvent('member.enter', 'member.leave')
  oneOfTwo(event: EventFor<'member.enter'>): void {
    void event
  }

  // @ts-expect-error a before-callback's handler returns a decision
  @OnRoomEvent('gift.beforeSend')
  notADecision(): string {
    return 'allow'
  }

  // @ts-expect-error not an event name
  @OnRoomEvent('room.create')
  typo(): void {}

  // @ts-expect-error at least one name
  @OnRoomEvent()
  noName(): void {}
}
