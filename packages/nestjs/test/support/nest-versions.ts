// The test application (test/app), compiled by the build once per NestJS version, and loaded as a Nest project of
// that version loads. NestJS 11 is the repository's own: a CommonJS application, through require(). NestJS 10 is
// installed in test/nest10, whose build of the application (CommonJS) finds it there. NestJS 12 is installed in
// test/nest12, whose build is an ES module application, as `nest new` makes one for NestJS 12, loaded with
// import(). A Nest application must share its @nestjs/core with @roomhooks/nestjs (the classes are the injection
// tokens), so the applications of test/nest10 and test/nest12 get a copy of the package in their node_modules, as
// an install would put it, rather than the repository's link to packages/nestjs, from which @nestjs/core would be
// NestJS 11's.
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type * as TestApp from '../app/dist/index.js'

export type TestApplication = typeof TestApp

interface NestVersion {
  readonly name: string
  readonly major: number
  /** How the application loads: `require()` for CommonJS, `import()` for an ES module application. */
  readonly moduleSystem: 'commonjs' | 'esm'
  /** The compiled application's entry point. */
  readonly entry: string
  load(): Promise<TestApplication>
}

const require = createRequire(import.meta.url)
const path = (relative: string) => fileURLToPath(new URL(`../../../../${relative}`, import.meta.url))

function installCopyIn(folder: string): void {
  const target = path(`${folder}/node_modules/@roomhooks/nestjs`)
  rmSync(target, { recursive: true, force: true })
  cpSync(path('packages/nestjs/package.json'), `${target}/package.json`)
  cpSync(path('packages/nestjs/dist'), `${target}/dist`, {
    recursive: true,
    filter: (source) => !source.endsWith('.tsbuildinfo'),
  })
}

function version(
  major: number,
  moduleSystem: NestVersion['moduleSystem'],
  entry: string,
  folder?: string,
): NestVersion {
  return {
    name: `NestJS ${major}`,
    major,
    moduleSystem,
    entry: path(entry),
    load: async () => {
      if (folder !== undefined) installCopyIn(folder)
      return moduleSystem === 'commonjs'
        ? (require(path(entry)) as TestApplication)
        : ((await import(pathToFileURL(path(entry)).href)) as TestApplication)
    },
  }
}

/** Each NestJS version the tests run on, with the expected major version and a loader of its application. */
export const nestVersions: readonly NestVersion[] = [
  version(12, 'esm', 'test/nest12/dist/index.js', 'test/nest12'),
  version(11, 'commonjs', 'packages/nestjs/test/app/dist/index.js'),
  version(10, 'commonjs', 'test/nest10/dist/index.js', 'test/nest10'),
]

/**
 * The version of @nestjs/core the application resolves, and that of the one its @roomhooks/nestjs resolves, from
 * where each is installed.
 */
export function resolvedNestVersions(nest: NestVersion): { readonly app: string; readonly roomhooks: string } {
  const fromApp = createRequire(nest.entry)
  const roomhooksDir = dirname(fromApp.resolve('@roomhooks/nestjs'))
  const versionFrom = (paths: string[]) =>
    (require(fromApp.resolve('@nestjs/core/package.json', { paths })) as { version: string }).version
  return { app: versionFrom([dirname(nest.entry)]), roomhooks: versionFrom([roomhooksDir]) }
}

export type { Platform, StartedApp, StartOptions } from '../app/dist/index.js'
