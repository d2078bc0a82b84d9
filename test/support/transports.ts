import { createServer, type Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import express5 from 'express'
import express4 from 'express4'
import { Hono } from 'hono'
import Koa from 'koa'
import koa2 from 'koa2'
import { createFetchHandler, createNodeHandler, type RoomWebhooks } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import { listen, type RunningServer } from './http.js'

/** Where the transports below take callbacks. */
export const TRANSPORT_PATH = '/tencent/callback'

/** Every transport roomhooks answers through, each mounted the plain way, nothing parsing the body first. */
export const transports: Readonly<Record<string, (hooks: RoomWebhooks) => Promise<RunningServer>>> = {
  'node:http': (hooks) => listen(createServer(createNodeHandler(hooks, { path: TRANSPORT_PATH }))),
  'Express 5': (hooks) => listen(createServer(express5().post(TRANSPORT_PATH, createExpressMiddleware(hooks)))),
  'Express 4': (hooks) =>
    listen(createServer((express4 as unknown as typeof express5)().post(TRANSPORT_PATH, createExpressMiddleware(hooks)))),
  'Koa 3': (hooks) => listen(createServer(new Koa().use(createKoaMiddleware(hooks, { path: TRANSPORT_PATH })).callback())),
  'Koa 2': (hooks) => listen(createServer(new koa2().use(createKoaMiddleware(hooks, { path: TRANSPORT_PATH }) as never).callback())),
  'the fetch handler under Hono': (hooks) => {
    const receive = createFetchHandler(hooks)
    return listen(createAdaptorServer({ fetch: new Hono().post(TRANSPORT_PATH, (c) => receive(c.req.raw)).fetch }) as Server)
  },
}
