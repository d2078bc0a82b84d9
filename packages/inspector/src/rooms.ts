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
