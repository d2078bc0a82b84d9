import { Type, type TLiteral, type TObject, type TProperties, type TUnion } from '@sinclair/typebox'
import { LiveDestroyedFields, LiveUpdatedFields } from './schemas/live.js'
import { SeatChangedFields } from './schemas/mic.js'
import {
  MemberEnterFields,
  MemberLeaveFields,
  RoomCreatedFields,
  RoomDestroyedFields,
  RoomUpdatedFields,
} from './schemas/room.js'

/** `after`: the platform only wants an acknowledgement. `before`: the answer decides what the platform does. */
export type CallbackKind = 'after' | 'before'

/** One row of the catalog: a Tencent command, its event name, and the TypeBox schema of its body. */
export interface CommandDefinition<
  C extends string = string,
  E extends string = string,
  K extends CallbackKind = CallbackKind,
  A extends string = string,
  F extends TProperties = TProperties,
> {
  readonly command: C
  readonly event: E
  readonly kind: K
  /** Other documented spellings of the command. */
  readonly aliases: readonly A[]
  /** When the platform sends it. */
  readonly summary: string
  readonly schema: TObject<{ CallbackCommand: TUnion<TLiteral<C | A>[]> } & F>
}

function defineCommand<
  const C extends string,
  const E extends string,
  const K extends CallbackKind,
  F extends TProperties,
  const A extends string = never,
>(
  command: C,
  spec: { event: E; kind: K; summary: string; fields: F; aliases?: readonly A[] },
): CommandDefinition<C, E, K, A, F> {
  const aliases = spec.aliases ?? []
  const spellings = [command, ...aliases].map((name) => Type.Literal(name)) as TLiteral<C | A>[]
  const schema = Type.Object(
    { CallbackCommand: Type.Union(spellings, { description: 'The command, as the platform spelled it' }), ...spec.fields },
    { $id: command, title: spec.event, description: spec.summary },
  )
  return { command, event: spec.event, kind: spec.kind, aliases, summary: spec.summary, schema }
}

/**
 * Every callback command roomhooks knows: the single source for event names, payload types, schemas and docs.
 * Commands and fields: Tencent Cloud's TUIRoomKit and TUILiveKit server callback documentation.
 */
export const commandDefinitions = [
  defineCommand('Room.CallbackAfterCreateRoom', {
    event: 'room.created',
    kind: 'after',
    summary: 'A room was created, by a client or the REST API.',
    fields: RoomCreatedFields,
  }),
  defineCommand('Room.CallbackAfterDestroyRoom', {
    event: 'room.destroyed',
    kind: 'after',
    summary: 'A room was destroyed.',
    fields: RoomDestroyedFields,
  }),
  defineCommand('Room.CallbackAfterUpdateRoomInfo', {
    event: 'room.updated',
    kind: 'after',
    summary: "A room's settings changed.",
    fields: RoomUpdatedFields,
    aliases: ['Room.CallbackUpdateRoomInfo'],
  }),
  defineCommand('Room.CallbackAfterMemberEnter', {
    event: 'member.enter',
    kind: 'after',
    summary: 'Members entered a room.',
    fields: MemberEnterFields,
  }),
  defineCommand('Room.CallbackAfterMemberLeave', {
    event: 'member.leave',
    kind: 'after',
    summary: 'Members left a room, were kicked out, or timed out.',
    fields: MemberLeaveFields,
  }),
  defineCommand('Mic.CallbackAfterSeatInfoChanged', {
    event: 'seat.changed',
    kind: 'after',
    summary: "A room's seat list changed (Room and Live rooms).",
    fields: SeatChangedFields,
  }),
  defineCommand('Live.CallbackAfterDestroyRoom', {
    event: 'live.destroyed',
    kind: 'after',
    summary: 'A live room was destroyed, by a user or by the system.',
    fields: LiveDestroyedFields,
  }),
  defineCommand('Live.CallbackAfterUpdateRoomInfo', {
    event: 'live.updated',
    kind: 'after',
    summary: "A live room's settings changed.",
    fields: LiveUpdatedFields,
  }),
] as const

/** Any row of the catalog. */
export type AnyCommandDefinition = (typeof commandDefinitions)[number]

const byCommand = new Map<string, AnyCommandDefinition>()
const byEvent = new Map<string, AnyCommandDefinition>()
for (const definition of commandDefinitions) {
  byEvent.set(definition.event, definition)
  for (const spelling of [definition.command, ...definition.aliases]) byCommand.set(spelling, definition)
}

/** The catalog row of a command as the platform spells it (either documented spelling), or undefined. */
export function findCommand(command: string): AnyCommandDefinition | undefined {
  return byCommand.get(command)
}

/** The catalog row for an event name, a command, or a command alias, or undefined. */
export function findDefinition(name: string): AnyCommandDefinition | undefined {
  return byEvent.get(name) ?? byCommand.get(name)
}
