// What the BullMQ tests share: a redis-server per suite, a queue of their own per test, and waiting for its jobs.
import { Queue } from 'bullmq'
import { createRoomWebhooks, type RoomhooksError, type RoomWebhooks } from '@roomhooks/core'
import { createQueueDelivery, type QueueDeliveryOptions } from '@roomhooks/bullmq'
import { callbackQuery, fixtureText, SDK_APP_ID } from '../../../test/support/callbacks.js'
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js'

let queues = 0

/** A queue name no other test uses. */
export function freshQueueName(): string {
  return `roomhooks-test-${process.pid}-${++queues}`
}

/** Polls `check` until it returns true, failing after `timeout` ms with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** The job counts of a queue, by state. */
export async function countsOf(queue: Queue): Promise<Record<string, number>> {
  return queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')
}

export const MEMBER_ENTER = 'Room.CallbackAfterMemberEnter'

/**
 * A member.enter body, as the platform sends it, for room `roomId`; with a user ID of 18 digits written as a bare
 * JSON number, which only a reader of the raw text gets exactly.
 */
export function memberEnterBody(roomId: string, bigUserId = '144115212345678901'): string {
  return fixtureText(MEMBER_ENTER)
    .replace('"rid-123"', JSON.stringify(roomId))
    .replace('"Operator_Account": "user1"', `"Operator_Account": ${bigUserId}`)
}

export const memberEnterQuery = (): string => callbackQuery({ command: MEMBER_ENTER })

/** A receiver whose delivery queues into a queue of its own, that queue, and what the receiver's onError heard. */
export interface QueueReceiver {
  readonly hooks: RoomWebhooks
  readonly queue: Queue
  readonly queueName: string
  readonly errors: RoomhooksError[]
}

/** What a suite against redis-server has; `connection` and `server` are there once its `before` hook has run. */
export interface RedisSuite {
  readonly server: RedisServer
  readonly connection: { readonly host: string; readonly port: number }
  /** Closes these after the test, the last given first. */
  closeAfterTest(...closers: (() => Promise<unknown>)[]): void
  /** A receiver with a queue delivery into a fresh queue, closed after the test; `token` turns Sign checks on. */
  queueReceiver(options?: Partial<QueueDeliveryOptions>, receiver?: { readonly token?: string }): QueueReceiver
}

/** Starts a redis-server before the suite's tests and stops it after them; what a test opened is closed after it. */
export function useRedisServer(): RedisSuite {
  let server: RedisServer | undefined
  const closing: (() => Promise<unknown>)[] = []
  before(async () => {
    server = await startRedisServer()
  })
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close()
  })
  after(() => server?.stop())
  const started = (): RedisServer => {
    if (server === undefined) throw new Error('redis-server is started by the suite before its tests')
    return server
  }
  const suite: RedisSuite = {
    get server() {
      return started()
    },
    get connection() {
      return { host: '127.0.0.1', port: started().port }
    },
    closeAfterTest(...closers) {
      closing.push(...closers)
    },
    queueReceiver(options = {}, receiver = {}) {
      const { connection } = suite
      const queueName = freshQueueName()
      const errors: RoomhooksError[] = []
      const hooks = createRoomWebhooks({
        sdkAppId: SDK_APP_ID,
        ...(receiver.token !== undefined && { token: receiver.token }),
        delivery: createQueueDelivery({ connection, queueName, ...options }),
        log: { warn() {}, error() {} },
      }).onError((error) => void errors.push(error))
      const queue = new Queue(queueName, {
        connection,
        ...(options.prefix !== undefined && { prefix: options.prefix }),
      })
      queue.on('error', () => {}) // the tests that stop Redis read its effects from the answers
      closing.push(
        () => hooks.close(),
        () => queue.close(),
      )
      return { hooks, queue, queueName, errors }
    },
  }
  return suite
}
