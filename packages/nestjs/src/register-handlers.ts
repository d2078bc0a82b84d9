import type { DiscoveryService, MetadataScanner } from '@nestjs/core'
import type { AnyCallbackEvent, RoomWebhooks } from '@roomhooks/core'
import { roomEventNamesOf } from './on-room-event.js'

type Method = (event: AnyCallbackEvent) => unknown

/**
 * Adds every `@OnRoomEvent()` method of the application's providers and controllers to `hooks`, each bound to its
 * instance, and returns how many it added. An instance provided under several tokens (`useExisting`) is added once.
 * A handler needs one instance for the whole application, made by Nest: on a request-scoped provider (or one that
 * depends on one) there is no request to make it for, and a transient provider's instances are made for those that
 * inject it, none for callbacks (what Nest lists for it is a bare prototype whose constructor never ran). Both are
 * refused at start-up rather than called without their dependencies.
 */
export function registerDecoratedHandlers(
  hooks: RoomWebhooks,
  discovery: DiscoveryService,
  scanner: MetadataScanner,
): number {
  const seen = new Set<object>()
  let added = 0
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    const instance: unknown = wrapper.instance
    if (instance === null || typeof instance !== 'object' || seen.has(instance)) continue
    seen.add(instance)
    const prototype: unknown = Object.getPrototypeOf(instance)
    if (prototype === null || typeof prototype !== 'object') continue
    for (const key of scanner.getAllMethodNames(prototype)) {
      const names = roomEventNamesOf((prototype as Record<string, unknown>)[key])
      if (names === undefined) continue
      const where = `${prototype.constructor.name}.${key}()`
      if (wrapper.isTransient) {
        throw new Error(
          `[@roomhooks/nestjs] @OnRoomEvent() on ${where}: its provider is transient (Scope.TRANSIENT), made anew for each provider that injects it, and callbacks are none of them. Give it the default scope, or put the handler in a default-scoped provider that injects it.`,
        )
      }
      if (!wrapper.isDependencyTreeStatic()) {
        throw new Error(
          `[@roomhooks/nestjs] @OnRoomEvent() on ${where}: its provider is request-scoped (or depends on one), but callbacks are not requests of the application. Give it the default scope, and resolve request-scoped services inside the method if it needs them.`,
        )
      }
      try {
        // Looked up on each call, so that a method replaced after start-up (a spy in a test) is the one called.
        hooks.on(names, (event) => (instance as Record<string, Method>)[key]!(event))
      } catch (error) {
        throw new TypeError(`[@roomhooks/nestjs] @OnRoomEvent() on ${where}: ${(error as Error).message}`, {
          cause: error,
        })
      }
      added++
    }
  }
  return added
}
