import type { Queue } from 'bullmq'

type RedisClient = Awaited<ReturnType<Queue['getBackend']>['client']>

/** How many refused bodies a queue keeps, and for how long. */
export interface RefusedBounds {
  /** The most refused bodies kept; the oldest go first. */
  readonly count: number
  /** In ms: a refused body older than this is removed. */
  readonly ttl: number
}

/** The refused bodies a receiver stored, bounded: see {@link keepRefusedBounded}. */
export interface RefusedRecords {
  /** Notes a refused body just stored under `key`, and removes those now beyond the bounds, in the background. */
  kept(key: string, receivedAt: number): void
  /** Stops counting `key` as refused: its job now holds a record that was not refused (a copy that passed). */
  forget(key: string): void
  /** Resolves once the removals under way have ended. */
  settled(): Promise<void>
}

// An index of the refused jobs by arrival, next to the queue's own keys (the same hash slot on a Cluster). Adds
// `key` and answers the ids beyond the bounds: the oldest first, as many as are too old or too many.
const NOTE_REFUSED = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local stale = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[3])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
local drop = math.max(stale, excess)
if drop <= 0 then return {} end
return redis.call('ZRANGE', KEYS[1], 0, drop - 1)`

const FORGET_REFUSED = `return redis.call('ZREM', KEYS[1], unpack(ARGV))`

/**
 * Keeps a queue's refused bodies bounded in number and age. A refused body is stored as a job that a worker fails
 * at once, so that it waits in the failed set for a replay; nothing else would ever remove it, and a flood of
 * them (a schema change at the platform, a sender with the token) would fill Redis until every add failed. Each
 * body kept removes those beyond the bounds, so Redis holds at most `count` of them, none older than `ttl` once
 * the next arrives. Only refused jobs are counted: the dead letter of failed handlers is left alone.
 */
export function keepRefusedBounded(queue: Queue, { count, ttl }: RefusedBounds): RefusedRecords {
  const index = indexOf(queue)
  const running = new Set<Promise<void>>()
  let defined: Promise<RedisClient> | undefined
  const client = () =>
    (defined ??= queue
      .getBackend()
      .client.then(withScripts)
      .catch((error: unknown) => {
        defined = undefined
        throw error
      }))
  const trim = async (key: string, receivedAt: number) => {
    const redis = await client()
    const cutoff = Date.now() - ttl
    const beyond = (await redis.runCommand('roomhooksNoteRefused', [index, key, receivedAt, cutoff, count])) as string[]
    const removed: string[] = []
    // A job a worker holds right now cannot be removed: it stays indexed, and goes with a later arrival.
    for (const id of beyond) if ((await queue.remove(id)) === 1) removed.push(id)
    if (removed.length > 0) await redis.runCommand('roomhooksForgetRefused', [index, ...removed])
  }
  const track = (work: Promise<unknown>) => {
    const settled = work.then(
      () => {},
      () => {},
    )
    running.add(settled)
    void settled.finally(() => running.delete(settled))
  }
  return {
    kept(key, receivedAt) {
      // The answer (400) does not wait for this: a removal that fails is tried again with the next arrival.
      track(trim(key, receivedAt))
    },
    forget(key) {
      track(client().then((redis) => redis.runCommand('roomhooksForgetRefused', [index, key])))
    },
    async settled() {
      await Promise.all(running)
    },
  }
}

/**
 * Stops counting the job `id` as a refused body kept for a replay: it was replayed (put back to run), so removing
 * it when later refused bodies arrive would drop a callback somebody asked to run again. Call it before the job
 * leaves the failed set.
 */
export async function forgetRefused(queue: Queue, id: string): Promise<void> {
  const redis = withScripts(await queue.getBackend().client)
  await redis.runCommand('roomhooksForgetRefused', [indexOf(queue), id])
}

/** The index of a queue's refused jobs by arrival, next to the queue's own keys. */
function indexOf(queue: Pick<Queue, 'toKey'>): string {
  return queue.toKey('roomhooks:refused')
}

function withScripts(redis: RedisClient): RedisClient {
  redis.defineCommand('roomhooksNoteRefused', { numberOfKeys: 1, lua: NOTE_REFUSED })
  redis.defineCommand('roomhooksForgetRefused', { numberOfKeys: 1, lua: FORGET_REFUSED })
  return redis
}
