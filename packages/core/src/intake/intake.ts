import { findCommand, type AnyCommandDefinition } from '../catalog.js'
import type { CallbackWatch } from '../observe/callback-watch.js'
import { formatPath, type PayloadPath } from './coerce.js'
import { quoteClientText, RoomhooksError } from '../errors.js'
import type { Log } from '../logger.js'
import { parseCallbackBody, readBodyText, type BodyInput } from './parse-body.js'
import type { CallbackQuery } from './query.js'
import type { AnyCallbackEvent } from '../types.js'
import { validatePayload } from './validate.js'

/** A callback read and checked, before any handler sees it. */
export interface Intake {
  /** The event handlers get (before-callbacks still without their decision helpers). */
  readonly event: AnyCallbackEvent
  /** The command's catalog row; undefined for a command roomhooks does not know. */
  readonly definition: AnyCommandDefinition | undefined
  /** The raw body, when roomhooks read it rather than a body parser. */
  readonly text: string | undefined
  /**
   * Whether a body parser rounded integers above 2^53 in string fields (user IDs): the body no longer tells apart
   * callbacks that differ only in those digits.
   */
  readonly digitsLost: boolean
}

// Tencent's commands are `Product.CallbackName`; anything else in CallbackCommand is not from the platform.
const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/

/**
 * The step from a verified request to its event: reads the body (text, exact IDs, UTF-8), finds the command,
 * validates the payload against the command's schema. Runs no handler and keeps no state; what it notices but
 * accepts (a rounded ID, query and body naming different commands) goes to `settings.log`; the body's text goes to
 * `watch`, when something observes, before it is parsed. Throws a {@link RoomhooksError} saying what is wrong, or
 * returns a promise rejected with the ValidationError of the process's first invalid payload (see validatePayload).
 */
export function readCallback(
  query: CallbackQuery,
  sdkAppId: number,
  body: BodyInput,
  receivedAt: number,
  settings: { readonly bodyLimit: number; readonly log: Log },
  attempt = 1,
  watch?: CallbackWatch,
): Intake | Promise<never> {
  const text = readBodyText(body, settings.bodyLimit)
  if (watch !== undefined && text !== undefined) watch.body(text)
  const payload = parseCallbackBody(body, text)
  const resolved = resolveCommand(query.command, payload, settings.log)
  const definition = typeof resolved === 'string' ? undefined : resolved
  const command = typeof resolved === 'string' ? resolved : resolved.command
  let digitsLost = false
  if (definition !== undefined) {
    const refused = validatePayload(definition, payload, text, (count, first) => {
      digitsLost = true
      warnInexact(settings.log, command, count, first)
    })
    if (refused !== undefined) return refused
  }
  const event = {
    name: definition?.event ?? null,
    command,
    payload,
    sdkAppId,
    clientIp: query.clientIp,
    platform: query.platform,
    eventTime: readEventTime(payload['EventTime']),
    receivedAt,
    attempt,
  } as AnyCallbackEvent
  return { event, definition, text, digitsLost }
}

/**
 * The command of a callback, as its catalog row when it is known: the body's, else the query's (which then
 * stands in for the body's). When both name known commands that differ, the body decides: some documentation
 * pages show one command's body under another's query string.
 */
function resolveCommand(
  fromQuery: string | undefined,
  payload: Record<string, unknown>,
  log: Log,
): AnyCommandDefinition | string {
  const inBody = payload['CallbackCommand']
  const fromBody = typeof inBody === 'string' && inBody !== '' ? inBody : undefined
  const command = fromBody ?? fromQuery
  if (command === undefined || command === '') {
    throw new RoomhooksError('MISSING_COMMAND', 'CallbackCommand is missing from both the query string and the body')
  }
  const definition = findCommand(command)
  if (definition === undefined && !COMMAND_NAME.test(command)) {
    throw new RoomhooksError('INVALID_COMMAND', `CallbackCommand ${quoteClientText(command)} is not a command name`)
  }
  if (fromBody === undefined) {
    if (inBody === undefined || inBody === null || inBody === '') payload['CallbackCommand'] = command
    return definition ?? command
  }
  if (fromQuery === undefined || fromQuery === '' || fromQuery === fromBody) return definition ?? command
  const queried = findCommand(fromQuery)
  if (definition === undefined || queried === undefined) {
    throw new RoomhooksError(
      'COMMAND_MISMATCH',
      `CallbackCommand differs between the query string (${quoteClientText(fromQuery, 64)}) and the body (${quoteClientText(fromBody, 64)})`,
    )
  }
  if (queried !== definition) {
    log.warn(
      `[@roomhooks/core] The query string names ${queried.command} but the body is ${definition.command}; handled as ${definition.command}`,
    )
  }
  return definition
}

function readEventTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value)
  return undefined
}

/** One line per callback, however many IDs a body parser rounded. */
function warnInexact(log: Log, command: string, count: number, firstPath: PayloadPath): void {
  const first = formatPath(firstPath)
  const fields =
    count === 1 ? `${first} arrived as a number` : `${count} fields (the first ${first}) arrived as numbers`
  log.warn(
    `[@roomhooks/core] ${command}: ${fields} above 2^53 after a body parser had read the body, so digits may be wrong. Mount roomhooks before the parser, or keep the raw body (express.json({ verify })), to keep user IDs exact.`,
  )
}
