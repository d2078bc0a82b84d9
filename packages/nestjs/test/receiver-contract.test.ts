// The transport contract (every fixture, every row of the answer table, big IDs, hostile bodies) against real Nest
// applications, compiled as Nest projects compile, on each NestJS version and platform, with Nest's body parsing
// as an application may configure it.
import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import semver from 'semver'
import type { createRoomWebhooks, RoomWebhooks } from '@roomhooks/core'
import { CALLBACK_PATH, describeReceiverContract, type AppSetup } from '../../../test/support/receiver-contract.js'
import {
  nestVersions,
  resolvedNestVersions,
  type Platform,
  type StartOptions,
  type TestApplication,
} from './support/nest-versions.js'

for (const version of nestVersions) {
  const nest = await version.load()
  describe(`RoomhooksModule on ${version.name}`, () => {
    it(`runs the application and @roomhooks/nestjs on NestJS ${version.major}`, () => {
      const { app, roomhooks } = resolvedNestVersions(version)
      expect(app.split('.')[0]).to.equal(String(version.major))
      expect(roomhooks).to.equal(app)
    })

    it(`declares NestJS ${version.major} in its peer dependencies, so that npm installs it beside the application's`, () => {
      const { peerDependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        peerDependencies: Record<string, string>
      }
      const { app } = resolvedNestVersions(version)
      for (const name of ['@nestjs/common', '@nestjs/core']) {
        expect(semver.satisfies(app, peerDependencies[name]!), `${name} ${peerDependencies[name]}`).to.equal(true)
      }
    })

    for (const platform of ['express', 'fastify'] as const satisfies Platform[]) {
      const contract = (options: Omit<StartOptions, 'platform'>) =>
        describeReceiverContract(
          (hooks) => startContractApp(nest, hooks, { platform, ...options }),
          applicationHooks(nest),
        )

      describe(`on ${platform}, with Nest's body parser (the default)`, () => contract({}))
      describe(`on ${platform}, with rawBody: true`, () => contract({ appOptions: { rawBody: true } }))
      describe(`on ${platform}, with bodyParser: false`, () => contract({ appOptions: { bodyParser: false } }))
      describe(`on ${platform}, made by Test.createTestingModule()`, () => contract({ testingModule: true }))
    }
  })
}

/**
 * The contract's RoomWebhooks are made with the application's createRoomWebhooks(), from the build of core its
 * module system loads (CommonJS, or ES modules on NestJS 12), as a Nest project's own would be; the types of the two
 * builds differ only in name.
 */
function applicationHooks(nest: TestApplication): AppSetup {
  return { createRoomWebhooks: nest.createRoomWebhooks as unknown as typeof createRoomWebhooks }
}

function startContractApp(nest: TestApplication, hooks: RoomWebhooks, options: StartOptions) {
  const module = nest.ContractAppModule.with(
    hooks as unknown as Parameters<typeof nest.ContractAppModule.with>[0],
    CALLBACK_PATH,
  )
  return nest.startNestApp(module, options)
}
