import { Module, type DynamicModule, type Provider } from '@nestjs/common'
import { DiscoveryModule } from '@nestjs/core'
import { RoomWebhooks } from '@roomhooks/core'
import {
  checkModuleOptions,
  ROOMHOOKS_MODULE_OPTIONS,
  webhooksFromOptions,
  type RoomhooksModuleAsyncOptions,
  type RoomhooksModuleOptions,
} from './module-options.js'
import { RoomhooksLifecycle } from './roomhooks-lifecycle.js'

/**
 * Receives Tencent Cloud Room and Live callbacks in a NestJS application, on Express or Fastify: import it once,
 * in the root module. It provides a `RoomWebhooks` to the whole application (inject it for `onError()` and
 * `onAny()`), adds every `@OnRoomEvent()` method of the application's providers to it when the application starts,
 * receives the callbacks at `path`, and closes it on `app.close()`.
 *
 * @example
 * @Module({
 *   imports: [RoomhooksModule.forRoot({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN, path: '/tencent/callback' })],
 *   providers: [RoomsService],
 * })
 * export class AppModule {}
 */
@Module({})
export class RoomhooksModule {
  /**
   * The module with options known when the module is declared.
   *
   * @example
   * RoomhooksModule.forRoot({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN, path: '/tencent/callback' })
   */
  static forRoot(options: RoomhooksModuleOptions): DynamicModule {
    return roomhooksModule([], { provide: ROOMHOOKS_MODULE_OPTIONS, useValue: checkModuleOptions(options) })
  }

  /**
   * The module with options made by a factory, from injected providers such as `ConfigService`.
   *
   * @example
   * RoomhooksModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({
   *     sdkAppId: config.getOrThrow<string>('SDKAPPID'),
   *     token: config.get<string>('CALLBACK_TOKEN'),
   *     path: '/tencent/callback',
   *   }),
   * })
   */
  static forRootAsync(options: RoomhooksModuleAsyncOptions): DynamicModule {
    const { useFactory } = options
    return roomhooksModule(options.imports ?? [], {
      provide: ROOMHOOKS_MODULE_OPTIONS,
      useFactory: async (...dependencies: never[]) => checkModuleOptions(await useFactory(...dependencies)),
      inject: [...(options.inject ?? [])],
    })
  }
}

function roomhooksModule(imports: NonNullable<DynamicModule['imports']>, options: Provider): DynamicModule {
  return {
    module: RoomhooksModule,
    // Handlers live in any module of the application, and so do the providers that inject RoomWebhooks.
    global: true,
    imports: [DiscoveryModule, ...imports],
    providers: [
      options,
      { provide: RoomWebhooks, useFactory: webhooksFromOptions, inject: [ROOMHOOKS_MODULE_OPTIONS] },
      RoomhooksLifecycle,
    ],
    exports: [RoomWebhooks],
  }
}
