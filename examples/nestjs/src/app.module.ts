import { Module, type DynamicModule } from '@nestjs/common'
import { ConfigModule, ConfigService } from '@nestjs/config'
import { RoomhooksModule } from '@roomhooks/nestjs'
import { CallbackLog } from './callback-log.service'
import { GiftsService } from './gifts.service'
import { HealthController } from './health.controller'
import { PRINT, type Print } from './print'
import { RoomsService } from './rooms.service'

export interface AppSettings {
  /** The SDKAppID; by default SDKAPPID from the environment (or .env). */
  readonly sdkAppId?: number | string
  /** The callback token; by default CALLBACK_TOKEN from the environment, when set. */
  readonly token?: string
  readonly print?: Print
}

@Module({})
export class AppModule {
  /** The app's module. Settings given here (the demo, tests) come before the environment's. */
  static register({ sdkAppId, token, print = console.log }: AppSettings = {}): DynamicModule {
    const given = {
      ...(sdkAppId === undefined ? {} : { SDKAPPID: sdkAppId }),
      ...(token ? { CALLBACK_TOKEN: token } : {}),
    }
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ load: [() => given] }),
        RoomhooksModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            sdkAppId: given.SDKAPPID ?? config.getOrThrow<string>('SDKAPPID'),
            token: given.CALLBACK_TOKEN ?? (config.get<string>('CALLBACK_TOKEN') || undefined),
            path: '/tencent/callback',
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: PRINT, useValue: print }, RoomsService, GiftsService, CallbackLog],
    }
  }
}
