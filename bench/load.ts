import autocannon from 'autocannon'
import { callbackQuery, fixtureText } from '../test/support/callbacks.js'
import { CALLBACK_PATH, TOKEN } from './cases.js'

const COMMAND = 'Room.CallbackAfterCreateRoom'
const body = fixtureText(COMMAND)
/** The same body with a RoomId that autocannon replaces with a new id in every request. */
const distinctBody = body.replace('"RoomId": "tandy-test-rest"', '"RoomId": "[<id>]"')

/** One measured load run. */
export interface LoadResult {
  readonly requestsPerSecond: number
  /** Latencies in ms: the mean, and percentiles (which autocannon rounds to whole ms). */
  readonly mean: number
  readonly p50: number
  readonly p99: number
  readonly total: number
  /** Answers that were not 2xx, plus connection errors and timeouts. */
  readonly failures: number
}

/**
 * Sends the same callback (the create-room fixture and its query string, signed when asked, with a RequestTime
 * of now) for `duration` seconds, or `amount` requests, over 10 keep-alive connections. With `distinct`, every
 * request has a RoomId of its own, so that no two bodies are the same.
 */
export async function load(
  url: string,
  options: { signed: boolean; duration?: number; amount?: number; distinct?: boolean },
): Promise<LoadResult> {
  const query = callbackQuery({ command: COMMAND, ...(options.signed && { token: TOKEN }) })
  const result = await autocannon({
    url: `${url}${CALLBACK_PATH}?${query}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(options.distinct ? { body: distinctBody, idReplacement: true } : { body }),
    connections: 10,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
  })
  return {
    requestsPerSecond: result.requests.total / ((result.finish.getTime() - result.start.getTime()) / 1000),
    mean: result.latency.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  }
}
