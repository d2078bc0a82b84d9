import type { RoomWebhooks } from '@roomhooks/core'
import type { RoomhooksRouteOptions } from './module-options.js'

/** What this file uses of the Fastify instance under Nest's FastifyAdapter. */
interface FastifyApp {
  register(plugin: unknown, options: object): PromiseLike<unknown>
}

/**
 * Receives callbacks on the Fastify instance under Nest with the `@roomhooks/fastify` plugin, registered in
 * `app.init()` (Fastify takes plugins until it is ready, when the application starts listening). The plugin reads
 * the raw body in its own encapsulated context, so the parsers Nest registered (its JSON parser, with or without
 * `rawBody`, or `useBodyParser()`'s) stay the application's and never see a callback.
 */
export async function mountOnFastify(
  app: FastifyApp,
  hooks: RoomWebhooks,
  options: RoomhooksRouteOptions,
): Promise<void> {
  const { roomhooks } = await loadPlugin()
  const { path, readTimeout } = options
  await app.register(roomhooks, readTimeout === undefined ? { hooks, path } : { hooks, path, readTimeout })
}

// An optional peer dependency, loaded only on Fastify: an Express application needs neither it nor Fastify.
async function loadPlugin(): Promise<{ roomhooks: unknown }> {
  try {
    return await import('@roomhooks/fastify')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new Error(
      '[@roomhooks/nestjs] On @nestjs/platform-fastify, callbacks are received by the @roomhooks/fastify plugin: npm install @roomhooks/fastify',
      { cause: error },
    )
  }
}
