import Fastify, { type FastifyInstance } from 'fastify'
import { createRoomWebhooks, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import roomhooks from '@roomhooks/fastify'

export interface AppOptions extends Pick<RoomWebhooksOptions, 'sdkAppId' | 'token'> {
  /** Where the app writes what it received. */
  readonly print?: (line: string) => void
  /** Users whose room messages are dropped. */
  readonly muted?: readonly string[]
}

/** The callback handlers: what the app does with each event. */
export function createHooks({ sdkAppId, token, print = console.log, muted = [] }: AppOptions): RoomWebhooks {
  return createRoomWebhooks({ sdkAppId, token })
    .on('live.member.state', (event) => {
      const { MemberList, EventType, EventCause, RoomId } = event.payload
      const members = MemberList.map((member) => member.Member_Account).join(', ')
      print(`${members} went ${EventType.toLowerCase()} in ${RoomId} (${EventCause})`)
    })
    .on('battle.ended', (event) => {
      // The platform sends these owners as bare 18-digit JSON numbers: they arrive here as exact strings.
      const { FromRoomInfo, ToRoomList = [] } = event.payload
      const rooms = FromRoomInfo === undefined ? ToRoomList : [FromRoomInfo, ...ToRoomList]
      print(`battle ended: ${rooms.map((room) => `${room.RoomId} of ${room.Owner_Account ?? 'unknown'}`).join(' vs ')}`)
    })
    .on('message.beforeSend', (event) => {
      if (!muted.includes(event.payload.From_Account)) return event.allow()
      print(`message from ${event.payload.From_Account} dropped`)
      return event.drop()
    })
    .onAny((event) => print(`${event.name ?? 'unknown event'} (${event.command}) ${JSON.stringify(event.payload)}`))
    .onError((error) => print(`refused or failed: ${error.message}`))
}

/**
 * A Fastify app with the roomhooks plugin beside the rest of your routes, which keep Fastify's JSON parser. The
 * plugin loads with the app: `await app.ready()` (or `app.listen()`) before the first request.
 */
export function createApp(options: AppOptions, hooks: RoomWebhooks = createHooks(options)): FastifyInstance {
  const app = Fastify()
  app.get('/health', (_request, reply) => reply.send('ok'))
  void app.register(roomhooks, { hooks, path: '/tencent/callback' })
  return app
}
