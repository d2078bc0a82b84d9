import { Injectable, Module, Scope, type DynamicModule } from '@nestjs/common'
import { OnRoomEvent, RoomhooksModule } from '@roomhooks/nestjs'
import { Recorder } from './recorder.js'

@Injectable({ scope: Scope.REQUEST })
export class PerRequestService {
  @OnRoomEvent('room.created')
  created(): void {}
}

@Injectable({ scope: Scope.TRANSIENT })
export class TransientService {
  constructor(private readonly recorder: Recorder) {}

  @OnRoomEvent('room.created')
  created(): void {
    this.recorder.lines.push('transient room.created')
  }
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

  /** A handler on a transient provider. */
  static transient(sdkAppId: number, path: string): DynamicModule {
    return {
      module: MisdeclaredAppModule,
      imports: [RoomhooksModule.forRoot({ sdkAppId, path })],
      providers: [Recorder, TransientService],
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
