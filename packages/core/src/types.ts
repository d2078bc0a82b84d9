import type { Static } from '@sinclair/typebox'
import type { AnyCommandDefinition } from './catalog.js'
import type {
  AllowHelper,
  AllowWithReplacementHelper,
  Decision,
  DecisionHelpers,
  DecisionRules,
  DropHelper,
} from './decision.js'

/** Every event name of the catalog, e.g. `'room.created'`. */
export type EventName = AnyCommandDefinition['event']

/** Every command of the catalog as Tencent names it, e.g. `'Room.CallbackAfterCreateRoom'`. */
export type CommandName = AnyCommandDefinition['command']

/** The other documented spellings of some commands, e.g. `'Room.CallbackUpdateRoomInfo'`. */
export type CommandAlias = AnyCommandDefinition['aliases'][number]

/** The before-callbacks, whose handlers decide what the platform does: `'gift.beforeSend' | 'message.beforeSend'`. */
export type BeforeEventName = Extract<AnyCommandDefinition, { kind: 'before' }>['event']

/** What `on()` accepts: an event name, a command, or a command's other spelling. */
export type ListenableName = EventName | CommandName | CommandAlias

type DefinitionFor<N extends string> = AnyCommandDefinition extends infer D
  ? D extends AnyCommandDefinition
    ? N extends D['event'] | D['command'] | D['aliases'][number]
      ? D
      : never
    : never
  : never

/** The event name a listenable name stands for: `EventNameOf<'Room.CallbackAfterCreateRoom'>` is `'room.created'`. */
export type EventNameOf<N extends ListenableName> = DefinitionFor<N>['event']

/** The validated body of a command, typed from its TypeBox schema. */
export type PayloadOf<N extends ListenableName> = Static<DefinitionFor<N>['schema']>

/** What every event carries besides its payload; `sdkAppId`, `clientIp` and `platform` come from the query string. */
export interface CallbackContext {
  /** The SDKAppID the callback was sent for (one of those the receiver accepts). */
  readonly sdkAppId: number
  /** `ClientIP`: the address of the client that caused the event, when the platform sends it. */
  readonly clientIp: string | undefined
  /** `OptPlatform`: `RESTAPI`, `Web`, `Android`, `iOS`, …, when the platform sends it. */
  readonly platform: string | undefined
  /** `EventTime` in milliseconds since the epoch, when the body has one. */
  readonly eventTime: number | undefined
  /** When roomhooks received the callback, in milliseconds since the epoch. */
  readonly receivedAt: number
  /**
   * Which attempt at handling the callback this is: 1 when it is handled as it arrives; 1, 2, … when a worker runs
   * it from a queue (`@roomhooks/bullmq`) and earlier attempts failed.
   */
  readonly attempt: number
}

type MessageBodyOf<E extends EventName> = PayloadOf<E> extends { MsgBody: infer Body } ? Body : never

/** The `allow()`, `reject()` and `drop()` an event offers, from its command's decision rules (none for after-callbacks). */
export type DecisionHelpersOf<E extends EventName> = DefinitionFor<E>['decisions'] extends infer R
  ? R extends DecisionRules
    ? DecisionHelpers<E> &
        (R['replaceMessage'] extends true ? AllowWithReplacementHelper<E, MessageBodyOf<E>> : AllowHelper<E>) &
        (R['drop'] extends true ? DropHelper<E> : unknown)
    : unknown
  : unknown

/** A verified, validated callback of one catalog event. */
export type RoomCallbackEvent<E extends EventName = EventName> = CallbackContext & {
  readonly name: E
  readonly command: DefinitionFor<E>['command']
  readonly payload: PayloadOf<E>
} & DecisionHelpersOf<E>

/** A verified callback whose command is not in the catalog (a command Tencent added later): `onAny` only. */
export interface UnknownCallbackEvent extends CallbackContext {
  readonly name: null
  readonly command: string
  readonly payload: Readonly<Record<string, unknown>>
}

/** The event a handler of `N` receives; for several names, the union of their events. */
export type EventFor<N extends ListenableName> = { [E in EventNameOf<N>]: RoomCallbackEvent<E> }[EventNameOf<N>]

/** Any event `onAny` may receive: switch on `event.name` to narrow it. */
export type AnyCallbackEvent = EventFor<EventName> | UnknownCallbackEvent

/** What a handler may return: before-callback handlers a decision for their event (or nothing, which allows). */
export type HandlerResult<Event> = Event extends { readonly name: infer E }
  ? E extends BeforeEventName
    ? Decision<E> | void | undefined
    : unknown
  : unknown

/** A handler; it may be async. It is awaited, up to the handler deadline. */
export type CallbackHandler<Event> = (event: Event) => HandlerResult<Event> | Promise<HandlerResult<Event>>
