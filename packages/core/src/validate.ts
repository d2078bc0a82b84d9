import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { ValueError } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import type { AnyCommandDefinition } from './catalog.js'
import { coercePayload, type UnsafeNumberReporter } from './coerce.js'
import { ValidationError } from './errors.js'

const MAX_REPORTED_ERRORS = 10

/** What validation needs of a schema: a fast check, and the reasons when it fails. */
export interface SchemaChecker {
  Check(value: unknown): boolean
  Errors(value: unknown): Iterable<ValueError>
}

const compiled = new Map<AnyCommandDefinition, SchemaChecker>()

/**
 * Compiles a command's schema once per process; later calls return the same checker. Where the runtime forbids
 * compiling code from strings (Cloudflare Workers, `--disallow-code-generation-from-strings`), the checker
 * interprets the schema instead: slower, same answers.
 */
export function compileSchema(definition: AnyCommandDefinition): SchemaChecker {
  let check = compiled.get(definition)
  if (check === undefined) {
    check = compileOrInterpret(definition.schema)
    compiled.set(definition, check)
  }
  return check
}

function compileOrInterpret(schema: TSchema): SchemaChecker {
  try {
    return TypeCompiler.Compile(schema)
  } catch (error) {
    if (!(error instanceof EvalError)) throw error
    return { Check: (value) => Value.Check(schema, value), Errors: (value) => Value.Errors(schema, value) }
  }
}

/**
 * Validates a parsed body against its command's schema. A clean body costs one compiled check; a body with
 * known quirks (numeric IDs, boolean strings) is repaired in place and checked again.
 * Throws a {@link ValidationError} naming the first failing field.
 */
export function validatePayload(definition: AnyCommandDefinition, payload: object, report: UnsafeNumberReporter): void {
  const check = compileSchema(definition)
  if (check.Check(payload)) return
  coercePayload(definition.schema, payload, report)
  if (check.Check(payload)) return
  const errors: ValueError[] = []
  for (const error of check.Errors(payload)) {
    errors.push(error)
    if (errors.length === MAX_REPORTED_ERRORS) break
  }
  throw new ValidationError(definition.command, errors)
}
