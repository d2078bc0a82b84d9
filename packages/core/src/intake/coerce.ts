import type { TSchema } from '@sinclair/typebox'

/** Where a value sits in a payload: property names and array indexes from the root. */
export type PayloadPath = readonly (string | number)[]

const TRUE_TEXT = /^(true|1)$/i
const FALSE_TEXT = /^(false|0)$/i

/**
 * Repairs, in place, the shapes the platform's documentation allows for a value, where the schema says what the
 * field is: `null` in an optional field is removed (absent); `true`/`false`, `"true"`/`"false"` in any case,
 * `1`/`0` and `"1"`/`"0"` in a boolean field become booleans; numeric strings in number fields become numbers;
 * numbers in string fields (user IDs) become their decimal text. Anything else is left for validation to refuse,
 * and fields the schema does not name are not touched.
 *
 * Integers above 2^53 in string fields have lost digits in JSON.parse: they are counted in `inexact`, so that
 * the exact digits can be read from the raw text.
 */
export function coercePayload(
  schema: TSchema,
  value: unknown,
  inexact: InexactNumbers,
  path: PayloadPath = [],
): unknown {
  switch (schema['type']) {
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
      const record = value as Record<string, unknown>
      const properties = (schema['properties'] ?? {}) as Record<string, TSchema>
      const required = (schema['required'] ?? []) as readonly string[]
      for (const name of Object.keys(properties)) {
        if (!Object.hasOwn(record, name)) continue
        if (record[name] === null && !required.includes(name)) delete record[name]
        else record[name] = coercePayload(properties[name] as TSchema, record[name], inexact, [...path, name])
      }
      return record
    }
    case 'array': {
      if (!Array.isArray(value)) return value
      const items = schema['items'] as TSchema
      if (items['type'] === 'object' || items['type'] === 'array') {
        for (let i = 0; i < value.length; i++) value[i] = coercePayload(items, value[i], inexact, [...path, i])
        return value
      }
      // A list of plain values (user IDs) can be long: an element's path is made only when it is reported.
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i]
        if (isInexact(items, element)) inexact.add(path, i)
        value[i] = coerceValue(items, element)
      }
      return value
    }
    default:
      if (isInexact(schema, value)) inexact.add(path)
      return coerceValue(schema, value)
  }
}

/**
 * The integers above 2^53 found in string fields: how many, the first one's path, and every path when
 * `keepPaths` (only worth it when the raw text can give their digits back: a list of 200,000 such IDs would
 * otherwise cost more than parsing the body).
 */
export class InexactNumbers {
  count = 0
  readonly paths: PayloadPath[] = []
  readonly #keepPaths: boolean

  constructor(keepPaths: boolean) {
    this.#keepPaths = keepPaths
  }

  /** One more, at `path` (or at element `index` of the list at `path`). */
  add(path: PayloadPath, index?: number): void {
    if (this.count++ === 0 || this.#keepPaths) this.paths.push(index === undefined ? path : [...path, index])
  }
}

/** An integer above 2^53 where the schema wants a string: JSON.parse has rounded it. */
function isInexact(schema: TSchema, value: unknown): boolean {
  return (
    schema['type'] === 'string' && typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)
  )
}

/** The repairs of a value that is neither an object nor an array. */
function coerceValue(schema: TSchema, value: unknown): unknown {
  switch (schema['type']) {
    case 'string':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : value
    case 'boolean':
      if (value === 1) return true
      if (value === 0) return false
      if (typeof value !== 'string') return value
      return TRUE_TEXT.test(value) ? true : FALSE_TEXT.test(value) ? false : value
    case 'integer':
    case 'number':
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
    default:
      return value
  }
}

/** Formats a path the way validation errors name fields: `/SeatList/0/Member_Account`. */
export function formatPath(path: PayloadPath): string {
  return path.map((part) => `/${part}`).join('')
}
