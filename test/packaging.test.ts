import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { expect } from 'chai'

const exportsOf: Record<string, string[]> = {
  '@roomhooks/core': ['createRoomWebhooks', 'createNodeHandler', 'signCallback', 'RoomhooksError'],
  '@roomhooks/core/adapter': ['createNodeReceiver', 'sendNodeResponse', 'serializeEnvelope', 'verifyCallback'],
  '@roomhooks/express': ['createExpressMiddleware'],
  '@roomhooks/koa': ['createKoaMiddleware'],
  '@roomhooks/fastify': ['default', 'roomhooks'],
  '@roomhooks/nestjs': ['RoomhooksModule', 'OnRoomEvent'],
  '@roomhooks/core/delivery': ['runStoredCallback', 'reportError', 'readStoredCallback', 'DeliveryError'],
  '@roomhooks/redis': ['createRedisDedupeStore'],
  '@roomhooks/bullmq': ['createQueueDelivery', 'createRoomWorker', 'listFailedCallbacks', 'replayFailedCallbacks'],
  '@roomhooks/presence': ['createPresence', 'createMemoryPresenceStore', 'createRedisPresenceStore'],
  '@roomhooks/inspector': ['createInspector'],
}

function run(args: string[]): string {
  return execFileSync(process.execPath, args, { encoding: 'utf8' }).trim()
}

describe('packaging', () => {
  for (const [name, expected] of Object.entries(exportsOf)) {
    it(`${name} loads with require()`, () => {
      const script = `const m = require(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m)))`
      expect(JSON.parse(run(['-e', script]))).to.include.members(expected)
    })

    it(`${name} loads with import`, () => {
      const script = `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m)))`
      expect(JSON.parse(run(['--input-type=module', '-e', script]))).to.include.members(expected)
    })
  }

  it("keeps the adapters' and workers' plumbing off the main entry", () => {
    const script = 'const m = require("@roomhooks/core"); console.log(JSON.stringify(Object.keys(m)))'
    const plumbing = [
      'toFetchResponse',
      'JSON_CONTENT_TYPE',
      'createNodeReceiver',
      'sendNodeResponse',
      'serializeEnvelope',
      'okResponse',
      'verifyCallback',
      'readCallbackQuery',
      'runStoredCallback',
      'reportError',
      'readStoredCallback',
    ]
    expect((JSON.parse(run(['-e', script])) as string[]).filter((name) => plumbing.includes(name))).to.deep.equal([])
  })

  it('serves CommonJS to require() and ES modules to import', () => {
    const cjs = run(['-p', 'require.resolve("@roomhooks/core")'])
    const esm = run(['--input-type=module', '-e', 'console.log(import.meta.resolve("@roomhooks/core"))'])
    expect(cjs).to.match(/dist[/\\]cjs[/\\]index\.js$/)
    expect(esm).to.match(/dist\/bundle\/index\.js$/)
  })

  // The ES build is bundled with chunks shared by its entry points: an error class imported from two of them is one
  // class, so that instanceof holds whichever entry the code that throws and the code that catches came from.
  it("shares one copy of core's modules between its ES entry points", () => {
    const script = `
      const [main, delivery, testing] = await Promise.all(
        ['@roomhooks/core', '@roomhooks/core/delivery', '@roomhooks/core/testing'].map((entry) => import(entry)))
      console.log(JSON.stringify([main.DeliveryError === delivery.DeliveryError, main.signCallback === testing.signCallback]))`
    expect(JSON.parse(run(['--input-type=module', '-e', script]))).to.deep.equal([true, true])
  })
})

describe('published tarballs', () => {
  const names = [
    '@roomhooks/core',
    '@roomhooks/express',
    '@roomhooks/koa',
    '@roomhooks/fastify',
    '@roomhooks/nestjs',
    '@roomhooks/redis',
    '@roomhooks/bullmq',
    '@roomhooks/presence',
    '@roomhooks/cli',
  ]
  let packed: { name: string; files: { path: string }[] }[] = []

  before(() => {
    const args = ['pack', '--dry-run', '--json', ...names.flatMap((name) => ['-w', name])]
    packed = JSON.parse(execFileSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
  })

  for (const name of names) {
    it(`${name} ships its LICENSE, README and builds, and no build info or tests`, () => {
      const paths = packed.find((entry) => entry.name === name)!.files.map((file) => file.path)
      expect(paths).to.include.members([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/esm/index.js',
        'dist/esm/index.d.ts',
      ])
      if (name !== '@roomhooks/cli') expect(paths).to.include.members(['dist/cjs/index.js', 'dist/cjs/package.json'])
      expect(paths.filter((path) => path.endsWith('.tsbuildinfo'))).to.deep.equal([])
      expect(
        paths.filter((path) => /(^|\/)(test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]s$/.test(path)),
      ).to.deep.equal([])
    })

    it(`${name}'s LICENSE is the repository's`, () => {
      const dir = name.replace('@roomhooks/', 'packages/')
      expect(readFileSync(`${dir}/LICENSE`, 'utf8')).to.equal(readFileSync('LICENSE', 'utf8'))
    })
  }
})
