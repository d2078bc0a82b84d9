import { Inject, Injectable } from '@nestjs/common'
import type { EventFor } from '@roomhooks/core'
import { OnRoomEvent } from '@roomhooks/nestjs'
import { PRINT, type Print } from './print'

/** What the app does when rooms are created and members come and go. */
@Injectable()
export class RoomsService {
  constructor(@Inject(PRINT) private readonly print: Print) {}

  @OnRoomEvent('room.created')
  created(event: EventFor<'room.created'>): void {
    const { RoomId, Owner_Account } = event.payload.RoomInfo
    this.print(`room ${RoomId} created by ${Owner_Account ?? 'unknown'}`)
  }

  @OnRoomEvent('member.enter', 'member.leave')
  membersChanged(event: EventFor<'member.enter' | 'member.leave'>): void {
    const { MemberList_Account, RoomId } = event.payload
    this.print(`${MemberList_Account.join(', ')} ${event.name === 'member.enter' ? 'entered' : 'left'} ${RoomId}`)
  }

  @OnRoomEvent('live.destroyed')
  liveDestroyed(event: EventFor<'live.destroyed'>): void {
    // The platform sends this owner as a bare 18-digit JSON number: it arrives here as the exact string.
    this.print(`live room ${event.payload.RoomId} of ${event.payload.RoomInfo?.Owner_Account ?? 'unknown'} closed`)
  }
}
