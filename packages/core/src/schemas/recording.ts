import { Type } from './builders.js'
import { Seconds } from './common.js'

// A TRTC-style body: no EventTime; CallbackTs is when the platform sent it.

export const RecordingFields = {
  EventGroupId: Type.Integer({ description: 'Event group, 3 for cloud recording' }),
  EventType: Type.Integer({ description: 'Recording event type (301 started, 302 stopped, …)' }),
  CallbackTs: Type.Optional(Type.Integer({ description: 'When the callback was sent, in ms since the epoch' })),
  EventInfo: Type.Object(
    {
      RoomId: Type.String({ description: 'Room ID' }),
      EventTs: Type.Optional(Seconds('When it happened')),
      EventMsTs: Type.Optional(Type.Integer({ description: 'When it happened, in ms since the epoch' })),
      UserId: Type.Optional(Type.String({ description: 'The recording user' })),
      TaskId: Type.Optional(Type.String({ description: 'Recording task ID' })),
      Payload: Type.Optional(
        Type.Object(
          { Status: Type.Optional(Type.Integer({ description: '0 on success' })) },
          { description: 'Event details' },
        ),
      ),
    },
    { description: 'What happened' },
  ),
}
