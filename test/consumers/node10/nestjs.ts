// A NestJS module and provider as a project made by `nest new` compiles them (see tsconfig.json here): the
// decorators, the module's options, the handler's event typed through @roomhooks/core's declarations, and a test
// of the handler with @roomhooks/core/testing, all found under node10 resolution.
import { Injectable, Module } from '@nestjs/common'
import { ConfigModule, ConfigService } from '@nestjs/config'
import { RoomWebhooks, type EventFor } from '@roomhooks/core'
import { createTestCallback, simulate } from '@roomhooks/core/testing'
import { OnRoomEvent, RoomhooksModule } from '@roomhooks/nestjs'

@Injectable()
export class RoomsService {
  constructor(private readonly hooks: RoomWebhooks) {}

  @OnRoomEvent('room.created')
  created(event: EventFor<'room.created'>): string {
    return event.payload.RoomInfo.RoomId
  }

  @OnRoomEvent('gift.beforeSend')
  gift(event: EventFor<'gift.beforeSend'>) {
    return event.payload.GiftWater.Coins > 100 ? event.reject('Too large') : event.allow()
  }

  async check(): Promise<number> {
    const callback = createTestCallback('room.created', { sdkAppId: 1400000000 })
    return (await simulate(this.hooks, 'room.created')).status + callback.body.length
  }
}

@Module({
  imports: [
    ConfigModule.forRoot(),
    RoomhooksModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        sdkAppId: config.getOrThrow<string>('SDKAPPID'),
        token: config.get<string>('CALLBACK_TOKEN'),
        path: '/tencent/callback',
      }),
    }),
  ],
  providers: [RoomsService],
})
export class AppModule {}
