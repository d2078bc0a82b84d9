import { Type } from './builders.js'
import { Account, EventTime, OperatorAccount, Seconds } from './common.js'

// Group (barrage) messages of a live room, from Tencent Cloud Chat's group message callbacks.

/** One element of a message (`TIMTextElem`, `TIMCustomElem`, …); its content depends on `MsgType`. */
const MessageElement = Type.Object({
  MsgType: Type.String({ description: '`TIMTextElem`, `TIMCustomElem`, `TIMFaceElem`, …' }),
  MsgContent: Type.Record(Type.String(), Type.Unknown(), { description: 'Content, by MsgType' }),
})

const MessageBody = Type.Array(MessageElement, { description: 'The message elements' })

export const MessageFields = {
  GroupId: Type.String({ description: 'Group (room) ID' }),
  Type: Type.Optional(Type.String({ description: 'Group type, `Live` for live rooms' })),
  From_Account: Account('Sender'),
  Operator_Account: OperatorAccount,
  Random: Type.Optional(Type.Integer({ description: 'The random number of the send request' })),
  MsgId: Type.Optional(Type.String({ description: "The message's client-side ID" })),
  OnlineOnlyFlag: Type.Optional(Type.Integer({ description: '1 for an online-only message' })),
  MsgBody: MessageBody,
  CloudCustomData: Type.Optional(Type.String({ description: 'Custom data of the message' })),
  TopicId: Type.Optional(Type.String({ description: 'Topic ID (topic-enabled communities)' })),
  EventTime,
}

export const MessageSentFields = {
  ...MessageFields,
  MsgSeq: Type.Optional(Type.Integer({ description: 'Sequence number of the message in the group' })),
  MsgTime: Type.Optional(Seconds('When it was sent')),
}
