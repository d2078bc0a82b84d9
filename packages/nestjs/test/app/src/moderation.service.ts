import { Injectable } from '@nestjs/common'
import type { EventFor } from '@roomhooks/core'
import { OnRoomEvent } from '@roomhooks/nestjs'

/** Before-callbacks: the methods' return values are the decisions. */
@Injectable()
export class ModerationService {
  @OnRoomEvent('gift.beforeSend')
  gift(event: EventFor<'gift.beforeSend'>) {
    return event.payload.GiftWater.Coins > 500 ? event.reject('Gifts over 500 coins need approval') : event.allow()
  }

  @OnRoomEvent('message.beforeSend')
  async message(event: EventFor<'message.beforeSend'>) {
    const text = JSON.stringify(event.payload.MsgBody)
    if (text.includes('spam')) return event.drop()
    if (text.includes('rude')) return event.reject('Be nice', 120010)
    return event.allow({ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'cleaned' } }] })
  }
}
