// The test application (test/app), compiled by the build once per NestJS version, and loaded as a Nest project
// loads: CommonJS, through require(). NestJS 11 is the repository's own; NestJS 10 is installed in test/nest10 of
// the repository, whose build of the application finds it there. A Nest application must share its @nestjs/core
// with @roomhooks/nestjs (the classes are the injection tokens), so that application gets a copy of the package
// in test/nest10/node_modules, as an install would put it, rather than the repository's link to packages/nestjs,
// from which @nestjs/core would be NestJS 11's.
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type * as TestApp from '../app/dist/index.js'

export type TestApplication = typeof TestApp

const require = createRequire(import.meta.url)
const path = (relative: string) => fileURLToPath(new URL(`../../../../${relative}`, import.meta.url))

function installCopyForNest10(): void {
  const target = path('test/nest10/node_modules/@roomhooks/nestjs')
  rmSync(target, { recursive: true, force: true })
  cpSync(path('packages/nestjs/package.json'), `${target}/package.json`)
  cpSync(path('packages/nestjs/dist'), `${target}/dist`, {
    recursive: true,
    filter: (source) => !source.endsWith('.tsbuildinfo'),
  })
}

/** Each NestJS version the tests run on, with the expected major version and a loader of its application. */
export const nestVersions: readonly { name: string; major: number; load: () => TestApplication }[] = [
  { name: 'NestJS 11', major: 11, load: () => require(path('packages/nestjs/test/app/dist/index.js')) },
  {
    name: 'NestJS 10',
    major: 10,
    load: () => {
      installCopyForNest10()
      return require(path('test/nest10/dist/index.js'))
    },
  },
]

export type { Platform, StartedApp, StartOptions } from '../app/dist/index.js'
