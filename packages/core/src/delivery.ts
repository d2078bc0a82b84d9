/**
 * What a durable delivery needs (`@roomhooks/bullmq` is built on it): the record a receiver stores, the run of a
 * stored record's handlers in a worker, and the receiver's error reporting. Apps do not need it: they use the
 * delivery package.
 *
 * @module @roomhooks/core/delivery
 */
import type { RoomhooksError } from './errors.js'
import { workerBridge, type StoredRunOptions, type StoredRunOutcome } from './delivery/run-stored.js'
import type { RoomWebhooks } from './webhooks.js'

export type { CallbackDelivery, EnqueueOptions } from './delivery/callback-delivery.js'
export { DeliveryError } from './delivery/callback-delivery.js'
export { readStoredCallback, STORED_CALLBACK_VERSION } from './delivery/stored-callback.js'
export type { StoredCallback } from './delivery/stored-callback.js'
export type { StoredRunOptions, StoredRunOutcome } from './delivery/run-stored.js'

/**
 * Runs a stored callback with the receiver's handlers, as a worker does: the event is the one the receiver would
 * have made (exact IDs, the original `receivedAt`), with `attempt` set. Never rejects: the outcome says whether
 * the run failed and whether another attempt may succeed; every failure also goes to `onError`.
 */
export function runStoredCallback(
  hooks: RoomWebhooks,
  stored: unknown,
  options: StoredRunOptions,
): Promise<StoredRunOutcome> {
  return hooks[workerBridge].run(stored, options)
}

/** Tells the receiver's `onError` handlers (or its logger, when it has none) of an error a worker met. */
export function reportError(hooks: RoomWebhooks, error: RoomhooksError): void {
  hooks[workerBridge].report(error)
}
