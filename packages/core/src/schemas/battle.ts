import { Type } from './builders.js'
import { Account, EventTime, OperatorAccount, Seconds } from './common.js'

// Live PK battles between rooms.

const BattleRoom = Type.Object({
  RoomId: Type.String({ description: 'Room ID' }),
  Owner_Account: Type.Optional(Account('Room owner')),
  Score: Type.Optional(Type.Integer({ description: 'Battle score' })),
})

export const BattleCreatedFields = {
  Operator_Account: OperatorAccount,
  BattleId: Type.String({ description: 'Battle ID' }),
  FromRoomId: Type.String({ description: 'The room that asked for the battle' }),
  ToRoomIdList: Type.Array(Type.String(), { description: 'The rooms invited' }),
  Timeout: Type.Optional(Type.Integer({ description: 'How long invitees may take to answer, in ms' })),
  Duration: Type.Optional(Type.Integer({ description: 'Battle length once started, in ms' })),
  NeedResponse: Type.Optional(Type.Boolean({ description: 'Invitees must accept before it starts' })),
  ExtensionInfo: Type.Optional(Type.String({ description: 'Custom data' })),
  EventTime,
}

export const BattleStartedFields = {
  BattleId: Type.String({ description: 'Battle ID' }),
  Duration: Type.Optional(Type.Integer({ description: 'Battle length, in ms' })),
  CreateTime: Type.Optional(Seconds('When it was created')),
  StartTime: Type.Optional(Seconds('When it started')),
  FromRoomInfo: Type.Optional(
    Type.Object(BattleRoom.properties, { description: 'The room that asked for the battle' }),
  ),
  ToRoomList: Type.Optional(Type.Array(BattleRoom, { description: 'The invited rooms taking part' })),
  EventTime,
}

export const BattleEndedFields = {
  ...BattleStartedFields,
  EndTime: Type.Optional(Seconds('When it ended')),
  OpType: Type.Optional(
    Type.Integer({ description: '0: time was up; 1: every host left; 2: nobody joined, so it never started' }),
  ),
}
