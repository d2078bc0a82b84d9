import { Injectable } from '@nestjs/common'
import type { EventFor } from '@roomhooks/core'
import { OnRoomEvent } from '@roomhooks/nestjs'
import { Recorder } from './recorder.js'

/** Handlers of after-callbacks: one name, several names, an array, stacked decorators, a failure, a slow one. */
@Injectable()
export class RoomsService {
  constructor(private readonly recorder: Recorder) {}

  @OnRoomEvent('room.created')
  created(event: EventFor<'room.created'>): void {
    this.recorder.lines.push(`room ${event.payload.RoomInfo.RoomId} created by ${event.payload.RoomInfo.Owner_Account}`)
  }

  @OnRoomEvent('member.enter', 'member.leave')
  members(event: EventFor<'member.enter' | 'member.leave'>): void {
    this.recorder.lines.push(`${event.name} ${event.payload.MemberList_Account.join(',')} in ${event.payload.RoomId}`)
  }

  @OnRoomEvent(['live.created', 'Live.CallbackAfterDestroyRoom'])
  async live(event: EventFor<'live.created' | 'live.destroyed'>): Promise<void> {
    await Promise.resolve()
    this.recorder.lines.push(`${event.name} owned by ${event.payload.RoomInfo?.Owner_Account}`)
  }

  @OnRoomEvent('seat.changed')
  @OnRoomEvent('battle.created')
  stacked(event: EventFor<'seat.changed' | 'battle.created'>): void {
    this.recorder.lines.push(`stacked ${event.name}`)
  }

  @OnRoomEvent('room.destroyed')
  failing(): void {
    throw new Error('database password is hunter2')
  }

  @OnRoomEvent('room.updated')
  async slow(event: EventFor<'room.updated'>): Promise<void> {
    this.recorder.lines.push(`slow ${event.payload.RoomInfo.RoomId} started`)
    await new Promise((resolve) => setTimeout(resolve, 300))
    this.recorder.lines.push(`slow ${event.payload.RoomInfo.RoomId} finished`)
  }
}
