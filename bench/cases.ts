// The servers the benchmark compares. Every case answers the same request (the Room.CallbackAfterCreateRoom
// fixture) with the same envelope; cases marked `signed` get a token and a signed query string. The queue cases
// store each callback in the benchmark's redis-server (`npm run bench:queue`).
import { createServer, type Server } from 'node:http'
import express from 'express'
import Fastify from 'fastify'
import Koa from 'koa'
import { bodyParser } from '@koa/bodyparser'
import { context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { createQueueDelivery } from '@roomhooks/bullmq'
import { createNodeHandler, createRoomWebhooks, type CallbackDelivery, type RoomWebhooks } from '@roomhooks/core'
import { createExpressMiddleware } from '@roomhooks/express'
import { createKoaMiddleware } from '@roomhooks/koa'
import roomhooks from '@roomhooks/fastify'
import { instrumentRoomWebhooks } from '@roomhooks/opentelemetry'

const SDK_APP_ID = 1400000000
export const TOKEN = 'benchmark-callback-token'
export const CALLBACK_PATH = '/tencent/callback'
const ENVELOPE = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }

export interface BenchCase {
  readonly name: string
  readonly label: string
  /** The query string carries Sign and RequestTime for TOKEN. */
  readonly signed: boolean
  /** The case this one is compared with. */
  readonly baseline?: string
  /** The least ratio of requests per second to the baseline's it must reach. */
  readonly target?: number
  /** The most server CPU per request it may add to the baseline's, as a fraction. */
  readonly maxCpuCost?: number
  /** The highest p99 latency it may have, in ms. */
  readonly maxP99?: number
  /** `redisPort`: where the benchmark's redis-server listens, for the queue cases. A Fastify app is ready first. */
  readonly createServer: (redisPort?: number) => Server | Promise<Server>
}

/** The queue the receiving side fills, and the one the benchmark fills for the worker to drain. */
export const QUEUE_NAME = 'roomhooks-bench'
export const WORKER_QUEUE_NAME = 'roomhooks-bench-worker'

// A sink for what handlers compute, so that no engine skips their work.
let _handled = 0
function hooksFor(signed: boolean, delivery?: CallbackDelivery): RoomWebhooks {
  return createRoomWebhooks({
    sdkAppId: SDK_APP_ID,
    ...(signed && { token: TOKEN }),
    ...(delivery && { delivery }),
  }).on('room.created', (event) => {
    _handled += event.payload.RoomInfo.RoomId.length
  })
}

function expressApp(signed: boolean): Server {
  const app = express()
  app.post(CALLBACK_PATH, createExpressMiddleware(hooksFor(signed)))
  return createServer(app)
}

function koaApp(signed: boolean): Server {
  const app = new Koa()
  app.use(createKoaMiddleware(hooksFor(signed), { path: CALLBACK_PATH }))
  return createServer(app.callback())
}

async function fastifyApp(signed: boolean): Promise<Server> {
  const app = Fastify()
  await app.register(roomhooks, { hooks: hooksFor(signed), path: CALLBACK_PATH })
  await app.ready()
  return app.server
}

function nodeApp(signed: boolean): Server {
  return createServer(createNodeHandler(hooksFor(signed), { path: CALLBACK_PATH }))
}

// Exporters that take everything and send it nowhere: the cost measured is recording and batching, not a network.
const nowhere: SpanExporter & PushMetricExporter = {
  export: (_items, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
}

/** Case 6 with an OpenTelemetry SDK as an app sets it up: async context, every span sampled and batched, metrics. */
function instrumentedNodeApp(): Server {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(nowhere)] })
  const reader = new PeriodicExportingMetricReader({ exporter: nowhere, exportIntervalMillis: 10_000 })
  const hooks = instrumentRoomWebhooks(hooksFor(false), {
    tracerProvider,
    meterProvider: new MeterProvider({ readers: [reader] }),
  })
  return createServer(createNodeHandler(hooks, { path: CALLBACK_PATH }))
}

