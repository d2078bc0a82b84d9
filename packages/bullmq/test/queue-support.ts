// What the BullMQ tests share: a queue of their own per test, and waiting for its jobs to settle.
import type { Queue } from 'bullmq'
import { callbackQuery, fixtureText } from '../../../test/support/callbacks.js'

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
