import { quoteClientText as quote, RoomhooksError } from '../errors.js'
import type { CallbackQuery } from './query.js'
import { signCallback } from './sign.js'

/** What a callback is verified against. */
export interface VerificationSettings {
  /** SDKAppIDs the receiver accepts; `any` (the option `sdkAppId: '*'`) for every app. */
  readonly sdkAppIds: ReadonlySet<number> | 'any'
  /** Tokens; empty when authentication is off. Several while a token is being rotated. */
  readonly tokens: readonly string[]
  /** How far `RequestTime` may be from the receiver's clock, in seconds, either way. */
  readonly requestTimeWindow: number
}

const DIGITS = /^\d{1,16}$/

/**
 * Checks the query string of a callback: `SdkAppid` first, then `Sign` and `RequestTime` when a token is
 * configured. Returns the SDKAppID; throws a {@link RoomhooksError} (403 or 401) saying what failed.
 */
export function verifyCallback(query: CallbackQuery, settings: VerificationSettings, now = Date.now()): number {
  const sdkAppId = verifyAppId(query.sdkAppId, settings.sdkAppIds)
  if (settings.tokens.length > 0) verifySign(query, settings, now)
  return sdkAppId
}

/**
 * A callback signed by the platform reached a receiver without a token: its Sign was not checked. The platform
 * signs only when a token is set in the console, so the receiver is missing the token it should have.
 */
export function signUnchecked(query: CallbackQuery, settings: VerificationSettings): boolean {
  return settings.tokens.length === 0 && query.sign !== undefined && query.sign !== ''
}

/** Whether a receiver that accepts `accepted` takes callbacks of the app `sdkAppId`. */
export function acceptsSdkAppId(accepted: VerificationSettings['sdkAppIds'], sdkAppId: number): boolean {
  return accepted === 'any' || accepted.has(sdkAppId)
}

/** Reads an SDKAppID written as digits (leading zeros allowed), or undefined when it is not one. */
export function parseSdkAppId(value: string | number): number | undefined {
  const text = String(value)
  if (!DIGITS.test(text)) return undefined
  const id = Number(text)
  return Number.isSafeInteger(id) && id > 0 ? id : undefined
}

function verifyAppId(value: string | undefined, accepted: VerificationSettings['sdkAppIds']): number {
  if (value === undefined || value === '') {
    throw new RoomhooksError('MISSING_SDKAPPID', 'SdkAppid is missing from the query string')
  }
  const id = parseSdkAppId(value)
  if (id === undefined || !acceptsSdkAppId(accepted, id)) {
    throw new RoomhooksError('UNKNOWN_SDKAPPID', `SdkAppid ${quote(value)} is not accepted by this receiver`)
  }
  return id
}

function verifySign(query: CallbackQuery, settings: VerificationSettings, now: number): void {
  const { sign, requestTime } = query
  if (sign === undefined || sign === '')
    throw new RoomhooksError('MISSING_SIGN', 'Sign is missing from the query string')
  if (requestTime === undefined || requestTime === '') {
    throw new RoomhooksError('MISSING_REQUEST_TIME', 'RequestTime is missing from the query string')
  }
  if (!DIGITS.test(requestTime)) {
    throw new RoomhooksError('INVALID_REQUEST_TIME', `RequestTime ${quote(requestTime)} is not Unix seconds`)
  }
  // Whole seconds on both sides, as the platform stamps them, so the window is the same size before and after now.
  const skew = Math.abs(Math.floor(now / 1000) - Number(requestTime))
  if (skew > settings.requestTimeWindow) {
    if (requestTime.length === 13 && Math.abs(now - Number(requestTime)) <= settings.requestTimeWindow * 1000) {
      throw new RoomhooksError(
        'STALE_REQUEST_TIME',
        'RequestTime looks like milliseconds; the platform sends Unix seconds',
      )
    }
    throw new RoomhooksError(
      'STALE_REQUEST_TIME',
      `RequestTime is ${skew} s away from the receiver's clock; at most ${settings.requestTimeWindow} s is accepted`,
    )
  }
  let matches = false
  for (const expected of expectedSigns(settings.tokens, requestTime)) matches = equalHex(sign, expected) || matches
  if (matches) return
  // Only a refused Sign is looked at more closely, to say why.
  if (!HEX_SIGN.test(sign)) throw new RoomhooksError('MALFORMED_SIGN', 'Sign is not 64 hexadecimal characters')
  throw new RoomhooksError('SIGN_MISMATCH', 'Sign does not match the configured token')
}

const HEX_SIGN = /^[0-9a-fA-F]{64}$/

/**
 * Compares a received Sign (hex, either case) with an expected lower-case one in time that does not depend on
 * where they differ: every character is visited and differences are OR-ed together (the guarantee of
 * crypto.timingSafeEqual, without two Buffers per callback). A received text that is not hex never equals.
 */
function equalHex(received: string, expected: string): boolean {
  if (received.length !== expected.length) return false
  let difference = 0
  for (let i = 0; i < expected.length; i++) {
    const char = received.charCodeAt(i)
    // 'A'–'F' compare as 'a'–'f'; the branch depends on the caller's own text only, never on the expected Sign.
    difference |= (char >= 0x41 && char <= 0x46 ? char | 0x20 : char) ^ expected.charCodeAt(i)
  }
  return difference === 0
}

// The platform stamps RequestTime in whole seconds, so a busy receiver sees the same few values over and over:
// the expected Signs of the most recent ones are kept rather than hashed again for every callback.
const MAX_CACHED_TIMES = 128
const signCache = new WeakMap<readonly string[], Map<string, readonly string[]>>()

function expectedSigns(tokens: readonly string[], requestTime: string): readonly string[] {
  let byTime = signCache.get(tokens)
  if (byTime === undefined) signCache.set(tokens, (byTime = new Map<string, readonly string[]>()))
  let signs = byTime.get(requestTime)
  if (signs === undefined) {
    signs = tokens.map((token) => signCallback(token, requestTime))
    if (byTime.size >= MAX_CACHED_TIMES) byTime.delete(byTime.keys().next().value as string)
    byTime.set(requestTime, signs)
  }
  return signs
}
