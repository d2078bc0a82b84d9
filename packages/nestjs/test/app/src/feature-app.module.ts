import {
  Inject,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common'
import { ConfigModule, ConfigService } from '@nestjs/config'
import { RoomhooksModule } from '@roomhooks/nestjs'
import { CallbackAudit } from './callback-audit.service.js'
import { ModerationService } from './moderation.service.js'
import { OrdersController } from './orders.controller.js'
import { Recorder } from './recorder.js'
import { RoomsService } from './rooms.service.js'

export interface FeatureSettings {
  readonly sdkAppId: number
  readonly token: string
  readonly path: string
  /** RoomhooksModule.forRootAsync() with its options from ConfigService, rather than forRoot(). */
  readonly fromConfig?: boolean
  readonly handlerTimeout?: number
  /** Applied to every route in the module's configure(consumer), as `express.json()` may be. */
  readonly consumerMiddleware?: NestMiddleware['use']
}

const CONSUMER_MIDDLEWARE = Symbol('CONSUMER_MIDDLEWARE')

/** An application with handlers in its providers, a provider injecting RoomWebhooks, and routes of its own. */
@Module({})
export class FeatureAppModule implements NestModule {
  constructor(@Inject(CONSUMER_MIDDLEWARE) private readonly middleware: NestMiddleware['use'] | null) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.middleware !== null) consumer.apply(this.middleware).forRoutes('*')
  }

  static with(settings: FeatureSettings): DynamicModule {
    const { sdkAppId, token, path, handlerTimeout } = settings
    const roomhooks =
      settings.fromConfig === true
        ? RoomhooksModule.forRootAsync({
            imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ tencent: { sdkAppId, token } })] })],
            inject: [ConfigService],
            useFactory: (config: ConfigService) => ({
              sdkAppId: config.getOrThrow<number>('tencent.sdkAppId'),
              token: config.getOrThrow<string>('tencent.token'),
              path,
              ...(handlerTimeout === undefined ? {} : { handlerTimeout }),
            }),
          })
        : RoomhooksModule.forRoot({
            sdkAppId,
            token,
            path,
            ...(handlerTimeout === undefined ? {} : { handlerTimeout }),
          })
    return {
      module: FeatureAppModule,
      imports: [roomhooks],
      controllers: [OrdersController],
      providers: [
        Recorder,
        RoomsService,
        // The same instance under a second token: its handlers must still run once.
        { provide: 'ROOMS', useExisting: RoomsService },
        ModerationService,
        CallbackAudit,
        { provide: CONSUMER_MIDDLEWARE, useValue: settings.consumerMiddleware ?? null },
      ],
    }
  }
}
