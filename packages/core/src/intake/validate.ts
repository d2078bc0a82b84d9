import type { Errors, ValueError } from '@sinclair/typebox/errors'
import type { AnyCommandDefinition } from '../catalog.js'
import { coercePayload, InexactNumbers, type PayloadPath } from './coerce.js'
import { ValidationError } from '../errors.js'
import { quoteUnsafeIntegersBeyondAccounts } from './lossless-json.js'
import { schemaChecks } from '../schemas/checks.generated.js'

const MAX_REPORTED_ERRORS = 10
// Every integer above 2^53 has 16 digits or more: a text without such a run has no exact digits to give back.
const LONG_DIGITS = /\d{16}/

/**
 * The check of a command's schema. The checks are TypeBox's compiled code written out at build time
 * (`npm run generate`), so nothing is compiled from strings at start-up: that costs time on every cold start and
 * is forbidden where code generation is (Cloudflare Workers, `--disallow-code-generation-from-strings`).
 */
function checkOf(definition: AnyCommandDefinition): (value: unknown) => boolean {
  const check = schemaChecks[definition.command]
  if (check === undefined) {
    // Only a catalog changed without `npm run generate` gets here, and test/generated.test.ts fails first.
    throw new Error(`[@roomhooks/core] No generated check for ${definition.command}; run \`npm run generate\``)
  }
  return check
}

/**
 * Called once per callback when string fields got integers above 2^53 and no raw text was there to read their
 * exact digits from (a body parser ran first): how many, and the first one's path.
 */
export type InexactNumbersReporter = (count: number, first: PayloadPath) => void

/** TypeBox's error walk, which says why a value fails its schema. */
export type ErrorWalk = typeof Errors

// The error walk is loaded on the first failure, not with core: TypeBox's error module brings in most of TypeBox,
// and a receiver's cold start is counted until its first answer, which a valid callback gets without it.
let errorWalk: ErrorWalk | undefined
let loadingErrorWalk: Promise<ErrorWalk> | undefined

function loadErrorWalk(): Promise<ErrorWalk> {
  loadingErrorWalk ??= import('@sinclair/typebox/errors').then((module) => (errorWalk = module.Errors))
  return loadingErrorWalk
}

/**
 * Validates a parsed body against its command's schema. A clean body costs one compiled check; a body in a shape
 * the platform's docs allow (numeric IDs, booleans as strings or 0/1, `null` for an empty optional value) is
 * repaired in place and checked again. `text` is the raw body when roomhooks read it: integers above 2^53 in
 * string fields get their exact digits from it. Throws a {@link ValidationError} naming the first failing field;
 * the first time one is thrown in a process, without `walk`, it is a promise that rejects with it instead, once
 * TypeBox's error walk is loaded.
 */
export function validatePayload(
  definition: AnyCommandDefinition,
  payload: Record<string, unknown>,
  text: string | undefined,
  reportInexact: InexactNumbersReporter,
  walk: ErrorWalk,
): void
export function validatePayload(
  definition: AnyCommandDefinition,
  payload: Record<string, unknown>,
  text: string | undefined,
  reportInexact: InexactNumbersReporter,
): void | Promise<never>
export function validatePayload(
  definition: AnyCommandDefinition,
  payload: Record<string, unknown>,
  text: string | undefined,
  reportInexact: InexactNumbersReporter,
  walk = errorWalk,
): void | Promise<never> {
  const check = checkOf(definition)
  if (check(payload)) return
  // The text to read exact digits from, quoted, when it has any the first parse lost: decided before coercion, as
  // a list of 200,000 IDs written 1e16 is not worth a path per element when none can be given back.
  const quotedText = text !== undefined && LONG_DIGITS.test(text) ? quoteUnsafeIntegersBeyondAccounts(text) : undefined
  const inexact = new InexactNumbers(quotedText !== undefined)
  coercePayload(definition.schema, payload, inexact)
  if (inexact.count > 0) {
    if (text === undefined) reportInexact(inexact.count, inexact.paths[0] as PayloadPath)
    else if (quotedText !== undefined) restoreExactDigits(payload, inexact.paths, quotedText)
  }
  if (check(payload)) return
  if (walk !== undefined) throw refusal(walk, definition, payload, text)
  return loadErrorWalk().then((loaded) => {
    throw refusal(loaded, definition, payload, text)
  })
}

/**
 * The error naming why a payload fails: found by TypeBox's interpreting walk, only now, which gives the messages
 * its compiled checker's Errors() gives.
 */
function refusal(
  walk: ErrorWalk,
  definition: AnyCommandDefinition,
  payload: Record<string, unknown>,
  text: string | undefined,
): ValidationError {
  const errors: ValueError[] = []
  for (const error of walk(definition.schema, payload)) {
    errors.push(error)
    if (errors.length === MAX_REPORTED_ERRORS) break
  }
  return new ValidationError(definition.command, errors, payload, text)
}

/**
 * Puts the exact digits of each integer at `paths`, read from a parse of `quoted`, the body with every integer
 * above 2^53 quoted. Only a body with such an integer outside `*_Account` keys gets here: one whose only digits are
 * numbers written `1e16`, or IDs the fast path quoted already, has none to give, and is not parsed again, which
 * would cost as much as the first parse.
 */
function restoreExactDigits(payload: Record<string, unknown>, paths: readonly PayloadPath[], quoted: string): void {
  const exact = JSON.parse(quoted) as unknown
  for (const path of paths) {
    const digits = valueAt(exact, path)
    if (typeof digits === 'string') setValueAt(payload, path, digits)
  }
}

function valueAt(root: unknown, path: PayloadPath): unknown {
  let value = root
  for (const part of path) value = (value as Record<string | number, unknown> | undefined)?.[part]
  return value
}

function setValueAt(root: Record<string, unknown>, path: PayloadPath, value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1)) as Record<string | number, unknown>
  parent[path[path.length - 1] as string | number] = value
}
