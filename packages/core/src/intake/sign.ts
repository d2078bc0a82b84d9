import { sha256Hex } from '../sha256.js'

/**
 * The `Sign` the platform computes when callback authentication is on: lower-case hex SHA-256 of the token
 * immediately followed by the decimal `RequestTime` (Unix seconds). Not an HMAC; the body is not covered.
 *
 * @example
 * signCallback('xxxxyyyy', 1669872112) // '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061'
 */
export function signCallback(token: string, requestTime: number | string): string {
  return sha256Hex(`${token}${requestTime}`)
}