export const cases: readonly BenchCase[] = [
  {
    name: 'bare',
    label: '1. node:http, JSON.parse, envelope (the physical limit)',
    signed: false,
    createServer: () =>
      createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (chunk: Buffer) => chunks.push(chunk))
        req.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
          _handled += body.RoomInfo.RoomId.length
          const json = JSON.stringify(ENVELOPE)
          res.writeHead(200, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(json),
          })
          res.end(json)
        })
      }),
  },
  {
    name: 'express-route',
    label: '2. Express 5 + express.json() + route with res.json (hand-written)',
    signed: false,
    createServer: () => {
      const app = express()
      app.use(express.json())
      app.post(CALLBACK_PATH, (req, res) => {
        _handled += (req.body as { RoomInfo: { RoomId: string } }).RoomInfo.RoomId.length
        res.json(ENVELOPE)
      })
      return createServer(app)
    },
  },
  {
    name: 'express-roomhooks',
    label: '3. Express 5 + createExpressMiddleware',
    signed: false,
    baseline: 'express-route',
    target: 1.2,
    createServer: () => expressApp(false),
  },
  {
    name: 'koa-route',
    label: '4. Koa 3 + @koa/bodyparser + middleware (hand-written)',
    signed: false,
    createServer: () => {
      const app = new Koa()
      app.use(bodyParser())
      app.use((ctx) => {
        if (ctx.method !== 'POST' || ctx.path !== CALLBACK_PATH) return
        _handled += (ctx.request.body as { RoomInfo: { RoomId: string } }).RoomInfo.RoomId.length
        ctx.body = ENVELOPE
      })
      return createServer(app.callback())
    },
  },
  {
    name: 'koa-roomhooks',
    label: '5. Koa 3 + createKoaMiddleware',
    signed: false,
    baseline: 'koa-route',
    target: 1.1,
    createServer: () => koaApp(false),
  },
  {
    name: 'node-roomhooks',
    label: '6. node:http + createNodeHandler',
    signed: false,
    baseline: 'bare',
    target: 0.9,
    maxCpuCost: 0.15,
    createServer: () => nodeApp(false),
  },
  {
    name: 'express-roomhooks-signed',
    label: '7a. case 3 with a token (Sign checked)',
    signed: true,
    baseline: 'express-roomhooks',
    maxCpuCost: 0.05,
    createServer: () => expressApp(true),
  },
  {
    name: 'koa-roomhooks-signed',
    label: '7b. case 5 with a token (Sign checked)',
    signed: true,
    baseline: 'koa-roomhooks',
    maxCpuCost: 0.05,
    createServer: () => koaApp(true),
  },
  {
    name: 'node-roomhooks-signed',
    label: '7c. case 6 with a token (Sign checked)',
    signed: true,
    baseline: 'node-roomhooks',
    maxCpuCost: 0.05,
    createServer: () => nodeApp(true),
  },
  {
    name: 'fastify-route',
    label: '8. Fastify 5 + its JSON parser + route returning the envelope (hand-written)',
    signed: false,
    createServer: async () => {
      const app = Fastify()
      app.post(CALLBACK_PATH, async (request) => {
        _handled += (request.body as { RoomInfo: { RoomId: string } }).RoomInfo.RoomId.length
        return ENVELOPE
      })
      await app.ready()
      return app.server
    },
  },
  {
    name: 'fastify-roomhooks',
    label: '9. Fastify 5 + the roomhooks plugin',
    signed: false,
    baseline: 'fastify-route',
    target: 1.0,
    createServer: () => fastifyApp(false),
  },
  {
    name: 'node-roomhooks-otel',
    label: '10. case 6 instrumented: @roomhooks/opentelemetry, SDK recording every span and metric',
    signed: false,
    baseline: 'node-roomhooks',
    createServer: instrumentedNodeApp,
  },
]

/**
 * Durable delivery: the receiving side stores every callback in Redis before it answers. Measured with a body
 * that differs per request, against `baseline` receiving the same bodies.
 */
export const queueCases: readonly BenchCase[] = [
  {
    name: 'node-roomhooks-queue',
    label: 'case 6 with delivery: createQueueDelivery()',
    signed: false,
    baseline: 'node-roomhooks',
    target: 0.5,
    maxP99: 20,
    createServer: (redisPort) => {
      if (redisPort === undefined) throw new Error('node-roomhooks-queue needs the port of a redis-server')
      const delivery = createQueueDelivery({
        connection: { host: '127.0.0.1', port: redisPort },
        queueName: QUEUE_NAME,
      })
      return createServer(createNodeHandler(hooksFor(false, delivery), { path: CALLBACK_PATH }))
    },
  },
]

/** The adapters whose memory is measured. */
export const memoryCases = ['express-roomhooks', 'koa-roomhooks', 'fastify-roomhooks', 'node-roomhooks']
