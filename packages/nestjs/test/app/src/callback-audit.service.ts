import { Injectable, type OnModuleInit } from '@nestjs/common'
import { RoomWebhooks } from '@roomhooks/core'
import { Recorder } from './recorder.js'

/** Injects the module's RoomWebhooks by its class, as an application does for onError() and onAny(). */
@Injectable()
export class CallbackAudit implements OnModuleInit {
  constructor(
    private readonly hooks: RoomWebhooks,
    private readonly recorder: Recorder,
  ) {}

  onModuleInit(): void {
    this.hooks.onError((error) => void this.recorder.errors.push(`${error.reason}: ${error.message}`))
    this.hooks.onAny((event) => void this.recorder.lines.push(`any ${event.command}`))
  }
}
