import { RoomhooksError } from '../errors.js'
import { MAX_TIMER } from '../max-timer.js'
import type { StoredCallback } from './stored-callback.js'
import { isThenable } from '../thenable.js'
import { withinTimeout } from '../within-timeout.js'

/**
 * Where a receiver hands verified after-callbacks to be handled later, by workers: a durable queue such as
 * `@roomhooks/bullmq`'s. The platform is answered OK once {@link CallbackDelivery.enqueue} has resolved; when it
 * fails or is slower than `timeout`, the receiver handles the callback itself and reports `DELIVERY_FAILED`.
 */
export interface CallbackDelivery {
  /**
   * Stores one callback durably. The same callback delivered again has the same `key`: store it once. Resolve once
   * it is stored. When the delivery failed or was slow, the receiver handles the callback itself; `signal` aborts
   * once it did so successfully: a callback stored late may then be taken back (only the one this call stored,
   * and only while no worker has it), so it is not handled twice.
   */
  enqueue(callback: StoredCallback, options: EnqueueOptions): Promise<unknown>
  /** How long the receiver waits for `enqueue()`, in ms, before it handles the callback itself. Default 500. */
  readonly timeout?: number
  /**
   * Called by `hooks.close()` once nothing is running any more: release connections. `signal` aborts when the
   * close's timeout is up (a Redis that hangs never answers a QUIT): end the connections at once then, so that
   * nothing keeps the process alive.
   */
  close?(options: { readonly signal: AbortSignal }): Promise<unknown>
}

/** What {@link CallbackDelivery.enqueue} is told besides the callback. */
export interface EnqueueOptions {
  /** What identifies the callback: the command, the SdkAppID and the SHA-256 of the body. */
  readonly key: string
  /** Aborted when the receiver stopped waiting for the delivery. */
  readonly signal: AbortSignal
}

/** The `delivery` option, checked and with its default filled in. */
export interface DeliverySettings {
  readonly delivery: CallbackDelivery
  readonly timeout: number
}

/**
 * A delivery failed or was slow; the callback was handled in this process instead. `callback` is the record the
 * delivery was given, for an `onError` handler that wants to keep it elsewhere.
 */
export class DeliveryError extends RoomhooksError {
  override readonly name = 'DeliveryError'
  readonly callback: StoredCallback

  constructor(callback: StoredCallback, what: string, cause: unknown) {
    super('DELIVERY_FAILED', `The delivery of ${callback.command} ${what}`, { cause })
    this.callback = callback
  }
}

/** Checks the `delivery` option of createRoomWebhooks(). */
export function readDelivery(delivery: CallbackDelivery | undefined): DeliverySettings | undefined {
  if (delivery === undefined) return undefined
  if (delivery === null || typeof delivery !== 'object' || typeof delivery.enqueue !== 'function') {
    throw new TypeError('[@roomhooks/core] delivery needs an enqueue() method, e.g. createQueueDelivery()')
  }
  const timeout = delivery.timeout ?? 500
  // Past MAX_TIMER, setTimeout() fires at once: every callback would be handled here, reported as failed.
  if (typeof timeout !== 'number' || !(timeout > 0) || !(timeout <= MAX_TIMER)) {
    throw new TypeError(
      `[@roomhooks/core] delivery.timeout must be a positive number of ms, at most ${MAX_TIMER}, got ${String(timeout)}`,
    )
  }
  return { delivery, timeout }
}

/** A callback handed to the delivery: whether it was stored in time, and how to take it back. */
export interface Enqueued {
  /** Resolves once the delivery stored the callback; rejects with a {@link DeliveryError} when it failed or was slow. */
  readonly stored: Promise<void>
  /** Aborts the signal the delivery was given: the callback was handled in this process, take it back if you can. */
  readonly withdraw: () => void
}

/**
 * Hands a callback to the delivery and waits for it, up to the timeout. Never throws synchronously, whatever the
 * delivery does; a delivery that answers anything but a promise failed (it did not say when the callback is
 * stored).
 */
export function enqueueCallback(
  { delivery, timeout }: DeliverySettings,
  callback: StoredCallback,
  key: string,
  what: string,
): Enqueued {
  const controller = new AbortController()
  // An async function turns a delivery that throws into a rejection. One that returns something other than a
  // promise did not say when the callback is stored (a forgotten return or await): that counts as a failure too.
  const stored = (async () => {
    const result: unknown = delivery.enqueue(callback, { key, signal: controller.signal })
    if (!isThenable(result)) {
      throw new TypeError(`enqueue() returned ${result === null ? 'null' : typeof result}, not a promise`)
    }
    return result
  })()
  return {
    stored: (withinTimeout(stored, timeout) as Promise<unknown>).then(
      () => undefined,
      (error: unknown) => {
        throw new DeliveryError(callback, what, error)
      },
    ),
    withdraw: () => controller.abort(new Error('The callback was handled in the receiving process')),
  }
}
