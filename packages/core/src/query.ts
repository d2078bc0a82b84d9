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

// The docs spell SdkAppid three ways (SdkAppid, SdkAppId, SDKAppID), so names are compared lower-cased.
const FIELDS: ReadonlyMap<string, keyof CallbackQuery> = new Map([
  ['sdkappid', 'sdkAppId'],
  ['callbackcommand', 'command'],
  ['clientip', 'clientIp'],
  ['optplatform', 'platform'],
  ['sign', 'sign'],
  ['requesttime', 'requestTime'],
])

/**
 * Reads the callback parameters from a query string. The first occurrence of a parameter wins; values that are
 * not strings (a framework's nested or repeated parsing) count only through their first string.
 */
export function readCallbackQuery(input: QueryInput): CallbackQuery {
  const query: CallbackQuery = {}
  const set = (name: string, value: unknown): void => {
    const field = FIELDS.get(name.toLowerCase())
    if (field === undefined || query[field] !== undefined) return
    const text = Array.isArray(value) ? value.find((item) => typeof item === 'string') : value
    if (typeof text === 'string') query[field] = text
  }
  if (typeof input === 'string') {
    for (const pair of (input.startsWith('?') ? input.slice(1) : input).split('&')) {
      const equals = pair.indexOf('=')
      if (equals === -1) set(decode(pair), '')
      else set(decode(pair.slice(0, equals)), decode(pair.slice(equals + 1)))
    }
  } else if (input instanceof URLSearchParams) {
    for (const [name, value] of input) set(name, value)
  } else {
    for (const name of Object.keys(input)) set(name, input[name])
  }
  return query
}

function decode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text // a malformed escape stays as sent, and fails the check that reads it
  }
}
