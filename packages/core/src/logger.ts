import { isThenable } from './thenable.js'

/**
 * A logger roomhooks can write to: console, pino, winston, bunyan, Fastify's `app.log`, or any object with some of
 * these methods. Each method is called on the logger itself, so class-based loggers work unchanged.
 */
export interface Logger {
  /** Routine detail, such as a callback delivered again whose handlers already ran. */
  debug(message: string, ...details: unknown[]): void
  /** Informational messages. */
  info(message: string, ...details: unknown[]): void
  /** Something to look at: refused requests, handlers that ran late, settings that will cause trouble. */
  warn(message: string, ...details: unknown[]): void
  /**
   * Failures: handlers that threw, an `onError` handler that threw. The error comes as a detail after the message,
   * or first, before the message, for loggers that take it that way (pino, bunyan).
   */
  error(message: string, ...details: unknown[]): void
}

type Level = keyof Logger

/** How roomhooks writes: one message, with the error that caused it when there is one. Never throws. */
export interface Log {
  debug(message: string): void
  info(message: string): void
  warn(message: string, error?: unknown): void
  error(message: string, error?: unknown): void
}

/**
 * Wraps the user's logger. Errors are passed the way each kind of logger records them in full: pino and bunyan
 * take the error first (pino's docs: `logger.error(err, msg)`), winston and the console take the message first
 * and the error as metadata. A logger that throws, returns a rejected promise or lacks a method never breaks an
 * answer: levels it lacks fall back to the console (warn, error) or to nothing (debug, info).
 */
export function createLogger(given?: Partial<Logger> | null): Log {
  const logger = given ?? consoleWarnings
  const errorFirst = takesErrorFirst(logger)
  const write = (level: Level, message: string, error?: unknown): void => {
    try {
      const method: unknown = logger[level]
      if (typeof method !== 'function') {
        if (level === 'warn' || level === 'error') writeToConsole(level, message, error)
        return
      }
      const result: unknown =
        error === undefined
          ? method.call(logger, message)
          : errorFirst
            ? method.call(logger, error instanceof Error ? error : { err: error }, message)
            : method.call(logger, message, error)
      if (isThenable(result)) result.then(undefined, ignore)
    } catch {
      // The logger failed; the answer to the platform must not.
    }
  }
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message, error) => write('warn', message, error),
    error: (message, error) => write('error', message, error),
  }
}

/** pino, bunyan and Fastify's logger make child loggers and take `(error, message)`; winston also has `child` but reads `(message, meta)`. */
function takesErrorFirst(logger: object): boolean {
  const candidate = logger as { child?: unknown; transports?: unknown }
  return typeof candidate.child === 'function' && candidate.transports === undefined
}

function writeToConsole(level: 'warn' | 'error', message: string, error: unknown): void {
  if (error === undefined) console[level](message)
  else console[level](message, error)
}

/** The default: warnings and errors to the console, debug and info nowhere. */
const consoleWarnings: Partial<Logger> = {
  warn: (message, ...details) => console.warn(message, ...details),
  error: (message, ...details) => console.error(message, ...details),
}

const ignore = (): void => {}
