/**
 * Durable delivery for roomhooks: verified after-callbacks are stored in Redis with BullMQ before the platform is
 * answered ({@link createQueueDelivery}), and run by any number of workers with retries and a dead letter
 * ({@link createRoomWorker}). Nothing is lost when a handler fails or a process dies.
 *
 * @module @roomhooks/bullmq
 */
export { createQueueDelivery } from './queue-delivery.js'
export type { QueueDelivery, QueueDeliveryOptions } from './queue-delivery.js'
export { createRoomWorker } from './room-worker.js'
export type { RoomWorkerBackoff, RoomWorkerOptions } from './room-worker.js'
export { listFailedCallbacks, replayFailedCallbacks } from './dead-letter.js'
export type { FailedCallback, FailedCallbackFilter } from './dead-letter.js'
export { DEFAULT_QUEUE_NAME } from './queue-settings.js'
export type { QueueLocation } from './queue-settings.js'
