import type { RoomWebhooks } from '@roomhooks/core'
import { runStoredCallback } from '@roomhooks/core/delivery'
import type { CallbackSummary } from './entry.js'
import type { Recorder } from './recorder.js'

/** How long a replay's handlers may run before the replay counts as late, in ms. */
const REPLAY_TIMEOUT = 10_000

/**
 * Runs an entry's handlers again as a worker would (`runStoredCallback`), as the attempt after the last one of that
 * callback; the run is recorded as a new entry, returned once it has run. Or why it cannot be replayed.
 */
export async function replayEntry(
  hooks: RoomWebhooks,
  recorder: Recorder,
  id: string,
): Promise<CallbackSummary | { readonly refused: string; readonly status: number }> {
  const prepared = recorder.prepareReplay(id)
  if ('refused' in prepared) return prepared
  // Never rejects: the run's outcome is the new entry's.
  await runStoredCallback(hooks, prepared.stored, { attempt: prepared.attempt, timeout: REPLAY_TIMEOUT })
  return prepared.finish() ?? { refused: 'The inspector was closed while the replay ran', status: 503 }
}
