// Every way the receiver is served over a socket, each mounted with app.use() (or as the whole server), so that
// its options decide which requests it takes; the Fastify plugin, which routes itself, at the path.
import { createServer, type Server } from 'node:http'
import express5 from 'express'
import express4 from 'express4'
import fastify5 from 'fastify'
import fastify4 from 'fastify4'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import { Hono } from 'hono'
import { createAdaptorServer } from '@hono/node-server'
import { createFetchHandler, createNodeHandler, type NodeReceiverOptions, type RoomWebhooks } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import { roomhooks, type RoomhooksPluginOptions } from '@roomhooks/fastify'

/** Serves the receiver; a Fastify app is ready (its plugins loaded) when the promise settles. */
export type Mount = (hooks: RoomWebhooks, options: NodeReceiverOptions) => Server | Promise<Server>

export const expressVersions = { 'Express 5': express5, 'Express 4': express4 }
export const koaVersions = { 'Koa 3': Koa3, 'Koa 2': Koa2 }
/** What the tests use of a Fastify app, of either version. */
interface FastifyApp {
  register(plugin: typeof roomhooks, options: RoomhooksPluginOptions): PromiseLike<unknown>
  ready(): PromiseLike<unknown>
  readonly server: Server
}
const fastifyVersions: Record<string, () => FastifyApp> = {
  'Fastify 5': () => fastify5(),
  // The plugin's declarations import Fastify's types, which here are Fastify 5's: a Fastify 4 app's register() does
  // not take them, though it takes the plugin (test/consumers/fastify4 checks the types against Fastify 4 alone).
  'Fastify 4': () => fastify4() as unknown as FastifyApp,
}

/** An app of each Fastify version with the plugin registered (at the path: the plugin always has one). */
export const fastifyTransports: Record<string, Mount> = Object.fromEntries(
  Object.entries(fastifyVersions).map(([name, fastify]) => [
    name,
    async (hooks: RoomWebhooks, { path, readTimeout }: NodeReceiverOptions) => {
      const app = fastify()
      await app.register(roomhooks, {
        hooks,
        ...(path !== undefined && { path }),
        ...(readTimeout !== undefined && { readTimeout }),
      })
      await app.ready()
      return app.server
    },
  ]),
)

/**
 * The node transports: createNodeHandler as the server, the Express and Koa adapters with app.use(), and the
 * Fastify plugin.
 */
export const nodeTransports: Record<string, Mount> = {
  'node:http': (hooks, options) => createServer(createNodeHandler(hooks, options)),
  ...Object.fromEntries(
    Object.entries(expressVersions).map(([name, express]) => [
      name,
      (hooks: RoomWebhooks, options: NodeReceiverOptions) =>
        createServer(express().use(createExpressMiddleware(hooks, options))),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(koaVersions).map(([name, Koa]) => [
      name,
      (hooks: RoomWebhooks, options: NodeReceiverOptions) =>
        createServer(new Koa().use(createKoaMiddleware(hooks, options)).callback()),
    ]),
  ),
  ...fastifyTransports,
}

/** createFetchHandler behind Hono on @hono/node-server. */
export const honoTransport: Mount = (hooks, options) => {
  const receive = createFetchHandler(hooks, options)
  return createAdaptorServer({ fetch: new Hono().all('*', (c) => receive(c.req.raw)).fetch }) as Server
}

export const allTransports: Record<string, Mount> = { ...nodeTransports, 'Hono (fetch handler)': honoTransport }
