import { Errors } from '@sinclair/typebox/errors'
import { requireDefinition } from '../catalog.js'
import { ValidationError } from '../errors.js'
import { parseJsonLosslessly } from '../intake/lossless-json.js'
import { signCallback } from '../intake/sign.js'
import type { CommandName, EventName, ListenableName, PayloadOf } from '../types.js'
import { validatePayload } from '../intake/validate.js'
import { fixtureTexts } from './fixture-texts.js'

/** Changes to a payload: objects merge key by key, anything else (arrays too) replaces; `undefined` removes. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T

/** Options of {@link createTestCallback}. */
export interface TestCallbackOptions<N extends ListenableName> {
  /** The SDKAppID the callback is for. */
  readonly sdkAppId: number | string
  /** Signs the callback with this token (adds `RequestTime` and `Sign`). */
  readonly token?: string | undefined
  /** `RequestTime` in Unix seconds. Default: now. */
  readonly requestTime?: number | undefined
  /** `ClientIP`. Default `127.0.0.1`. */
  readonly clientIp?: string | undefined
  /** `OptPlatform`. Default `RESTAPI`. */
  readonly platform?: string | undefined
  /** A body text to start from instead of the command's sample. */
  readonly body?: string | undefined
  /** Changes to the sample body (or to `body`). */
  readonly overrides?: DeepPartial<PayloadOf<N>> | undefined
  /** Check the result against the command's schema and throw if it does not match. Default true. */
  readonly validate?: boolean | undefined
}

/** A callback as the platform would send it. */
export interface TestCallback {
  readonly command: CommandName
  readonly event: EventName
  /** The query string the platform appends to the callback URL, without `?`. */
  readonly query: string
  /** The JSON body text. */
  readonly body: string
  readonly headers: { readonly 'content-type': 'application/json' }
  /** The full URL for a callback endpoint, e.g. `url('http://localhost:3000/tencent/callback')`. */
  url(endpoint: string): string
}

/**
 * Builds the callback the platform would send for an event or command: the query string (signed when a token
 * is given) and the body, from the command's sample with `overrides` applied and checked against the schema.
 *
 * @example
 * const callback = createTestCallback('member.enter', { sdkAppId: 1400000000, overrides: { RoomId: 'r1' } })
 * await fetch(callback.url('http://localhost:3000/tencent/callback'), { method: 'POST', body: callback.body })
 */
export function createTestCallback<N extends ListenableName>(name: N, options: TestCallbackOptions<N>): TestCallback {
  const definition = requireDefinition(name)
  const base = options.body ?? fixtureTexts[definition.command]
  const body = options.overrides === undefined ? base : withOverrides(base, options.overrides)
  if (options.validate !== false) {
    try {
      validatePayload(definition, parseJsonLosslessly(body) as Record<string, unknown>, body, () => {}, Errors)
    } catch (error) {
      const problem = error instanceof ValidationError ? error.info : 'the body is not JSON'
      throw new TypeError(
        `[@roomhooks/core] createTestCallback(${JSON.stringify(name)}) does not make a valid callback: ${problem}. Pass validate: false to send it anyway.`,
        { cause: error },
      )
    }
  }
  const params = new URLSearchParams({
    SdkAppid: String(options.sdkAppId),
    CallbackCommand: definition.command,
    contenttype: 'json',
    ClientIP: options.clientIp ?? '127.0.0.1',
    OptPlatform: options.platform ?? 'RESTAPI',
  })
  if (options.token !== undefined) {
    const requestTime = options.requestTime ?? Math.floor(Date.now() / 1000)
    params.set('RequestTime', String(requestTime))
    params.set('Sign', signCallback(options.token, requestTime))
  }
  const query = params.toString()
  return {
    command: definition.command,
    event: definition.event,
    query,
    body,
    headers: { 'content-type': 'application/json' },
    url: (endpoint) => `${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}`,
  }
}

function withOverrides(base: string, overrides: object): string {
  const payload = merge(parseJsonLosslessly(base), overrides)
  return `${JSON.stringify(payload, null, 2)}\n`
}

function merge(target: unknown, changes: unknown): unknown {
  if (!isPlainObject(changes) || !isPlainObject(target)) return changes
  const merged: Record<string, unknown> = { ...target }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete merged[key]
    else merged[key] = merge(merged[key], value)
  }
  return merged
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
