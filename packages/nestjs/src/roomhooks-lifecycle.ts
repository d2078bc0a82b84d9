import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common'
import { DiscoveryService, HttpAdapterHost, MetadataScanner } from '@nestjs/core'
import { RoomWebhooks } from '@roomhooks/core'
import { ROOMHOOKS_MODULE_OPTIONS, type RoomhooksModuleOptions } from './module-options.js'
import { mountReceiver } from './mount-receiver.js'
import { registerDecoratedHandlers } from './register-handlers.js'

/**
 * What the module does at start-up and shutdown. In `app.init()`, after Nest has registered its body parsers, the
 * application's middleware and its routes: adds the `@OnRoomEvent()` methods to the `RoomWebhooks` and mounts the
 * route on the platform (on Express, ahead of all of them). In `app.close()`: closes the `RoomWebhooks` when the
 * module made it, after the HTTP server has stopped taking requests, so that the handlers of callbacks already
 * answered finish and nothing is refused. One given as `hooks` is left open: its owner may share it with another
 * application, and closes it itself.
 */
@Injectable()
export class RoomhooksLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(RoomWebhooks) private readonly hooks: RoomWebhooks,
    @Inject(ROOMHOOKS_MODULE_OPTIONS) private readonly options: RoomhooksModuleOptions,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    const handlers = registerDecoratedHandlers(this.hooks, this.discovery, this.scanner)
    const platform = await mountReceiver(this.adapterHost.httpAdapter, this.hooks, this.options)
    new Logger('RoomhooksModule').log(
      platform === undefined
        ? `No HTTP server to receive callbacks on; ${handlers} @OnRoomEvent() handlers added`
        : `Callbacks at POST ${this.options.path} (${platform}), ${handlers} @OnRoomEvent() handlers`,
    )
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.options.hooks === undefined) await this.hooks.close()
  }
}
