import { Inject, Injectable } from '@nestjs/common'
import type { EventFor } from '@roomhooks/core'
import { OnRoomEvent } from '@roomhooks/nestjs'
import { PRINT, type Print } from './print'

/** A before-callback: what the method returns is the platform's answer. */
@Injectable()
export class GiftsService {
  constructor(@Inject(PRINT) private readonly print: Print) {}

  @OnRoomEvent('gift.beforeSend')
  review(event: EventFor<'gift.beforeSend'>) {
    const { From_Account, Coins } = event.payload.GiftWater
    if (Coins > 500) {
      this.print(`gift of ${Coins} coins from ${From_Account} rejected`)
      return event.reject('Gifts over 500 coins need approval')
    }
    return event.allow()
  }
}
