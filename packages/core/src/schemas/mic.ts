import { Type } from './builders.js'
import { Account, EventTime, Flag, OperatorAccount } from './common.js'

// Sent by both products: Room includes Operator_Account, Live leaves it out.

const Seat = Type.Object({
  Index: Type.Integer({ description: 'Seat index' }),
  Member_Account: Type.Optional(Account('User on the seat')),
  IsTakenDisabled: Flag('The seat is locked'),
  IsVideoDisabled: Flag("The seat's video is disabled"),
  IsAudioDisabled: Flag("The seat's audio is disabled"),
})

export const SeatChangedFields = {
  Operator_Account: OperatorAccount,
  RoomId: Type.String({ description: 'Room ID' }),
  SeatList: Type.Array(Seat, { description: 'The seats after the change' }),
  EventTime,
}
