// A pretend database standing in for yours: it keeps who left which room, and it can fail, as real ones do.
import { setTimeout as sleep } from 'node:timers/promises'

/** Who left a room, and when (ms since the epoch). */
export interface LeaveRecord {
  readonly roomId: string
  readonly userIds: readonly string[]
  readonly leftAt: number
}

export interface AttendanceStore {
  save(record: LeaveRecord): Promise<void>
}

/**
 * A store whose first `failures` writes fail, like a database that is restarting; every later write succeeds.
 * With a large number, every write fails and callbacks end in the queue's failed set.
 */
export function createAttendanceStore({ failures = 0 }: { readonly failures?: number } = {}): AttendanceStore {
  let failuresLeft = failures
  return {
    async save() {
      await sleep(10) // the round trip to the database
      if (failuresLeft > 0) {
        failuresLeft--
        throw new Error('the attendance store is not reachable')
      }
    },
  }
}
