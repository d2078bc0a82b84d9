import { Injectable, Module, type DynamicModule } from '@nestjs/common'
import { OnRoomEvent, RoomhooksModule } from '@roomhooks/nestjs'

@Injectable()
export class FailingService {
  @OnRoomEvent('room.destroyed')
  destroyed(): void {
    throw new Error('the database is down')
  }
}

/**
 * An application with the module and one failing handler, its RoomWebhooks made from options, no onError
 * handler: what goes wrong is logged.
 */
@Module({})
export class MinimalAppModule {
  static with(sdkAppId: number, path: string): DynamicModule {
    return {
      module: MinimalAppModule,
      imports: [RoomhooksModule.forRoot({ sdkAppId, path })],
      providers: [FailingService],
    }
  }
}
