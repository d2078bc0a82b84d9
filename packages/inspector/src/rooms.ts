import type { LiveStreams } from './live.js'

/** Presence changes come in bursts (a member list): the Rooms view is sent once they settle. */
const ROOMS_DELAY = 100

/**
 * What the Rooms view reads of a presence (`createPresence()` of `@roomhooks/presence`): written out here so that
 * the inspector needs no dependency on that package.
 */
export interface InspectorPresence {
  /** The open rooms. */
  rooms(): Promise<readonly { readonly roomId: string; readonly kind: string; readonly count: number }[]>
  /** A room's members now. */
  members(roomId: string): Promise<readonly { readonly userId: string; readonly since: number }[]>
  /** A room's last seat list. */
  seats(roomId: string): Promise<readonly { readonly index: number; readonly userId: string | null }[]>
  /** Calls `listener` after each change; returns the function that stops it. */
  onChange(listener: (change: unknown) => void): () => void
}

/** One open room as the Rooms view shows it. */
export interface RoomView {
  readonly roomId: string
  readonly kind: string
  readonly count: number
  readonly members: readonly { readonly userId: string; readonly since: number }[]
  /** The last seat list, when the room has one. */
  readonly seats?: readonly { readonly index: number; readonly userId: string | null }[]
}

/** The Rooms view shows at most this many rooms, and this many members of each: a page, not an export. */
const MAX_ROOMS = 200
const MAX_MEMBERS = 500

/** Every open room with its members and seats, read from the presence now. */
export async function readRooms(presence: InspectorPresence): Promise<RoomView[]> {
  const rooms = (await presence.rooms()).slice(0, MAX_ROOMS)
  return Promise.all(
    rooms.map(async ({ roomId, kind, count }) => {
      const [members, seats] = await Promise.all([presence.members(roomId), presence.seats(roomId)])
      const view = { roomId, kind, count, members: members.slice(0, MAX_MEMBERS) }
      return seats.length === 0 ? view : { ...view, seats }
    }),
  )
}

/** Sends the Rooms view to the open streams once a burst of presence changes has settled. */
export function followRooms(presence: InspectorPresence, live: LiveStreams): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const send = () => {
    timer = undefined
    if (live.size === 0) return
    // A store that fails now is read again at the next change; the page keeps the last view meanwhile.
    readRooms(presence).then(
      (rooms) => live.send('rooms', { rooms }),
      () => {},
    )
  }
  const stop = presence.onChange(() => {
    if (timer !== undefined) return
    timer = setTimeout(send, ROOMS_DELAY)
    ;(timer as { unref?: () => void }).unref?.()
  })
  return () => {
    if (timer !== undefined) clearTimeout(timer)
    stop()
  }
}
