import { createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'

export interface HooksOptions extends Pick<RoomWebhooksOptions, 'sdkAppId' | 'token'> {
  /** Gifts worth more coins than this are refused. */
  readonly maxCoins?: number
}

/** The callback handlers: what the app does with each event. */
export function createHooks({ sdkAppId, token, maxCoins = 500 }: HooksOptions): RoomWebhooks {
  return createRoomWebhooks({ sdkAppId, token })
    .on('room.created', (event) => console.log(`room ${event.payload.RoomInfo.RoomId} created`))
    .on('battle.ended', (event) => {
      // The platform sends these owners as bare 18-digit JSON numbers: they arrive here as exact strings.
      const { FromRoomInfo, ToRoomList = [] } = event.payload
      const rooms = FromRoomInfo === undefined ? ToRoomList : [FromRoomInfo, ...ToRoomList]
      console.log(
        `battle ended: ${rooms.map((room) => `${room.RoomId} of ${room.Owner_Account ?? 'unknown'}`).join(' vs ')}`,
      )
    })
    .on('gift.beforeSend', (event) =>
      event.payload.GiftWater.Coins > maxCoins ? event.reject(`Gifts are limited to ${maxCoins} coins`) : event.allow(),
    )
    .onError((error) => console.log(`refused or failed: ${error.message}`))
}
