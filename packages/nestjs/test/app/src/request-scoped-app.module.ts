import { Injectable, Module, Scope, type DynamicModule } from '@nestjs/common'
import { OnRoomEvent, RoomhooksModule } from '@roomhooks/nestjs'

@Injectable({ scope: Scope.REQUEST })
export class PerRequestService {
  @OnRoomEvent('room.created')
  created(): void {}
}

/** An application with a handler on a request-scoped provider, which the module refuses at start-up. */
@Module({})
export class RequestScopedAppModule {
  static with(sdkAppId: number, path: string): DynamicModule {
    return {
      module: RequestScopedAppModule,
      imports: [RoomhooksModule.forRoot({ sdkAppId, path })],
      providers: [PerRequestService],
    }
  }
}
