import { Inject, Injectable, type OnModuleInit } from '@nestjs/common'
import { RoomWebhooks } from '@roomhooks/core'
import { PRINT, type Print } from './print'

/** Every callback and every refusal, through the RoomWebhooks the module provides. */
@Injectable()
export class CallbackLog implements OnModuleInit {
  constructor(
    private readonly hooks: RoomWebhooks,
    @Inject(PRINT) private readonly print: Print,
  ) {}

  onModuleInit(): void {
    this.hooks.onAny((event) =>
      this.print(`${event.name ?? 'unknown event'} (${event.command}) ${JSON.stringify(event.payload)}`),
    )
    this.hooks.onError((error) => this.print(`refused or failed: ${error.message}`))
  }
}
