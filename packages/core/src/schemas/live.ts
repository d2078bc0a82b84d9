import { Type } from './builders.js'
import { Account, AccountList, EventTime, Flag, OperatorAccount, Seconds } from './common.js'

// Field names and types: TUILiveKit server callbacks ("Live" product) in Tencent Cloud's documentation.

const liveRoomFields = {
  RoomName: Type.Optional(Type.String({ description: 'Room name' })),
  RoomType: Type.Optional(Type.String({ description: '`Live`' })),
  Owner_Account: Type.Optional(Account('Room owner')),
  MaxMemberCount: Type.Optional(Type.Integer({ description: 'Member limit' })),
  IsMessageDisabled: Flag('Messages are disabled for all members'),
  CustomInfo: Type.Optional(Type.String({ description: 'Custom room data' })),
  IsSeatEnabled: Flag('Seat control is on'),
  TakeSeatMode: Type.Optional(Type.String({ description: '`None` (seats off), `FreeToTake` or `ApplyToTake`' })),
  MaxSeatCount: Type.Optional(Type.Integer({ description: 'Seat limit' })),
  CreateTime: Type.Optional(Seconds('Creation time')),
  IsPublicVisible: Flag('The room is listed publicly'),
  CoverURL: Type.Optional(Type.String({ description: 'Cover image URL' })),
  BackgroundURL: Type.Optional(Type.String({ description: 'Background image URL' })),
  Category: Type.Optional(Type.Array(Type.Integer(), { description: 'Category IDs' })),
  ActivityStatus: Type.Optional(Type.Integer({ description: 'Custom activity status' })),
  ViewCount: Type.Optional(Type.Integer({ description: 'Viewers so far' })),
  IsUnlimitedRoomEnabled: Flag('The room has no member limit'),
}

const LiveRoomInfo = Type.Object(
  { RoomId: Type.String({ description: 'Room ID' }), ...liveRoomFields },
  { description: 'Room settings; an update carries only the changed ones' },
)

export const LiveUpdatedFields = {
  Operator_Account: OperatorAccount,
  RoomInfo: LiveRoomInfo,
  EventTime,
}

export const LiveDestroyedFields = {
  Operator_Account: Type.Optional(Account('Who destroyed the room; `@TIM#SYSTEM` when the system did')),
  RoomId: Type.String({ description: 'Room ID' }),
  EventType: Type.Optional(Type.String({ description: '`DestroyByUser` or `DestroyBySystem`' })),
  RoomInfo: Type.Optional(
    Type.Object(
      {
        RoomId: Type.Optional(Type.String({ description: 'Room ID (real payloads carry it; the sample does not)' })),
        ...liveRoomFields,
      },
      { description: 'The room as it was' },
    ),
  ),
  Statistic: Type.Optional(
    Type.Object(
      {
        TotalViewers: Type.Optional(Type.Integer({ description: 'Viewers over the whole live' })),
        TotalGiftsSent: Type.Optional(Type.Integer({ description: 'Gifts sent' })),
        TotalGiftCoins: Type.Optional(Type.Integer({ description: 'Coins spent on gifts' })),
        TotalUniqueGiftSenders: Type.Optional(Type.Integer({ description: 'Distinct gift senders' })),
        TotalLikesReceived: Type.Optional(Type.Integer({ description: 'Likes received' })),
      },
      { description: 'Totals of the live (newer servers only)' },
    ),
  ),
  EventTime,
}

export const LiveCreatedFields = {
  Operator_Account: OperatorAccount,
  RoomInfo: LiveRoomInfo,
  EventTime,
}

export const MetadataSetFields = {
  Operator_Account: OperatorAccount,
  RoomId: Type.String({ description: 'Room ID' }),
  Metadata: Type.Array(
    Type.Object({
      Key: Type.String({ description: 'Metadata key' }),
      Value: Type.String({ description: 'Its new value' }),
    }),
    { description: 'The keys that were set' },
  ),
  EventTime,
}

export const MetadataDeletedFields = {
  Operator_Account: OperatorAccount,
  RoomId: Type.String({ description: 'Room ID' }),
  Keys: Type.Array(Type.String(), { description: 'The keys that were deleted' }),
  EventTime,
}

export const QuotaThresholdFields = {
  Operator_Account: OperatorAccount,
  CurRoomCount: Type.Integer({ description: 'Live rooms that exist now' }),
  MaxRoomCount: Type.Integer({ description: "The app's live room quota" }),
  EventTime,
}

export const MemberStateFields = {
  RoomId: Type.String({ description: 'Room ID' }),
  EventType: Type.String({ description: '`Online` or `Offline`' }),
  EventCause: Type.Optional(
    Type.String({
      description:
        '`Enter`, `Leave`, `HeartbeatInterrupt`, `HeartbeatRecover` or `Kicked` (removed by an admin or the owner)',
    }),
  ),
  MemberList: Type.Array(Type.Object({ Member_Account: Account('Member') }), {
    description: 'The members whose state changed',
  }),
  EventTime,
}

export const OwnerChangedFields = {
  RoomId: Type.String({ description: 'Room ID' }),
  Operator_Account: OperatorAccount,
  CurrentOwner_Account: Account('The new owner'),
  OriginalOwner_Account: Type.Optional(Account('The previous owner')),
  EventTime,
}

export const AdminChangedFields = {
  RoomId: Type.String({ description: 'Room ID' }),
  Operator_Account: OperatorAccount,
  Admin_Account: AccountList('The users made or unmade admins'),
  opType: Type.String({ description: '`add` or `delete`' }),
  EventTime,
}

export const GiftFields = {
  Operator_Account: OperatorAccount,
  RoomId: Type.String({ description: 'Room ID' }),
  GiftWater: Type.Object(
    {
      From_Account: Account('Sender'),
      To_Account: AccountList('Receivers'),
      Time: Type.Optional(Seconds('When it was sent')),
      GiftId: Type.String({ description: 'Gift ID' }),
      Count: Type.Integer({ description: 'How many' }),
      Coins: Type.Integer({
        description:
          "The gift's value in coins, as the app's gift catalog prices it (the docs do not say whether it covers Count gifts or one)",
      }),
    },
    { description: 'The gift about to be sent' },
  ),
  EventTime,
}
