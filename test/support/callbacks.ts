// The tests' defaults around the testing kit (@roomhooks/core/testing), which builds every callback they send.
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { CommandName, ListenableName } from '@roomhooks/core'
import { createTestCallback, fixtureText as sampleText } from '@roomhooks/core/testing'

/** The SDKAppID every test receiver accepts. */
export const SDK_APP_ID = 1400000000
/** The callback token of tests that turn Sign checks on. */
export const TOKEN = 'test-callback-token'

/** Commands that have a sample file in packages/core/fixtures, the data the testing kit is generated from. */
export const fixtureCommands: readonly string[] = readdirSync(
  fileURLToPath(new URL('../../packages/core/fixtures/', import.meta.url)),
)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort()

/** The sample body of a command, as the platform sends it. */
export function fixtureText(command: string): string {
  return sampleText(command as CommandName)
}

export interface QueryOptions {
  readonly command: string
  readonly sdkAppId?: number | string
  /** Adds Sign and RequestTime for this token. */
  readonly token?: string
  /** Unix seconds; default now. */
  readonly requestTime?: number
}

/** The query string the platform appends to the callback URL, for the tests' app and a fixed client address. */
export function callbackQuery({ command, sdkAppId = SDK_APP_ID, token, requestTime }: QueryOptions): string {
  return createTestCallback(command as ListenableName, { sdkAppId, token, requestTime, clientIp: '203.0.113.7' }).query
}
