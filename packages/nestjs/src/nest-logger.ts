import { inspect } from 'node:util'
import { Logger } from '@nestjs/common'
import type { Logger as RoomhooksLogger } from '@roomhooks/core'

/**
 * roomhooks' log written through Nest's `Logger`, so that it follows the application's logger (`app.useLogger()`,
 * `logger: false`, the log levels) like Nest's own lines. roomhooks passes an error first, before the message;
 * Nest's logger takes the message first and an error's stack, not the error, after it.
 */
export function nestLogger(): RoomhooksLogger {
  const logger = new Logger('Roomhooks')
  return {
    debug: (message) => logger.debug(message),
    info: (message) => logger.log(message),
    warn: (first: unknown, message?: string) =>
      logger.warn(message === undefined ? String(first) : `${message}: ${describe(first)}`),
    error: (first: unknown, message?: string) =>
      message === undefined
        ? logger.error(String(first))
        : logger.error(message, first instanceof Error ? first.stack : describe(first)),
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : inspect(error, { depth: 2, breakLength: Infinity })
}
