import type * as Bullmq from '@roomhooks/bullmq'
import type { FailedCallback, FailedCallbackFilter } from '@roomhooks/bullmq'

/** Which failed callbacks to read or replay, and where: what `roomhooks failed` and `roomhooks replay` take. */
export interface DeadLetterQuery {
  /** The Redis holding the queue: a `redis://` or `rediss://` URL. */
  readonly redisUrl: string
  /** The queue's name; @roomhooks/bullmq's default (`roomhooks`) when undefined. */
  readonly queueName?: string | undefined
  /** The queue's Redis key prefix; BullMQ's default (`bull`) when undefined. */
  readonly prefix?: string | undefined
  /** Only callbacks of this Tencent command. */
  readonly command?: string | undefined
  /** At most this many, the most recent first; @roomhooks/bullmq's default (100) when undefined. */
  readonly limit?: number | undefined
}

/**
 * What `failed` or `replay` found: the queue's name (its default when none was given), the callbacks, and the ids
 * of the failed jobs skipped because they cannot be read.
 */
export interface DeadLetterAnswer {
  readonly queueName: string
  readonly callbacks: readonly FailedCallback[]
  readonly unreadable: readonly string[]
}

/** Raised when Redis cannot be reached, does not answer in time, or answers an error. */
export class RedisError extends Error {
  override readonly name = 'RedisError'
}

/** Raised when `failed` or `replay` runs where @roomhooks/bullmq (with BullMQ and ioredis) is not installed. */
export class MissingPackageError extends Error {
  override readonly name = 'MissingPackageError'
}

/**
 * How long a connection or a command may take, in ms. ioredis waits for Redis forever by default (and BullMQ
 * reconnects forever), which would leave the CLI hanging on a mistyped URL.
 */
const REDIS_TIMEOUT = 3000

/** The callbacks in the queue's failed set, the most recent first. */
export async function listDeadLetter(query: DeadLetterQuery): Promise<DeadLetterAnswer> {
  const { listFailedCallbacks, DEFAULT_QUEUE_NAME } = await loadBullmq('failed')
  return { queueName: query.queueName ?? DEFAULT_QUEUE_NAME, ...(await withRedis(query, listFailedCallbacks)) }
}

/** Puts the queue's failed callbacks back for the workers to run again; resolves to those replayed. */
export async function replayDeadLetter(query: DeadLetterQuery): Promise<DeadLetterAnswer> {
  const { replayFailedCallbacks, DEFAULT_QUEUE_NAME } = await loadBullmq('replay')
  return { queueName: query.queueName ?? DEFAULT_QUEUE_NAME, ...(await withRedis(query, replayFailedCallbacks)) }
}

/**
 * @roomhooks/bullmq, loaded only by the commands that need it: it is an optional peer dependency, so that an
 * install that only sends callbacks does not pull in BullMQ and ioredis (nor pay for loading them).
 */
async function loadBullmq(command: string): Promise<typeof Bullmq> {
  try {
    return await import('@roomhooks/bullmq')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
    const missing = /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1] ?? '@roomhooks/bullmq'
    throw new MissingPackageError(
      `roomhooks ${command} reads a @roomhooks/bullmq queue, and needs that package with BullMQ and ioredis, which are not installed (${missing} is missing): npm install @roomhooks/bullmq`,
      { cause: error },
    )
  }
}

async function withRedis(
  query: DeadLetterQuery,
  use: (filter: FailedCallbackFilter) => Promise<FailedCallback[]>,
): Promise<Omit<DeadLetterAnswer, 'queueName'>> {
  const unreadable: string[] = []
  const filter: FailedCallbackFilter = {
    connection: {
      url: query.redisUrl,
      connectTimeout: REDIS_TIMEOUT,
      commandTimeout: REDIS_TIMEOUT,
      // Give up at the first failed connection rather than retrying forever.
      retryStrategy: () => null,
      // The client-info commands would come first, each waiting commandTimeout on a server that never answers.
      disableClientInfo: true,
      // Closing a connection that never opened waits this long for its socket to close, which it already has.
      disconnectTimeout: 100,
    },
    ...(query.queueName !== undefined && { queueName: query.queueName }),
    ...(query.prefix !== undefined && { prefix: query.prefix }),
    ...(query.command !== undefined && { command: query.command }),
    ...(query.limit !== undefined && { limit: query.limit }),
    onUnreadable: (id) => void unreadable.push(id),
  }
  try {
    return { callbacks: await use(filter), unreadable }
  } catch (error) {
    throw new RedisError(explain(error, withoutCredentials(query.redisUrl)), { cause: error })
  }
}

