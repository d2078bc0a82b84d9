// The transport contract (every fixture, every row of the answer table, big IDs, hostile bodies) against real Nest
// applications, compiled as Nest projects compile, on each NestJS version and platform, with Nest's body parsing
// as an application may configure it.
import { expect } from 'chai'
import type { createRoomWebhooks, RoomWebhooks } from '@roomhooks/core'
import { CALLBACK_PATH, describeReceiverContract, type AppSetup } from '../../../test/support/receiver-contract.js'
import { nestVersions, type Platform, type StartOptions, type TestApplication } from './support/nest-versions.js'

for (const version of nestVersions) {
  describe(`RoomhooksModule on ${version.name}`, () => {
    const nest = version.load()

    it(`runs the application and @roomhooks/nestjs on NestJS ${version.major}`, () => {
      const { app, roomhooks } = nest.nestVersions()
      expect(app.split('.')[0]).to.equal(String(version.major))
      expect(roomhooks).to.equal(app)
    })

    for (const platform of ['express', 'fastify'] as const satisfies Platform[]) {
      const contract = (options: Omit<StartOptions, 'platform'>) =>
        describeReceiverContract(
          (hooks) => startContractApp(nest, hooks, { platform, ...options }),
          commonJsHooks(nest),
        )

      describe(`on ${platform}, with Nest's body parser (the default)`, () => contract({}))
      describe(`on ${platform}, with rawBody: true`, () => contract({ appOptions: { rawBody: true } }))
      describe(`on ${platform}, with bodyParser: false`, () => contract({ appOptions: { bodyParser: false } }))
      describe(`on ${platform}, made by Test.createTestingModule()`, () => contract({ testingModule: true }))
    }
  })
}

/**
 * The contract's RoomWebhooks are made with the application's createRoomWebhooks(), from core's CommonJS build, as
 * a Nest project's own would be; the types of the two builds differ only in name.
 */
function commonJsHooks(nest: TestApplication): AppSetup {
  return { createRoomWebhooks: nest.createRoomWebhooks as unknown as typeof createRoomWebhooks }
}

function startContractApp(nest: TestApplication, hooks: RoomWebhooks, options: StartOptions) {
  const module = nest.ContractAppModule.with(
    hooks as unknown as Parameters<typeof nest.ContractAppModule.with>[0],
    CALLBACK_PATH,
  )
  return nest.startNestApp(module, options)
}
