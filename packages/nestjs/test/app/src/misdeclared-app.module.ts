import { Injectable, Module, Scope, type DynamicModule } from '@nestjs/common'
import { OnRoomEvent, RoomhooksModule } from '@roomhooks/nestjs'

@Injectable({ scope: Scope.REQUEST })
export class PerRequestService {
  @OnRoomEvent('room.created')
  created(): void {}
}

@Injectable()
export class MistypedService {
  // What a JavaScript project, or a cast, lets through.
  @OnRoomEvent('room.create' as 'room.created')
  created(): void {}
}

/** Applications whose handlers the module refuses at start-up. */
@Module({})
export class MisdeclaredAppModule {
  /** A handler on a request-scoped provider. */
  static requestScoped(sdkAppId: number, path: string): DynamicModule {
    return {
      module: MisdeclaredAppModule,
      imports: [RoomhooksModule.forRoot({ sdkAppId, path })],
      providers: [PerRequestService],
    }
  }

  /** A handler of an event that is not in the catalog. */
  static unknownEvent(sdkAppId: number, path: string): DynamicModule {
    return {
      module: MisdeclaredAppModule,
      imports: [RoomhooksModule.forRoot({ sdkAppId, path })],
      providers: [MistypedService],
    }
  }
}
