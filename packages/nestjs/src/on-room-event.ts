import { SetMetadata } from '@nestjs/common'
import { Reflector } from '@nestjs/core'
import type { CallbackHandler, EventFor, ListenableName } from '@roomhooks/core'

/**
 * The metadata key under which `@OnRoomEvent()` keeps a method's event names. A string, not a symbol, so that a
 * second copy of this package in the same application (two versions in a monorepo) still finds the handlers the
 * first one marked: Nest's metadata lives on the methods, not in this module.
 */
const ROOM_EVENT_NAMES = 'roomhooks:room-event-names'

const reflector = new Reflector()

/**
 * A decorator of a method that handles events `N`: the method must accept each of their events, and a
 * before-callback's handler may return only a decision.
 */
export type RoomEventMethodDecorator<N extends ListenableName> = <Method extends CallbackHandler<EventFor<N>>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<Method> & AcceptsEvent<Method, EventFor<N>>,
) => void

/**
 * TypeScript compares a method's parameters both ways (method bivariance), so `Method extends CallbackHandler`
 * alone would let `(event: EventFor<'member.enter'>)` handle `'member.leave'` too. This checks the one way that
 * matters: every event may be passed to the method.
 */
type AcceptsEvent<Method, Event> = Method extends (event: infer Parameter) => unknown
  ? [Event] extends [Parameter]
    ? unknown
    : { readonly 'the method must accept every event it handles': Event }
  : unknown

/**
 * Makes a provider's method a handler of one or more events, by event name (`'room.created'`) or Tencent command
 * (`'Room.CallbackAfterCreateRoom'`), as `hooks.on()` takes them: several as arguments or as one array. The module
 * finds the methods when the application starts and adds them to its `RoomWebhooks`. What the method returns is
 * what a handler returns: for `gift.beforeSend` and `message.beforeSend`, the decision.
 *
 * @example
 * @Injectable()
 * export class RoomsService {
 *   @OnRoomEvent('room.created')
 *   async created(event: EventFor<'room.created'>) {
 *     await this.rooms.insert(event.payload.RoomInfo.RoomId)
 *   }
 *
 *   @OnRoomEvent('gift.beforeSend')
 *   review(event: EventFor<'gift.beforeSend'>) {
 *     return event.payload.GiftWater.Coins > 100_000 ? event.reject('Gift too large') : event.allow()
 *   }
 * }
 */
export function OnRoomEvent<N extends ListenableName>(...names: readonly [N, ...N[]]): RoomEventMethodDecorator<N>
export function OnRoomEvent<N extends ListenableName>(names: readonly [N, ...N[]]): RoomEventMethodDecorator<N>
export function OnRoomEvent(...args: readonly unknown[]): RoomEventMethodDecorator<ListenableName> {
  const names: unknown[] = args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as unknown[])] : [...args]
  if (names.length === 0) {
    throw new TypeError(
      "[@roomhooks/nestjs] @OnRoomEvent() needs at least one event name, e.g. @OnRoomEvent('room.created')",
    )
  }
  return (target, key, descriptor) => {
    // A static method's target is the class itself: the module looks for handlers on providers' instances only.
    if (typeof target === 'function') {
      throw new TypeError(
        `[@roomhooks/nestjs] @OnRoomEvent() on the static method ${target.name}.${String(key)}(): handlers are methods of a provider's instance. Make it an instance method of a provider.`,
      )
    }
    // Several @OnRoomEvent() on one method add up.
    const earlier = roomEventNamesOf(descriptor.value) ?? []
    SetMetadata(ROOM_EVENT_NAMES, [...earlier, ...names])(target, key, descriptor)
  }
}

/** The event names `@OnRoomEvent()` gave a method, or undefined when it is not a handler. */
export function roomEventNamesOf(method: unknown): readonly ListenableName[] | undefined {
  if (typeof method !== 'function') return undefined
  return reflector.get<readonly ListenableName[] | undefined>(ROOM_EVENT_NAMES, method)
}
