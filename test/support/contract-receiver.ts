// The receivers the transport contract sets up, described as data so that a runtime in another process (Bun,
// Deno, workerd) builds the same one from the same code as an in-process transport does. Web-standard only: no
// node: imports, nothing but @roomhooks/core.
import type { createRoomWebhooks, RoomWebhooks } from '@roomhooks/core'

export const CALLBACK_PATH = '/tencent/callback'

/** Which handlers the receiver runs: each is one row's setup in the contract. */
export type ContractHandlers =
  | 'none'
  /** onAny keeps every event (name, command, SdkAppid, payload). */
  | 'keep-events'
  /** onAny notes `any` for every event. */
  | 'note-any'
  /** room.created notes `on`, onAny notes `any:<name>:<command>`. */
  | 'note-on-and-any'
  /** room.created notes the RoomId after 5 ms: the answer must wait for it. */
  | 'note-room-id-later'
  | 'room-created-throws'
  | 'room-created-rejects'
  | 'gift-rejected'

/** What the receiver is made with. */
export interface ContractReceiver {
  readonly sdkAppId: number
  readonly token?: string
  readonly bodyLimit?: number
  readonly handlers: ContractHandlers
}

/** What the receiver's handlers and onError saw, as JSON (an event's payload as the handler got it). */
export interface Observed {
  readonly events: {
    name: string | null
    command: string
    sdkAppId: number | string
    payload: Record<string, unknown>
  }[]
  readonly notes: string[]
  /** The `reason` of every error given to onError. */
  readonly errors: string[]
}

export function emptyObserved(): Observed {
  return { events: [], notes: [], errors: [] }
}

/** Makes the receiver `receiver` describes with `create` (the build of core the app loads), noting into `observed`. */
export function createContractHooks(
  create: typeof createRoomWebhooks,
  { handlers, ...options }: ContractReceiver,
  observed: Observed,
): RoomWebhooks {
  const hooks = create({ ...options, log: { warn: () => {}, error: () => {} } })
  hooks.onError((error) => void observed.errors.push(error.reason))
  switch (handlers) {
    case 'none':
      break
    case 'keep-events':
      hooks.onAny(
        (event) =>
          void observed.events.push({
            name: event.name,
            command: event.command,
            sdkAppId: event.sdkAppId,
            payload: event.payload,
          }),
      )
      break
    case 'note-any':
      hooks.onAny(() => void observed.notes.push('any'))
      break
    case 'note-on-and-any':
      hooks.on('room.created', () => void observed.notes.push('on'))
      hooks.onAny((event) => void observed.notes.push(`any:${event.name}:${event.command}`))
      break
    case 'note-room-id-later':
      hooks.on('room.created', async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        observed.notes.push(event.payload.RoomInfo.RoomId)
      })
      break
    case 'room-created-throws':
      hooks.on('room.created', () => {
        throw new Error('database password is hunter2')
      })
      break
    case 'room-created-rejects':
      hooks.on('room.created', () => Promise.reject(new Error('boom')))
      break
    case 'gift-rejected':
      hooks.on('gift.beforeSend', (event) => event.reject('Gift too large'))
      break
  }
  return hooks
}
