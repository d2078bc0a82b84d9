// What the receiver and the worker read from the environment. Both must name the same Redis and queue.

export interface ExampleConfig {
  readonly sdkAppId: string
  readonly token: string | undefined
  /** The Redis the queue lives in, e.g. `redis://127.0.0.1:6379` or `redis://:password@host:6379/0`. */
  readonly redisUrl: string
  readonly queueName: string
  /** The receiver's port; 0 picks a free one. */
  readonly port: number
  /** How many writes of the pretend attendance store fail before it works (see attendance-store.ts). */
  readonly storeFailures: number
}

/** Reads the configuration, or exits with a message saying what is missing. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const sdkAppId = env['SDKAPPID']
  if (!sdkAppId) {
    console.error("Set SDKAPPID to your app's SDKAppID (and CALLBACK_TOKEN if callback authentication is on).")
    process.exit(1)
  }
  return {
    sdkAppId,
    token: env['CALLBACK_TOKEN'] || undefined,
    redisUrl: env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    queueName: env['QUEUE_NAME'] || 'roomhooks',
    port: Number(env['PORT'] ?? 3000),
    storeFailures: Number(env['STORE_FAILURES'] ?? 1),
  }
}

/** The Redis URL without its password, for log lines. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unreadable REDIS_URL)'
  }
}
