/** The query string as the receiver gets it: raw text, URLSearchParams, or a framework's parsed record. */
export type QueryInput = string | URLSearchParams | Readonly<Record<string, unknown>>

/** The parameters the platform appends to the callback URL; names are matched case-insensitively. */
export interface CallbackQuery {
  sdkAppId?: string
  command?: string
  clientIp?: string
  platform?: string
  sign?: string
  requestTime?: string
}

// The docs spell SdkAppid three ways (SdkAppid, SdkAppId, SDKAppID), so names are compared case-insensitively.
const FIELDS: readonly (readonly [string, keyof CallbackQuery])[] = [
  ['sdkappid', 'sdkAppId'],
  ['callbackcommand', 'command'],
  ['clientip', 'clientIp'],
  ['optplatform', 'platform'],
  ['sign', 'sign'],
  ['requesttime', 'requestTime'],
]

/**
 * Reads the callback parameters from a query string. The first occurrence of a parameter wins; values that are
 * not strings (a framework's nested or repeated parsing) count only through their first string.
 */
export function readCallbackQuery(input: QueryInput): CallbackQuery {
  const query: CallbackQuery = {}
  if (typeof input === 'string') {
    // This runs on every callback: no split, and no lower-cased copy of each name.
    let start = input.charCodeAt(0) === 0x3f /* ? */ ? 1 : 0
    while (start < input.length) {
      let end = input.indexOf('&', start)
      if (end === -1) end = input.length
      let equals = input.indexOf('=', start)
      if (equals === -1 || equals > end) equals = end
      const field = fieldAt(input, start, equals)
      if (field !== undefined && query[field] === undefined) query[field] = decode(input.slice(equals + 1, end))
      start = end + 1
    }
    return query
  }
  const entries = input instanceof URLSearchParams ? input.entries() : Object.entries(input)
  for (const [name, value] of entries) {
    const field = fieldAt(name, 0, name.length)
    const text = Array.isArray(value) ? value.find((item) => typeof item === 'string') : value
    if (field !== undefined && query[field] === undefined && typeof text === 'string') query[field] = text
  }
  return query
}

/**
 * Whether a raw query string (from `start`, after the `?`) names `SdkAppid` (in any casing) or `CallbackCommand`,
 * as every callback URL does: what tells a callback from the app's other requests when the receiver has no `path`.
 */
export function looksLikeCallbackQuery(query: string, start = 0): boolean {
  while (start < query.length) {
    let end = query.indexOf('&', start)
    if (end === -1) end = query.length
    let equals = query.indexOf('=', start)
    if (equals === -1 || equals > end) equals = end
    const field = fieldAt(query, start, equals)
    if (field === 'sdkAppId' || field === 'command') return true
    start = end + 1
  }
  return false
}

/** The field named by `text[start, end)`, compared without regard to case, or undefined. */
function fieldAt(text: string, start: number, end: number): keyof CallbackQuery | undefined {
  for (const [name, field] of FIELDS) {
    if (end - start === name.length && equalsIgnoringCase(text, start, name)) return field
  }
  const percent = text.indexOf('%', start)
  if (percent !== -1 && percent < end) {
    const decoded = decode(text.slice(start, end)) // an escaped name, e.g. Sdk%41ppid
    if (decoded.indexOf('%') === -1) return fieldAt(decoded, 0, decoded.length)
  }
  return undefined
}

function equalsIgnoringCase(text: string, start: number, lowerCaseName: string): boolean {
  for (let i = 0; i < lowerCaseName.length; i++) {
    // Setting bit 0x20 lower-cases ASCII letters; the names hold nothing else.
    if ((text.charCodeAt(start + i) | 0x20) !== lowerCaseName.charCodeAt(i)) return false
  }
  return true
}

function decode(text: string): string {
  if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return text
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text // a malformed escape stays as sent, and fails the check that reads it
  }
}
