import { inspect } from 'node:util'
import { Logger } from '@nestjs/common'
import type { Logger as RoomhooksLogger } from '@roomhooks/core'

/**
 * roomhooks' log written through Nest's `Logger`, so that it follows the application's logger (`app.useLogger()`,
 * `logger: false`, the log levels) like Nest's own lines. Nest's logger takes an error's stack, not the error,
 * after the message.
 */
export function nestLogger(): RoomhooksLogger {
  const logger = new Logger('Roomhooks')
  return {
    debug: (message) => logger.debug(message),
    info: (message) => logger.log(message),
    warn: (message, error?: unknown) => logger.warn(error === undefined ? message : `${message}: ${describe(error)}`),
    error: (message, error?: unknown) =>
      error === undefined
        ? logger.error(message)
        : logger.error(message, error instanceof Error ? error.stack : describe(error)),
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : inspect(error, { depth: 2, breakLength: Infinity })
}
