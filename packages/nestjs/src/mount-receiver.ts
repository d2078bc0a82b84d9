import type { AbstractHttpAdapter } from '@nestjs/core'
import type { RoomWebhooks } from '@roomhooks/core'
import type { RoomhooksRouteOptions } from './module-options.js'
import { mountOnExpress } from './mount-express.js'
import { mountOnFastify } from './mount-fastify.js'

/**
 * Receives callbacks at the route, on whichever platform the application runs: Express (`@nestjs/platform-express`)
 * or Fastify (`@nestjs/platform-fastify`). Returns the platform's name, or undefined for an application without
 * HTTP (`NestFactory.createApplicationContext()`, e.g. a worker process), where there is nothing to mount.
 */
export async function mountReceiver(
  // Typed as always there, but null in an application context.
  adapter: AbstractHttpAdapter | null | undefined,
  hooks: RoomWebhooks,
  options: RoomhooksRouteOptions,
): Promise<string | undefined> {
  if (adapter === null || adapter === undefined) return undefined
  const type = adapter.getType()
  switch (type) {
    case 'express':
      mountOnExpress(adapter.getInstance(), hooks, options)
      return type
    case 'fastify':
      await mountOnFastify(adapter.getInstance(), hooks, options)
      return type
    default:
      throw new Error(
        `[@roomhooks/nestjs] RoomhooksModule receives callbacks on @nestjs/platform-express and @nestjs/platform-fastify, not on the "${type}" HTTP adapter. Take the RoomWebhooks it provides and hand your platform's requests to hooks.receive(), or to createNodeHandler() of @roomhooks/core.`,
      )
  }
}
