import { isThenable } from './thenable.js'

/**
 * A logger roomhooks can write to: console, pino, winston, bunyan, Fastify's `app.log`, or any object with some of
 * these methods. Each method is called on the logger itself, so class-based loggers work unchanged. A message comes
 * alone, or after the error that caused it, the way pino and bunyan take one (`log.error(err, message)`; a thrown
 * value that is not an Error comes as `{ err: value }`); the console and winston get the message first and the
 * error after it.
 */
export interface Logger {
  /** Routine detail, such as a callback delivered again whose handlers already ran. */
  debug(message: string): void
  /** Informational messages. */
  info(message: string): void
  /** Something to look at: refused requests, handlers that ran late, settings that will cause trouble. */
  warn(message: string): void
  /** The same, after the error that caused it (a store that failed). */
  warn(error: unknown, message: string): void
  /** Failures: handlers that threw, an `onError` handler that threw. */
  error(message: string): void
  /** The same, after the error: an Error itself, or `{ err: value }` for a thrown value that is not one. */
  error(error: unknown, message: string): void
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
 * Wraps the user's logger. Errors are passed the way each kind of logger records them in full: first, before the
 * message, as pino documents (`logger.error(err, msg)`) and bunyan reads it, for any logger but the two known to
 * read the message first, winston and the console. A logger is not asked what it is by its methods: an object of
 * bound pino methods (`{ error: log.error.bind(log) }`) has no `child` to tell it by, and a message-first call
 * would lose its error (pino reads arguments after the message as format values). A logger that throws, returns a
 * rejected promise or lacks a method never breaks an answer: levels it lacks fall back to the console (warn,
 * error) or to nothing (debug, info).
 */
export function createLogger(given?: Partial<Logger> | null): Log {
  const logger = given ?? consoleWarnings
  const errorFirst = !takesMessageFirst(logger)
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

/** The console, and winston (told by its `transports`), read `(message, error)`: the error's stack goes in its record. */
function takesMessageFirst(logger: object): boolean {
  return (
    logger === console || logger === consoleWarnings || (logger as { transports?: unknown }).transports !== undefined
  )
}

function writeToConsole(level: 'warn' | 'error', message: string, error: unknown): void {
  if (error === undefined) console[level](message)
  else console[level](message, error)
}

/** The default: warnings and errors to the console, debug and info nowhere. */
const consoleWarnings: Partial<Logger> = {
  warn: (...details: unknown[]) => console.warn(...details),
  error: (...details: unknown[]) => console.error(...details),
}

const ignore = (): void => {}
