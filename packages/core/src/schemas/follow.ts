import { Type } from '@sinclair/typebox'
import { Account, EventTime } from './common.js'

export const FollowFields = {
  From_Account: Account('The user who followed or unfollowed'),
  FollowList: Type.Array(Type.Object({ To_Account: Account('A user followed or unfollowed') }), {
    description: 'The users concerned',
  }),
  EventTime,
}
