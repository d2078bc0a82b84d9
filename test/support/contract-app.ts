// The app a runtime in another process (Bun, Deno, workerd) serves for the transport contract: the receiver is
// createFetchHandler(hooks, { path }) itself, as an app on that runtime mounts it; two routes beside it let the test
// set up the receiver each case needs and read what its handlers saw. Web-standard only.
import { createFetchHandler, createRoomWebhooks, type FetchHandler } from '@roomhooks/core'
import {
  CALLBACK_PATH,
  createContractHooks,
  emptyObserved,
  type ContractReceiver,
  type Observed,
} from './contract-receiver.js'

// Bun, Deno and workerd name themselves here (Node 20's types do not declare it).
declare const navigator: { readonly userAgent: string }

/** POST a ContractReceiver here: the next callbacks reach a receiver made from it. */
export const RECEIVER_ROUTE = '/contract/receiver'
/** GET: what the receiver's handlers had seen when its last answer was sent (Observed), and the runtime's name. */
export const OBSERVED_ROUTE = '/contract/observed'

export function createContractApp(): FetchHandler {
  let receive: FetchHandler | undefined
  let observed = emptyObserved()
  // Taken as each answer is sent, so that a handler still running then is not counted (as in-process, where the
  // test reads what it saw as soon as the answer arrives).
  let answered: Observed = emptyObserved()

  return async (request) => {
    const { pathname } = new URL(request.url)
    if (pathname === RECEIVER_ROUTE) {
      const receiver = (await request.json()) as ContractReceiver
      observed = emptyObserved()
      answered = emptyObserved()
      receive = createFetchHandler(createContractHooks(createRoomWebhooks, receiver, observed), {
        path: CALLBACK_PATH,
      })
      return new Response(null, { status: 204 })
    }
    if (pathname === OBSERVED_ROUTE) {
      return Response.json({ ...answered, runtime: navigator.userAgent })
    }
    if (receive === undefined) return new Response('no receiver set up', { status: 500 })
    const response = await receive(request)
    answered = JSON.parse(JSON.stringify(observed)) as Observed
    return response
  }
}
