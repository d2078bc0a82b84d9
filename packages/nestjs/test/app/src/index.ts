export { ContractAppModule } from './contract-app.module.js'
export { FeatureAppModule, type FeatureSettings } from './feature-app.module.js'
export { Recorder } from './recorder.js'
export { MinimalAppModule } from './minimal-app.module.js'
export { MisdeclaredAppModule } from './misdeclared-app.module.js'
export {
  createNestApp,
  createNestContext,
  startNestApp,
  type Platform,
  type StartedApp,
  type StartOptions,
} from './start.js'
export { createRoomWebhooks, RoomWebhooks } from '@roomhooks/core'
export { OnRoomEvent, RoomhooksModule } from '@roomhooks/nestjs'
export { ValidationPipe } from '@nestjs/common'
