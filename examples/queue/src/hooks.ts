import { createQueueDelivery, type QueueLocation } from '@roomhooks/bullmq'
import { createRoomWebhooks, HandlerError, type RoomWebhooks, type RoomWebhooksOptions } from '@roomhooks/core'
import type { AttendanceStore } from './attendance-store.js'

export interface HooksOptions extends Pick<RoomWebhooksOptions, 'sdkAppId' | 'token' | 'log'> {
  readonly connection: QueueLocation['connection']
  readonly queueName: string
  readonly attendance: AttendanceStore
  /** Where the handlers write what they did. */
  readonly print?: (line: string) => void
}

/**
 * The receiver and its handlers, shared by both processes. The receiving process queues verified after-callbacks
 * and answers the platform; the worker process runs these handlers on them, with retries. When Redis cannot be
 * reached, the receiving process runs the handlers itself, so they belong to both.
 */
export function createHooks({
  sdkAppId,
  token,
  log,
  connection,
  queueName,
  attendance,
  print = console.log,
}: HooksOptions): RoomWebhooks {
  const hooks = createRoomWebhooks({
    sdkAppId,
    token,
    ...(log && { log }),
    delivery: createQueueDelivery({ connection, queueName }),
  })

  hooks.on(['member.enter', 'member.leave'], (event) => {
    const { MemberList_Account, RoomId } = event.payload
    const moved = event.name === 'member.enter' ? 'entered' : 'left'
    print(`${MemberList_Account.join(', ')} ${moved} ${RoomId} (attempt ${event.attempt})`)
  })
  hooks.on('room.destroyed', (event) => {
    print(`room ${event.payload.RoomId} destroyed (attempt ${event.attempt})`)
  })
  // A handler that can fail: it throws, the attempt fails, and the worker tries the callback again later.
  hooks.on('member.leave', async (event) => {
    const { RoomId, MemberList_Account } = event.payload
    await attendance.save({ roomId: RoomId, userIds: MemberList_Account, leftAt: event.eventTime ?? event.receivedAt })
    print(`saved: ${MemberList_Account.join(', ')} left ${RoomId} (attempt ${event.attempt})`)
  })
  hooks.onError((error) => {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    const attempt = error instanceof HandlerError ? ` (attempt ${error.event.attempt})` : ''
    print(`${error.reason}: ${error.info}${cause}${attempt}`)
  })
  return hooks
}
