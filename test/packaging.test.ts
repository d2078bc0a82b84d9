import { execFileSync } from 'node:child_process'
import { expect } from 'chai'

const exportsOf: Record<string, string[]> = {
  '@roomhooks/core': ['createRoomWebhooks', 'createNodeHandler', 'signCallback', 'RoomhooksError'],
  '@roomhooks/core/adapter': ['createNodeReceiver', 'sendNodeResponse', 'serializeEnvelope', 'verifyCallback'],
  '@roomhooks/express': ['createExpressMiddleware'],
  '@roomhooks/koa': ['createKoaMiddleware'],
  '@roomhooks/redis': ['createRedisDedupeStore'],
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

  it("keeps the adapters' plumbing off the main entry", () => {
    const script = 'const m = require("@roomhooks/core"); console.log(JSON.stringify(Object.keys(m)))'
    const plumbing = ['createNodeReceiver', 'sendNodeResponse', 'serializeEnvelope', 'okResponse', 'verifyCallback', 'readCallbackQuery']
    expect((JSON.parse(run(['-e', script])) as string[]).filter((name) => plumbing.includes(name))).to.deep.equal([])
  })

  it('serves CommonJS to require() and ES modules to import', () => {
    const cjs = run(['-p', 'require.resolve("@roomhooks/core")'])
    const esm = run(['--input-type=module', '-e', 'console.log(import.meta.resolve("@roomhooks/core"))'])
    expect(cjs).to.match(/dist[/\\]cjs[/\\]index\.js$/)
    expect(esm).to.match(/dist\/esm\/index\.js$/)
  })
})
