import type { TLiteral, TObject, TProperties, TUnion } from '@sinclair/typebox'
import type { DecisionRules } from './decision.js'
import { Type } from './schemas/builders.js'
import { BattleCreatedFields, BattleEndedFields, BattleStartedFields } from './schemas/battle.js'
import { FollowAddedFields, FollowRemovedFields } from './schemas/follow.js'
import { MessageFields, MessageSentFields } from './schemas/group.js'
import {
  AdminChangedFields,
  GiftFields,
  LiveCreatedFields,
  LiveDestroyedFields,
  LiveUpdatedFields,
  MemberStateFields,
  MetadataDeletedFields,
  MetadataSetFields,
  OwnerChangedFields,
  QuotaThresholdFields,
} from './schemas/live.js'
import { SeatChangedFields } from './schemas/mic.js'
import { RecordingFields } from './schemas/recording.js'
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
  R extends DecisionRules | undefined = DecisionRules | undefined,
> {
  readonly command: C
  readonly event: E
  readonly kind: K
  /** Other documented spellings of the command. */
  readonly aliases: readonly A[]
  /** When the platform sends it. */
  readonly summary: string
  readonly schema: TObject<{ CallbackCommand: TUnion<TLiteral<C | A>[]> } & F>
  /** Before-callbacks only: how handlers' decisions become the answer. */
  readonly decisions: R
}

function defineCommand<
  const C extends string,
  const E extends string,
  const K extends CallbackKind,
  F extends TProperties,
  const A extends string = never,
  const R extends DecisionRules | undefined = undefined,
>(
  command: C,
  spec: { event: E; kind: K; summary: string; fields: F; aliases?: readonly A[]; decisions?: R },
): CommandDefinition<C, E, K, A, F, R> {
  const aliases = spec.aliases ?? []
  const spellings = [command, ...aliases].map<TLiteral<C | A>>((name) => Type.Literal(name))
  const schema = Type.Object(
    {
      CallbackCommand: Type.Union(spellings, { description: 'The command, as the platform spelled it' }),
      ...spec.fields,
    },
    { $id: command, title: spec.event, description: spec.summary },
  )
  const decisions = spec.decisions as R
  return { command, event: spec.event, kind: spec.kind, aliases, summary: spec.summary, schema, decisions }
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
  defineCommand('Live.CallbackAfterCreateRoom', {
    event: 'live.created',
    kind: 'after',
    summary: 'A live room was created.',
    fields: LiveCreatedFields,
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
    summary: "A live room's settings changed (the body carries the changed ones).",
    fields: LiveUpdatedFields,
  }),
  defineCommand('Live.CallbackAfterSetMetadata', {
    event: 'live.metadata.set',
    kind: 'after',
    summary: 'Room metadata keys were set.',
    fields: MetadataSetFields,
  }),
  defineCommand('Live.CallbackAfterDelMetadata', {
    event: 'live.metadata.deleted',
    kind: 'after',
    summary: 'Room metadata keys were deleted.',
    fields: MetadataDeletedFields,
  }),
  defineCommand('Live.CallbackAfterCreateRoomReachingThreshold', {
    event: 'live.quota.threshold',
    kind: 'after',
    summary: "The number of live rooms reached 70% of the app's quota.",
    fields: QuotaThresholdFields,
  }),
  defineCommand('Live.CallbackAfterMemberStateChanged', {
    event: 'live.member.state',
    kind: 'after',
    summary: 'Members of a live room went online or offline.',
    fields: MemberStateFields,
    aliases: ['Live.CallbackMemberStateChanged'],
  }),
  defineCommand('Live.CallbackAfterChangeOwner', {
    event: 'live.owner.changed',
    kind: 'after',
    summary: 'A live room got a new owner.',
    fields: OwnerChangedFields,
  }),
  defineCommand('Live.CallbackAfterModifyAdmin', {
    event: 'live.admin.changed',
    kind: 'after',
    summary: 'Users were made admins of a live room, or stopped being admins.',
    fields: AdminChangedFields,
  }),
  defineCommand('Live.CallbackAfterCreateBattle', {
    event: 'battle.created',
    kind: 'after',
    summary: 'A room asked other rooms for a PK battle.',
    fields: BattleCreatedFields,
  }),
  defineCommand('Live.CallbackAfterStartBattle', {
    event: 'battle.started',
    kind: 'after',
    summary: 'A PK battle started.',
    fields: BattleStartedFields,
  }),
  defineCommand('Live.CallbackAfterEndBattle', {
    event: 'battle.ended',
    kind: 'after',
    summary: 'A PK battle ended.',
    fields: BattleEndedFields,
  }),
  defineCommand('Live.CallbackBeforeSendGift', {
    event: 'gift.beforeSend',
    kind: 'before',
    summary: 'A gift is about to be sent; handlers allow or reject it.',
    fields: GiftFields,
    // Unanswered or failed, the platform blocks the gift (unless the app registered
    // Live.CallbackBeforeCallBackNotBlock), so a failing handler rejects too.
    decisions: { passThrough: [102100, 102200], drop: false, replaceMessage: false, onFailure: 'reject' },
  }),
  defineCommand('Group.CallbackBeforeSendMsg', {
    event: 'message.beforeSend',
    kind: 'before',
    summary: 'A room message is about to be delivered; handlers allow, replace, reject or drop it.',
    fields: MessageFields,
    // On timeout the platform delivers the message, so a failing handler allows it too.
    decisions: { passThrough: [120001, 130000], drop: true, replaceMessage: true, onFailure: 'allow' },
  }),
  defineCommand('Group.CallbackAfterSendMsg', {
    event: 'message.sent',
    kind: 'after',
    summary: 'A room message was delivered.',
    fields: MessageSentFields,
  }),
  defineCommand('Follow.CallbackAfterFollowAdd', {
    event: 'follow.added',
    kind: 'after',
    summary: 'A user followed other users.',
    fields: FollowAddedFields,
  }),
  defineCommand('Follow.CallbackAfterFollowDelete', {
    event: 'follow.removed',
    kind: 'after',
    summary: 'A user unfollowed other users.',
    fields: FollowRemovedFields,
  }),
  defineCommand('Live.CallbackAfterCloudRecordingChanged', {
    event: 'recording.changed',
    kind: 'after',
    summary: "A live room's cloud recording changed state.",
    fields: RecordingFields,
    aliases: ['Follow.CallbackAfterCloudRecordingChanged'],
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

/** The catalog row for an event name, a command or a command alias; a TypeError listing the events otherwise. */
export function requireDefinition(name: unknown): AnyCommandDefinition {
  const definition = typeof name === 'string' ? findDefinition(name) : undefined
  if (definition === undefined) {
    const known = commandDefinitions.map((entry) => entry.event).join(', ')
    throw new TypeError(
      `[@roomhooks/core] Unknown event ${JSON.stringify(name)}. Known events: ${known} (or their commands)`,
    )
  }
  return definition
}
