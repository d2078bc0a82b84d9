// Every way the receiver is served over a socket, each mounted with app.use() (or as the whole server), so that
// its options decide which requests it takes.
import { createServer, type Server } from 'node:http'
import express5 from 'express'
import express4 from 'express4'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import { Hono } from 'hono'
import { createAdaptorServer } from '@hono/node-server'
import { createFetchHandler, createNodeHandler, type NodeReceiverOptions, type RoomWebhooks } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'

export type Mount = (hooks: RoomWebhooks, options: NodeReceiverOptions) => Server

export const expressVersions = { 'Express 5': express5, 'Express 4': express4 }
export const koaVersions = { 'Koa 3': Koa3, 'Koa 2': Koa2 }

/** The node transports: createNodeHandler as the server, and the Express and Koa adapters with app.use(). */
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
}

/** createFetchHandler behind Hono on @hono/node-server. */
export const honoTransport: Mount = (hooks, options) => {
  const receive = createFetchHandler(hooks, options)
  return createAdaptorServer({ fetch: new Hono().all('*', (c) => receive(c.req.raw)).fetch }) as Server
}

export const allTransports: Record<string, Mount> = { ...nodeTransports, 'Hono (fetch handler)': honoTransport }
