/**
 * NestJS module for roomhooks: {@link RoomhooksModule} receives Tencent Cloud Room and Live callbacks on
 * `@nestjs/platform-express` or `@nestjs/platform-fastify`, and {@link OnRoomEvent} makes providers' methods their
 * handlers. Inject `RoomWebhooks` (from `@roomhooks/core`) for `onError()` and `onAny()`.
 *
 * @module @roomhooks/nestjs
 */
export { RoomhooksModule } from './roomhooks-module.js'
export { OnRoomEvent } from './on-room-event.js'
export type { RoomEventMethodDecorator } from './on-room-event.js'
export type { RoomhooksModuleAsyncOptions, RoomhooksModuleOptions, RoomhooksRouteOptions } from './module-options.js'
