import { Type } from './builders.js'
import { Account, AccountList, EventTime } from './common.js'

// Follow.CallbackAfterFollowAdd and Follow.CallbackAfterFollowDelete carry the users in different shapes.

export const FollowAddedFields = {
  From_Account: Account('The user who followed'),
  FollowList: Type.Array(Type.Object({ To_Account: Account('A user followed') }), {
    description: 'The users followed',
  }),
  EventTime,
}

export const FollowRemovedFields = {
  From_Account: Account('The user who unfollowed'),
  To_Account: AccountList('The users unfollowed'),
  EventTime,
}
