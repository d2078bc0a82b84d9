import { Module, type DynamicModule } from '@nestjs/common'
import { RoomhooksModule } from '@roomhooks/nestjs'

/** An application with the module alone, its RoomWebhooks made from options, no onError handler: it logs. */
@Module({})
export class MinimalAppModule {
  static with(sdkAppId: number, path: string): DynamicModule {
    return { module: MinimalAppModule, imports: [RoomhooksModule.forRoot({ sdkAppId, path })] }
  }
}
