import { Module, type DynamicModule } from '@nestjs/common'
import type { RoomWebhooks } from '@roomhooks/core'
import { RoomhooksModule } from '@roomhooks/nestjs'

/** An application that only receives callbacks, with a RoomWebhooks made by the test (the transport contract). */
@Module({})
export class ContractAppModule {
  static with(hooks: RoomWebhooks, path: string): DynamicModule {
    return { module: ContractAppModule, imports: [RoomhooksModule.forRoot({ hooks, path })] }
  }
}
