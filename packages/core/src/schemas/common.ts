import { Type } from './builders.js'

/**
 * A user ID. Tencent documents `*_Account` fields as strings but some samples send bare numbers above 2^53;
 * roomhooks always delivers the exact digits as a string.
 */
export const Account = (description: string) => Type.String({ description })

/** A list of user IDs, delivered as exact strings like {@link Account}. */
export const AccountList = (description: string) => Type.Array(Type.String(), { description })

/** `EventTime`: milliseconds since the epoch. Missing from some samples, a numeric string in some docs. */
export const EventTime = Type.Optional(
  Type.Integer({ description: 'When the event happened, in milliseconds since the epoch' }),
)

/** The user or admin who caused the event; Live seat and member callbacks leave it out. */
export const OperatorAccount = Type.Optional(Account('The user who caused the event'))

/** A timestamp in Unix seconds (room and gift times, unlike `EventTime`). */
export const Seconds = (description: string) => Type.Integer({ description: `${description}, in Unix seconds` })

/** A flag. The platform sometimes sends `"true"`/`"false"` strings; roomhooks delivers booleans. */
export const Flag = (description: string) => Type.Optional(Type.Boolean({ description }))
