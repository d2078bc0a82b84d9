/** Where roomhooks writes what the caller is not told: handler failures and refused requests without onError. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

const ignore = (): void => {}

/** Fills the levels a partial logger leaves out: debug and info are silent, warn and error go to the console. */
export function createLogger(log: Partial<Logger> = {}): Logger {
  return {
    debug: log.debug ?? ignore,
    info: log.info ?? ignore,
    warn: log.warn ?? console.warn.bind(console),
    error: log.error ?? console.error.bind(console),
  }
}
