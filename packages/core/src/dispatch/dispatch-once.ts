import type { AnyCommandDefinition } from '../catalog.js'
import { DEDUPE_LEASE, dedupeFailure, dedupeKey, type ClaimResult, type DedupeOptions } from './dedupe.js'
import { dispatch } from './dispatch.js'
import { okResponse, type CallbackResponse } from '../envelope.js'
import { quoteClientText, RoomhooksError } from '../errors.js'
import type { BodyInput } from '../intake/parse-body.js'
import type { InFlight, ReceiverState, SettledListener } from '../receiver-state.js'
import { refuse, report } from '../observe/reporter.js'
import { withinTimeout } from '../within-timeout.js'

/**
 * The dedupe key of a callback, or undefined when it is not deduplicated: before-callbacks never are (a repeated
 * question needs its answer again), nor commands roomhooks does not know (whose names it cannot vouch for), nor
 * callbacks nobody listens to, nor bodies whose IDs a body parser rounded (two callbacks that differ only there
 * would have one key, and the second be dropped as a copy). A parsed body too deep to hash is handled without
 * deduplication, and reported.
 */
function dedupeKeyOf(
  state: ReceiverState,
  definition: AnyCommandDefinition | undefined,
  inFlight: InFlight,
  body: BodyInput,
): string | undefined {
  if (
    state.config.dedupe === undefined ||
    definition?.kind !== 'after' ||
    inFlight.digitsLost ||
    !state.listeners.hasHandlers(definition.event)
  ) {
    return undefined
  }
  try {
    return dedupeKey(definition.command, inFlight.event.sdkAppId, body)
  } catch (error) {
    report(
      state,
      dedupeFailure(error, 'could not key this callback; it was handled without deduplication'),
      inFlight.watch,
    )
    return undefined
  }
}

/** Handles a callback in this process: through the dedupe store when dedupe is on and the callback is keyed. */
export function dispatchHere(
  state: ReceiverState,
  definition: AnyCommandDefinition | undefined,
  inFlight: InFlight,
  body: BodyInput,
): CallbackResponse | Promise<CallbackResponse> {
  const key = dedupeKeyOf(state, definition, inFlight, body)
  const { dedupe } = state.config
  return key === undefined || dedupe === undefined
    ? dispatch(state, inFlight)
    : dispatchOnce(state, dedupe, key, inFlight)
}

/**
 * Dispatches a callback unless the dedupe store has it: a copy of one handled is answered OK, a copy of one still
 * running 409 (the platform may try again once it has finished). Fails open when the store fails or is slow; a
 * claim that lands after the timeout is still completed or released once the handlers have finished.
 */
function dispatchOnce(
  state: ReceiverState,
  dedupe: Required<DedupeOptions>,
  key: string,
  inFlight: InFlight,
): CallbackResponse | Promise<CallbackResponse> {
  const claimed: Claim = {
    store: dedupe.store,
    ttl: dedupe.ttl,
    timeout: dedupe.timeout,
    key,
    owner: crypto.randomUUID(),
  }
  const settle: SettledListener = (succeeded) => settleClaim(state, claimed, succeeded, inFlight)
  let claim: ClaimResult | Promise<ClaimResult>
  try {
    claim = dedupe.store.claim(key, Math.min(DEDUPE_LEASE, dedupe.ttl), claimed.owner)
  } catch (error) {
    return dispatchUnclaimed(state, error, undefined, inFlight, settle)
  }
  if (!(claim instanceof Promise)) return afterClaim(state, claim, inFlight, settle)
  const lateClaim = claim
  return (withinTimeout(lateClaim, dedupe.timeout) as Promise<ClaimResult>).then(
    (result) => afterClaim(state, result, inFlight, settle),
    (error: unknown) => dispatchUnclaimed(state, error, lateClaim, inFlight, settle),
  )
}

/** One delivery's claim in the dedupe store. */
interface Claim extends Required<DedupeOptions> {
  readonly key: string
  /** Unique to the delivery, so that it never settles a claim another delivery made after its own lapsed. */
  readonly owner: string
}

function afterClaim(
  state: ReceiverState,
  result: ClaimResult,
  inFlight: InFlight,
  settle: SettledListener,
): CallbackResponse | Promise<CallbackResponse> {
  if (result === 'claimed') return dispatch(state, inFlight, settle)
  if (inFlight.watch && (result === 'done' || result === 'running')) inFlight.watch.outcome = 'duplicate'
  if (result === 'done') {
    state.config.log.debug(`[@roomhooks/core] ${inFlight.event.command} was delivered again; its handlers already ran`)
    return okResponse
  }
  if (result === 'running') {
    const running = new RoomhooksError(
      'DUPLICATE_IN_PROGRESS',
      'The same callback is being handled; send it again once that has finished',
    )
    return refuse(state, running, inFlight.watch)
  }
  const odd = new TypeError(`The store's claim() answered ${describe(result)}, not 'claimed', 'running' or 'done'`)
  return dispatchUnclaimed(state, odd, undefined, inFlight, settle)
}

/** Handles a callback the store could not claim in time, settling the claim if it lands later. */
function dispatchUnclaimed(
  state: ReceiverState,
  error: unknown,
  lateClaim: Promise<ClaimResult> | undefined,
  inFlight: InFlight,
  settle: SettledListener,
): CallbackResponse | Promise<CallbackResponse> {
  report(state, dedupeFailure(error, 'failed or was slow; the callback was handled anyway'), inFlight.watch)
  if (lateClaim === undefined) return dispatch(state, inFlight)
  let handlersSettled: SettledListener = () => {}
  const outcome = new Promise<boolean>((resolve) => (handlersSettled = resolve))
  // After the lease there is no claim left to settle, so a claim that never answers is not waited for longer.
  const claimSettled = Promise.all([withinTimeout(lateClaim, DEDUPE_LEASE), outcome]).then(
    ([result, succeeded]) => result === 'claimed' && settle(succeeded),
    () => {}, // the claim failed: there is nothing to settle
  )
  void state.tasks.track(claimSettled)
  return dispatch(state, inFlight, handlersSettled)
}

/** Records the outcome in the store: done when the handlers succeeded, released for a retry when they failed. */
function settleClaim(
  state: ReceiverState,
  { store, ttl, timeout, key, owner }: Claim,
  succeeded: boolean,
  inFlight: InFlight,
): void {
  const failed = (error: unknown) => {
    const what = succeeded
      ? 'could not record a handled callback; a retry may run its handlers again'
      : 'could not forget a failed callback; retries are answered 409 until its claim lapses'
    report(state, dedupeFailure(error, what), inFlight.watch)
  }
  try {
    const written = withinTimeout(succeeded ? store.complete(key, ttl, owner) : store.release(key, owner), timeout)
    if (written instanceof Promise) void state.tasks.track(written.catch(failed))
  } catch (error) {
    failed(error)
  }
}

/** A value a store answered, for an error message; never throws, whatever the value. */
function describe(value: unknown): string {
  return typeof value === 'string' ? quoteClientText(value) : Object.prototype.toString.call(value)
}