/**
 * One line for what went wrong: Redis's own answer when it gave one, why it could not be reached when it could
 * not, otherwise the error's message (BullMQ's, e.g. a Redis too old for it).
 */
function explain(error: unknown, where: string): string {
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown }
  if (name === 'ReplyError') return `Redis at ${where} answered: ${String(message)}`
  if (typeof code === 'string') return `Could not reach Redis at ${where}: ${code}`
  if (message === 'Command timed out') return `Could not reach Redis at ${where}: no answer within ${REDIS_TIMEOUT} ms`
  if (message === 'Connection is closed.') return `Could not reach Redis at ${where}: the connection was closed`
  return `Redis at ${where}: ${String(message ?? error)}`
}

/** The line that says which failed jobs were skipped because they cannot be read; undefined when none were. */
export function describeUnreadable(ids: readonly string[]): string | undefined {
  if (ids.length === 0) return undefined
  const jobs = ids.length === 1 ? '1 failed job' : `${ids.length} failed jobs`
  return `Skipped ${jobs} whose data is not JSON (not written by a receiver; remove with redis-cli): ${ids.map(escapeControls).join(', ')}`
}

/** The URL without its user name and password, which have no place in an error message. */
function withoutCredentials(redisUrl: string): string {
  const url = new URL(redisUrl)
  url.username = ''
  url.password = ''
  return url.href.replace(/\/$/, '')
}

/**
 * One line per failed callback, in columns: its command, SDKAppID, attempts, when it failed and its last error;
 * a body the receiver refused (it failed its schema) is marked `refused:`.
 */
export function describeFailed(callbacks: readonly FailedCallback[], now = Date.now()): string[] {
  const rows = callbacks.map((callback) => [
    escapeControls(callback.command),
    String(callback.sdkAppId ?? '-'),
    callback.attempts === 1 ? '1 attempt' : `${callback.attempts} attempts`,
    `failed ${ago(callback.failedAt, now)}`,
    `${callback.refused ? 'refused: ' : ''}${escapeControls(oneLine(callback.error))}`,
  ])
  return columns(rows)
}

/** One line per replayed callback: its command, SDKAppID, when it arrived, and its id (the callback's key). */
export function describeReplayed(callbacks: readonly FailedCallback[], now = Date.now()): string[] {
  const rows = callbacks.map((callback) => [
    escapeControls(callback.command),
    String(callback.sdkAppId ?? '-'),
    `received ${ago(callback.receivedAt, now)}`,
    `${callback.refused ? 'refused body, ' : ''}id ${escapeControls(callback.id)}`,
  ])
  return columns(rows, '↻ ')
}

/** How long ago `time` was, the way people say it: `12s ago`, `3m ago`, `5h ago`, `2d ago`. */
function ago(time: number | null | undefined, now: number): string {
  if (typeof time !== 'number') return 'at an unknown time'
  const seconds = Math.max(0, Math.floor((now - time) / 1000))
  if (seconds < 60) return `${seconds}s ago`
  if (seconds < 60 * 60) return `${Math.floor(seconds / 60)}m ago`
  if (seconds < 48 * 60 * 60) return `${Math.floor(seconds / (60 * 60))}h ago`
  return `${Math.floor(seconds / (24 * 60 * 60))}d ago`
}

/** Rows as lines, each cell but the last padded to its column's width. */
function columns(rows: readonly (readonly string[])[], lead = ''): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? []
  return rows.map(
    (row) =>
      lead +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
  )
}

/** An error message on one line: a stack or a multi-line message would break the listing's columns. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim() || '(no message)'
}

/**
 * Text a sender had a hand in (a handler's error may quote a RoomId), with its C0 and C1 control characters written
 * as `\xHH`: printed raw, ESC, CR or BEL would let it move the cursor, erase lines and rewrite what the terminal
 * shows.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g
