import type { ModuleMetadata, InjectionToken, OptionalFactoryDependency } from '@nestjs/common'
import { createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import { nestLogger } from './nest-logger.js'

/** Where the module receives callbacks, on Express and Fastify alike. */
export interface RoomhooksRouteOptions {
  /**
   * The URL path of the callback URL set in the console, e.g. `'/tencent/callback'`: the path the platform calls.
   * It is the whole path: Nest's global prefix does not apply, as the route is not a controller's.
   */
  readonly path: string
  /** How long a callback's body may take to arrive, in ms. Default 5000 (408 after it). */
  readonly readTimeout?: number
}

/**
 * Options of {@link RoomhooksModule.forRoot}: the route, and either the options of `createRoomWebhooks()`
 * (`sdkAppId`, `token`, `handlerTimeout`, …) or a `RoomWebhooks` made elsewhere, as `hooks`.
 */
export type RoomhooksModuleOptions = RoomhooksRouteOptions &
  ((RoomWebhooksOptions & { readonly hooks?: undefined }) | { readonly hooks: RoomWebhooks })

/** Options of {@link RoomhooksModule.forRootAsync}: a factory for the options, with what it needs injected. */
export interface RoomhooksModuleAsyncOptions {
  /** Modules whose providers the factory needs, e.g. `ConfigModule`. */
  readonly imports?: ModuleMetadata['imports']
  /** The providers passed to `useFactory`, in order, e.g. `[ConfigService]`. */
  readonly inject?: readonly (InjectionToken | OptionalFactoryDependency)[]
  /** Makes the options, possibly asynchronously. */
  readonly useFactory: (...dependencies: never[]) => RoomhooksModuleOptions | Promise<RoomhooksModuleOptions>
}

/** The injection token of the module's options. */
export const ROOMHOOKS_MODULE_OPTIONS = Symbol('ROOMHOOKS_MODULE_OPTIONS')

/** Checks the options once, when the module is created, so that a mistake stops the application at start-up. */
export function checkModuleOptions(options: RoomhooksModuleOptions): RoomhooksModuleOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('[@roomhooks/nestjs] RoomhooksModule needs options: { sdkAppId, token?, path }')
  }
  if (typeof options.path !== 'string' || !options.path.startsWith('/')) {
    throw new TypeError(
      `[@roomhooks/nestjs] RoomhooksModule needs the path of the callback URL, starting with "/" (e.g. path: '/tencent/callback'); got ${JSON.stringify(options.path)}`,
    )
  }
  return options
}

/** The module's `RoomWebhooks`: the one given, or one made from the options, logging through Nest's logger. */
export function webhooksFromOptions(options: RoomhooksModuleOptions): RoomWebhooks {
  if (options.hooks !== undefined) return options.hooks
  // The route's options are not createRoomWebhooks()'s.
  const { path: _path, readTimeout: _readTimeout, hooks: _hooks, ...webhooksOptions } = options
  return createRoomWebhooks({ log: nestLogger(), ...webhooksOptions })
}
