import type { TSchema } from '@sinclair/typebox'

/** Called for each number that reached a string field after losing precision (a body parsed before roomhooks). */
export type UnsafeNumberReporter = (path: string) => void

/**
 * Repairs the type quirks of real payloads, in place, where the schema says what a field is:
 * numbers in string fields (user IDs) become their decimal text, `"true"`/`"false"` in boolean fields become
 * booleans, numeric strings in number fields become numbers. Anything else is left for validation to refuse;
 * fields the schema does not name are not touched.
 */
export function coercePayload(schema: TSchema, value: unknown, report: UnsafeNumberReporter, path = ''): unknown {
  switch (schema['type']) {
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
      const record = value as Record<string, unknown>
      const properties = (schema['properties'] ?? {}) as Record<string, TSchema>
      for (const name of Object.keys(properties)) {
        if (Object.hasOwn(record, name)) {
          record[name] = coercePayload(properties[name] as TSchema, record[name], report, `${path}/${name}`)
        }
      }
      return record
    }
    case 'array': {
      if (!Array.isArray(value)) return value
      const items = schema['items'] as TSchema
      for (let i = 0; i < value.length; i++) value[i] = coercePayload(items, value[i], report, `${path}/${i}`)
      return value
    }
    case 'string':
      if (typeof value !== 'number' || !Number.isFinite(value)) return value
      if (!Number.isSafeInteger(value) && Number.isInteger(value)) report(path)
      return String(value)
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value
    case 'integer':
    case 'number':
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
    default:
      return value
  }
}
