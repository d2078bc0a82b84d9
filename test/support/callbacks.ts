import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { signCallback } from '@roomhooks/core'

/** The SDKAppID every test receiver accepts. */
export const SDK_APP_ID = 1400000000
/** The callback token of tests that turn Sign checks on. */
export const TOKEN = 'test-callback-token'

const fixturesDir = fileURLToPath(new URL('../../packages/core/fixtures/', import.meta.url))

/** Commands that have a sample body in packages/core/fixtures. */
export const fixtureCommands: readonly string[] = readdirSync(fixturesDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort()

/** The sample body of a command, as the text the platform sends. */
export function fixtureText(command: string): string {
  return readFileSync(`${fixturesDir}${command}.json`, 'utf8')
}

export interface QueryOptions {
  readonly command: string
  readonly sdkAppId?: number | string
  /** Adds Sign and RequestTime for this token. */
  readonly token?: string
  /** Unix seconds; default now. */
  readonly requestTime?: number
}

/** The query string the platform appends to the callback URL. */
export function callbackQuery({ command, sdkAppId = SDK_APP_ID, token, requestTime }: QueryOptions): string {
  const params = new URLSearchParams({
    SdkAppid: String(sdkAppId),
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '203.0.113.7',
    OptPlatform: 'RESTAPI',
  })
  if (token !== undefined) {
    const time = requestTime ?? Math.floor(Date.now() / 1000)
    params.set('RequestTime', String(time))
    params.set('Sign', signCallback(token, time))
  }
  return params.toString()
}
