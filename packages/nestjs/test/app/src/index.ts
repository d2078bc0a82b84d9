export { ContractAppModule } from './contract-app.module'
export { FeatureAppModule, type FeatureSettings } from './feature-app.module'
export { Recorder } from './recorder'
export { MinimalAppModule } from './minimal-app.module'
export { MisdeclaredAppModule } from './misdeclared-app.module'
export {
  createNestApp,
  createNestContext,
  startNestApp,
  type Platform,
  type StartedApp,
  type StartOptions,
} from './start'
export { nestVersions } from './versions'
export { createRoomWebhooks, RoomWebhooks } from '@roomhooks/core'
export { OnRoomEvent, RoomhooksModule } from '@roomhooks/nestjs'
export { ValidationPipe } from '@nestjs/common'
