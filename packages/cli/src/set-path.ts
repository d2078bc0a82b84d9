import { parseJsonExactly } from '@roomhooks/core/testing'

/** The parts of a JSON Schema (a TypeBox schema) that say which keys a body may have. */
export interface PathSchema {
  readonly $id?: string
  /** An object's fields. */
  readonly properties?: Readonly<Record<string, PathSchema>>
  /** A record's values, under any key (`MsgContent`). */
  readonly patternProperties?: Readonly<Record<string, PathSchema>>
  /** An array's elements. */
  readonly items?: PathSchema
}

/**
 * Applies `--set Path.To.Field=value` to a payload, in place: dots separate keys, numbers index arrays, and the
 * value is read as JSON when it is JSON (`500`, `true`, `["a"]`) and as text otherwise. An integer above 2^53 (an
 * 18-digit user ID) keeps its digits, as its exact string, which is what the schema types user IDs as. With a
 * `schema`, a path through a field the schema does not know throws, and nothing is changed.
 */
export function setPath(payload: Record<string, unknown>, assignment: string, schema?: PathSchema): void {
  const equals = assignment.indexOf('=')
  if (equals <= 0) throw new TypeError(`--set needs Path.To.Field=value, got ${JSON.stringify(assignment)}`)
  const keys = assignment.slice(0, equals).split('.')
  if (keys.some((key) => key === '' || key === '__proto__' || key === 'constructor' || key === 'prototype')) {
    throw new TypeError(`--set has an invalid path: ${JSON.stringify(assignment.slice(0, equals))}`)
  }
  if (schema !== undefined) checkPath(schema, keys)
  let node: Record<string, unknown> = payload
  keys.slice(0, -1).forEach((key, i) => {
    const next = node[key]
    if (next === null || typeof next !== 'object') node[key] = /^\d+$/.test(keys[i + 1] as string) ? [] : {}
    node = node[key] as Record<string, unknown>
  })
  node[keys.at(-1) as string] = readValue(assignment.slice(equals + 1))
}

/**
 * Throws unless the schema knows every key of the path. The schemas accept extra fields (the platform adds
 * some without notice), so a misspelt field would otherwise be sent beside the real one and pass validation.
 */
function checkPath(schema: PathSchema, keys: readonly string[]): void {
  let node = schema
  for (const [i, key] of keys.entries()) {
    const path = keys.join('.')
    const where = i === 0 ? `the ${schema.$id ?? 'callback'} body` : keys.slice(0, i).join('.')
    if (node.items !== undefined) {
      if (!/^\d+$/.test(key))
        throw new TypeError(`--set ${path}: ${where} is a list; index it with a number, e.g. ${where}.0.`)
      node = node.items
    } else if (node.properties !== undefined) {
      const field = Object.hasOwn(node.properties, key) ? node.properties[key] : undefined
      if (field === undefined) {
        throw new TypeError(
          `--set ${path}: ${where} has no field ${JSON.stringify(key)}. Its fields: ${Object.keys(node.properties).join(', ')}. ` +
            'Fix the name, or add --no-validate to send it anyway.',
        )
      }
      node = field
    } else if (node.patternProperties !== undefined) {
      node = Object.values(node.patternProperties)[0] ?? {}
    } else {
      // A value, or anything at all (a record's unknown values): validating the body judges what is set below it.
      return
    }
  }
}

function readValue(text: string): unknown {
  try {
    // JSON.parse would round 144115233775727695 to …680.
    return parseJsonExactly(text)
  } catch {
    return text
  }
}
