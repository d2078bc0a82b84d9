import type {
  DynamicModule,
  INestApplication,
  INestApplicationContext,
  NestApplicationOptions,
  Type,
} from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { Test } from '@nestjs/testing'

/** The HTTP platforms a Nest application runs on. */
export type Platform = 'express' | 'fastify'

export interface StartOptions {
  readonly platform: Platform
  /**
   * NestFactory.create()'s options (`rawBody`, `bodyParser`, `logger`, …). The logger is off unless given, and
   * `abortOnError` false, so that an error fails its test rather than ending the test process.
   */
  readonly appOptions?: NestApplicationOptions
  /** What main.ts does between create() and listen(): global pipes, app.use(), a global prefix. */
  readonly configure?: (app: INestApplication) => void | Promise<void>
  /** Made as an e2e test makes it: Test.createTestingModule(), then createNestApplication(). */
  readonly testingModule?: boolean
}

/** A Nest application listening on a free loopback port. */
export interface StartedApp {
  readonly url: string
  readonly app: INestApplication
  close(): Promise<void>
}

/** Creates the application for `module` on `platform`, as main.ts or an e2e test would, without starting it. */
export async function createNestApp(module: Type | DynamicModule, options: StartOptions): Promise<INestApplication> {
  const adapter = options.platform === 'express' ? new ExpressAdapter() : new FastifyAdapter()
  const appOptions: NestApplicationOptions = { logger: false, abortOnError: false, ...options.appOptions }
  if (options.testingModule === true) {
    const testingModule = await Test.createTestingModule({ imports: [module] }).compile()
    return testingModule.createNestApplication(adapter, appOptions)
  }
  return NestFactory.create(module, adapter, appOptions)
}

/** An application without HTTP (a worker process, a script), as NestFactory.createApplicationContext() makes it. */
export function createNestContext(module: Type | DynamicModule): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(module, { logger: false, abortOnError: false })
}

/** Creates the application, configures it and starts listening on 127.0.0.1. */
export async function startNestApp(module: Type | DynamicModule, options: StartOptions): Promise<StartedApp> {
  const app = await createNestApp(module, options)
  await options.configure?.(app)
  await app.listen(0, '127.0.0.1')
  return { url: await app.getUrl(), app, close: () => app.close() }
}
