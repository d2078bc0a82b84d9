/**
 * Tencent Cloud Room (TUIRoomKit) and Live (TUILiveKit) callbacks as typed, validated events: a schema for every
 * command, `SdkAppid` and `Sign` verification, lossless parsing of 18-digit user IDs, a typed emitter
 * ({@link createRoomWebhooks}), a framework-free `receive()`, a `node:http` handler and a fetch-style handler.
 *
 * Framework adapters find what they need in `@roomhooks/core/adapter`.
 *
 * @module @roomhooks/core
 */
export { createRoomWebhooks, RoomWebhooks } from './webhooks.js'
export type { BodyReader, CallbackRequest, CloseOptions, CloseResult } from './webhooks.js'
export type { RoomWebhooksOptions, SdkAppIdInput } from './options.js'
export type { CallbackDecision } from './decision.js'
export { DeliveryError } from './delivery/callback-delivery.js'
export type { CallbackDelivery, EnqueueOptions } from './delivery/callback-delivery.js'
export type { StoredCallback } from './delivery/stored-callback.js'
export type {
  CallbackAnswer,
  CallbackDurations,
  CallbackObservation,
  CallbackObserver,
  CallbackOutcome,
  CallbackParameters,
  CallbackStart,
} from './observe/observer.js'
export { createMemoryDedupeStore } from './dispatch/dedupe.js'
export type {
  ClaimResult,
  DedupeOptions,
  DedupeStore,
  MemoryDedupeStore,
  MemoryDedupeStoreOptions,
} from './dispatch/dedupe.js'
export { createFetchHandler } from './http/fetch-handler.js'
export type { FetchHandler, FetchHandlerOptions, WaitUntilContext } from './http/fetch-handler.js'
export { createNodeHandler } from './http/node-handler.js'
export type { NodeHandler } from './http/node-handler.js'
export type { NodeReceiverOptions } from './http/node-receiver.js'
export { commandDefinitions, findDefinition } from './catalog.js'
export type { AnyCommandDefinition, CallbackKind, CommandDefinition } from './catalog.js'
export { errorCodes, HandlerError, isRoomhooksError, RoomhooksError, ValidationError } from './errors.js'
export type { ErrorHandler, ErrorReason } from './errors.js'
export type { CallbackEnvelope, CallbackResponse } from './envelope.js'
export type {
  AllowHelper,
  Decision,
  AllowWithReplacementHelper,
  DecisionHelpers,
  DecisionRules,
  DropHelper,
  FailureDecision,
} from './decision.js'
export { signCallback } from './intake/sign.js'
export type { QueryInput } from './intake/query.js'
export type { BodyInput } from './intake/parse-body.js'
export type { Logger } from './logger.js'
export type {
  AnyCallbackEvent,
  BeforeEventName,
  CallbackContext,
  CallbackHandler,
  CommandAlias,
  CommandName,
  DecisionHelpersOf,
  EventFor,
  EventName,
  EventNameOf,
  HandlerResult,
  ListenableName,
  PayloadOf,
  RoomCallbackEvent,
  UnknownCallbackEvent,
} from './types.js'
