import { Type } from './builders.js'
import { Account, AccountList, EventTime, Flag, OperatorAccount, Seconds } from './common.js'

// Field names and types: TUIRoomKit server callbacks ("Room" product) in Tencent Cloud's documentation.

const RoomInfo = Type.Object(
  {
    RoomId: Type.String({ description: 'Room ID' }),
    RoomName: Type.Optional(Type.String({ description: 'Room name' })),
    RoomType: Type.Optional(Type.String({ description: '`Meeting` (the REST API calls it `Conference`)' })),
    Owner_Account: Type.Optional(Account('Room owner')),
    MaxMemberCount: Type.Optional(Type.Integer({ description: 'Member limit' })),
    MaxSeatCount: Type.Optional(Type.Integer({ description: 'Seat limit' })),
    IsVideoDisabled: Flag('Video is disabled for all members'),
    IsAudioDisabled: Flag('Audio is disabled for all members'),
    IsMessageDisabled: Flag('Messages are disabled for all members'),
    IsScreenSharingDisabled: Flag('Screen sharing is disabled'),
    IsCloudRecordingDisabled: Flag('Cloud recording is disabled'),
    CustomInfo: Type.Optional(Type.String({ description: 'Custom room data' })),
    ScheduleStartTime: Type.Optional(Seconds('Scheduled start')),
    ScheduleEndTime: Type.Optional(Seconds('Scheduled end')),
    RoomStatus: Type.Optional(Type.String({ description: "The room's state; the documented samples send `Running`" })),
    IsSeatEnabled: Flag('Seat control is on'),
    TakeSeatMode: Type.Optional(Type.String({ description: '`FreeToTake` or `ApplyToTake`' })),
    CreateTime: Type.Optional(Seconds('Creation time')),
  },
  { description: 'Room settings; an update carries only some of them' },
)

export const RoomCreatedFields = {
  Operator_Account: OperatorAccount,
  RoomInfo,
  ScheduleInviteeList_Account: Type.Optional(AccountList('Users invited to a scheduled room')),
  EventTime,
}

export const RoomDestroyedFields = {
  Operator_Account: OperatorAccount,
  RoomId: Type.String({ description: 'Room ID' }),
  EventTime,
}

export const RoomUpdatedFields = {
  Operator_Account: OperatorAccount,
  RoomInfo,
  EventTime,
}

export const MemberEnterFields = {
  Operator_Account: OperatorAccount,
  RoomId: Type.String({ description: 'Room ID' }),
  MemberCount: Type.Optional(
    Type.Integer({ description: "The room's capacity (the page's wording), not the members now in it" }),
  ),
  Type: Type.Optional(Type.String({ description: '`Enter`' })),
  MemberList_Account: AccountList('Users who entered'),
  EventTime,
}

export const MemberLeaveFields = {
  ...MemberEnterFields,
  Type: Type.Optional(Type.String({ description: '`Leave`, `Kicked` or `Expired`' })),
  MemberList_Account: AccountList('Users who left'),
  Reason: Type.Optional(Type.String({ description: 'Why they left' })),
}
