import type { Decision } from './decision.js'
import type { RoomhooksError } from './errors.js'

/** The JSON body the platform expects in answer to every callback. */
export interface CallbackEnvelope {
  readonly ActionStatus: 'OK' | 'FAIL'
  readonly ErrorCode: number
  readonly ErrorInfo: string
  /** Only on `message.beforeSend` answers that replace the message. */
  readonly MsgBody?: readonly unknown[]
}

/** What the receiver answers: the HTTP status, the envelope, and any extra headers. */
export interface CallbackResponse {
  readonly status: number
  readonly body: CallbackEnvelope
  readonly headers?: Readonly<Record<string, string>>
}

const OK_ENVELOPE: CallbackEnvelope = Object.freeze({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' })
const OK_JSON = JSON.stringify(OK_ENVELOPE)

/** The answer to a callback that was handled: HTTP 200, `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`. */
export const okResponse: CallbackResponse = Object.freeze({ status: 200, body: OK_ENVELOPE })

/** The answer to a refused or failed callback: the error's status and a `FAIL` envelope with its public text. */
export function errorResponse(error: RoomhooksError): CallbackResponse {
  return { status: error.status, body: { ActionStatus: 'FAIL', ErrorCode: error.code, ErrorInfo: error.info } }
}

/** The platform's answer to a decision: always HTTP 200 and `ActionStatus` OK; the code carries the decision. */
export function decisionResponse(decision: Decision): CallbackResponse {
  const body = { ActionStatus: 'OK', ErrorCode: decision.code, ErrorInfo: decision.info } as const
  return { status: 200, body: decision.msgBody === undefined ? body : { ...body, MsgBody: decision.msgBody } }
}

/** The envelope as JSON text; the common OK envelope is serialised once. */
export function serializeEnvelope(envelope: CallbackEnvelope): string {
  return envelope === OK_ENVELOPE ? OK_JSON : JSON.stringify(envelope)
}
