import { findCommand } from '../catalog.js'
import type { CallbackWatch } from '../observe/callback-watch.js'
import { DeliveryError, enqueueCallback, type DeliverySettings } from './callback-delivery.js'
import { dedupeKey, deliveryKey } from '../dispatch/dedupe.js'
import { okResponse, type CallbackResponse } from '../envelope.js'
import type { ValidationError } from '../errors.js'
import type { BodyInput } from '../intake/parse-body.js'
import type { CallbackQuery } from '../intake/query.js'
import type { InFlight, ReceiverState } from '../receiver-state.js'
import { refuse, report } from '../observe/reporter.js'
import { STORED_CALLBACK_VERSION, type StoredCallback } from './stored-callback.js'

type Answer = CallbackResponse | Promise<CallbackResponse>

/**
 * Hands a verified, valid after-callback to the delivery and answers OK once it is stored. When the delivery fails
 * or is slow, the callback is handled here instead (`handleHere`), so nothing is lost while this process lives;
 * once its handlers have all succeeded, the delivery is told it may take back a copy it stored late.
 */
export function handOver(
  state: ReceiverState,
  settings: DeliverySettings,
  inFlight: InFlight,
  body: BodyInput,
  handleHere: () => Answer,
): Promise<CallbackResponse> {
  const { event, watch } = inFlight
  let callback: StoredCallback
  try {
    callback = storedCallback(event, event.sdkAppId, textOf(body), watch)
  } catch (error) {
    const failure = new DeliveryError(storedCallback(event, event.sdkAppId, '', undefined), 'could not be made', error)
    report(state, failure, watch)
    return Promise.resolve(handleHere())
  }
  const what = 'failed or was slow; the callback was handled in this process'
  const key = deliveryKey(callback.command, callback.sdkAppId, callback.body, inFlight.digitsLost)
  const { stored, withdraw } = enqueueCallback(settings, callback, key, what)
  return stored.then(
    () => {
      state.config.log.debug(`[@roomhooks/core] ${event.command} was handed to the delivery`)
      if (watch) watch.outcome = 'queued'
      return okResponse
    },
    (failure: DeliveryError) => {
      report(state, failure, watch)
      // Handled here after all: a copy the delivery stored late may be taken back, once the handlers succeeded.
      inFlight.handled = (succeeded) => {
        if (succeeded) withdraw()
      }
      return handleHere()
    },
  )
}

/**
 * Refuses an authentic after-callback whose body fails its schema (400, as without a delivery) and keeps it in the
 * delivery marked as refused, so that it can be run once the schema is fixed. The answer waits for the delivery,
 * up to its timeout. Without a token nothing proves who sent the body: anyone who can reach the endpoint could
 * fill the delivery with bodies nobody would run, so it is only refused and reported (onError has it whole).
 */
export function keepRefused(
  state: ReceiverState,
  settings: DeliverySettings,
  refusal: ValidationError,
  arrival: { readonly query: CallbackQuery; readonly sdkAppId: number; readonly receivedAt: number },
  watch: CallbackWatch | undefined,
): Answer {
  const response = refuse(state, refusal, watch)
  if (findCommand(refusal.command)?.kind !== 'after' || state.config.verification.tokens.length === 0) return response
  let callback: StoredCallback
  try {
    const { query, sdkAppId, receivedAt } = arrival
    const context = { command: refusal.command, clientIp: query.clientIp, platform: query.platform, receivedAt }
    callback = {
      ...storedCallback(context, sdkAppId, refusal.body ?? textOf(refusal.payload), watch),
      refusal: { reason: refusal.reason, message: refusal.info },
    }
  } catch {
    return response // a parsed body too deep to write again: the refusal went to onError with its payload
  }
  const key = dedupeKey(callback.command, callback.sdkAppId, callback.body)
  return enqueueCallback(settings, callback, key, 'failed or was slow; the refused body was not kept').stored.then(
    () => response,
    (failure: DeliveryError) => {
      report(state, failure, watch)
      return response
    },
  )
}

/** The record of a callback, with what its observers carry; fields the platform did not send are left out. */
function storedCallback(
  context: {
    readonly command: string
    readonly clientIp: string | undefined
    readonly platform: string | undefined
    readonly receivedAt: number
  },
  sdkAppId: number,
  body: string,
  watch: CallbackWatch | undefined,
): StoredCallback {
  const { command, clientIp, platform, receivedAt } = context
  const traceContext = watch?.carry()
  return {
    version: STORED_CALLBACK_VERSION,
    command,
    sdkAppId,
    ...(clientIp === undefined ? {} : { clientIp }),
    ...(platform === undefined ? {} : { platform }),
    receivedAt,
    body,
    ...(traceContext === undefined ? {} : { traceContext }),
  }
}

/** The body as text: as received when roomhooks read it, else written again from what a body parser made. */
function textOf(body: BodyInput | Readonly<Record<string, unknown>>): string {
  if (typeof body === 'string') return body
  return body instanceof Uint8Array ? new TextDecoder().decode(body) : JSON.stringify(body)
}
