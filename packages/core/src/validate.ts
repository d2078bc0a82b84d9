import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { ValueError } from '@sinclair/typebox/errors'
import type { AnyCommandDefinition } from './catalog.js'
import { coercePayload, type UnsafeNumberReporter } from './coerce.js'
import { ValidationError } from './errors.js'

const MAX_REPORTED_ERRORS = 10
const compiled = new Map<AnyCommandDefinition, TypeCheck<AnyCommandDefinition['schema']>>()

/** Compiles a command's schema once per process; later calls return the same checker. */
export function compileSchema(definition: AnyCommandDefinition): TypeCheck<AnyCommandDefinition['schema']> {
  let check = compiled.get(definition)
  if (check === undefined) {
    check = TypeCompiler.Compile(definition.schema)
    compiled.set(definition, check)
  }
  return check
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
