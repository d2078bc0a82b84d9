import type { INestApplication, LogLevel } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import { AppModule, type AppSettings } from './app.module'

export interface AppOptions extends AppSettings {
  /** Express (Nest's default) or Fastify. */
  readonly platform?: 'express' | 'fastify'
  /** Nest's log levels; default errors and warnings. */
  readonly logLevels?: LogLevel[]
}

/**
 * The app on Express or Fastify, initialized: call `listen()`, or hand `getHttpServer()` to a server of your own.
 * The callback route is mounted in `init()`; on Fastify, the plugin loads when the instance is ready.
 */
export async function createApp({
  platform = 'express',
  logLevels,
  ...settings
}: AppOptions = {}): Promise<INestApplication> {
  const logger = logLevels ?? ['error', 'warn']
  const module = AppModule.register(settings)
  if (platform === 'fastify') {
    const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger })
    await app.init()
    await app.getHttpAdapter().getInstance().ready()
    return app
  }
  const app = await NestFactory.create(module, new ExpressAdapter(), { logger })
  return app.init()
}
