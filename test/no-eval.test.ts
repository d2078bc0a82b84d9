import { execFileSync } from 'node:child_process'
import { expect } from 'chai'
import { bundleWorker } from './support/worker-bundle.js'

// The schema checks are TypeBox's compiled code written out at build time (scripts/generate.ts): nothing is
// compiled from strings when a receiver starts, and TypeBox's compiler is not even loaded.

const RECEIVE_TWO = `
  const hooks = createRoomWebhooks({ sdkAppId: 1400000000, log: { warn() {} } })
  const good = createTestCallback('live.destroyed', { sdkAppId: 1400000000 })
  const bad = createTestCallback('room.created', { sdkAppId: 1400000000, overrides: { RoomInfo: { MaxMemberCount: 'lots' } }, validate: false })
  const answers = Promise.all([hooks.receive(good), hooks.receive(bad)])
`

describe('a runtime that forbids compiling code from strings', () => {
  it('validates every callback with the checks compiled at build time, and names the failing field', () => {
    // Node's own switch for what Cloudflare Workers and strict CSP runtimes enforce.
    const script = `
      const { createRoomWebhooks } = require('@roomhooks/core')
      const { createTestCallback } = require('@roomhooks/core/testing')
      ${RECEIVE_TWO}
      answers.then((all) => console.log(JSON.stringify(all.map((a) => [a.status, a.body.ErrorInfo]))))
    `
    const output = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], {
      encoding: 'utf8',
    })
    expect(JSON.parse(output)).to.deep.equal([
      [200, ''],
      [400, 'Room.CallbackAfterCreateRoom payload is invalid at /RoomInfo/MaxMemberCount: Expected integer'],
    ])
  })
})

describe("TypeBox's compiler", () => {
  it('is not loaded by a process that requires core, receives a valid and an invalid callback', () => {
    const script = `
      const { createRoomWebhooks } = require('@roomhooks/core')
      const { createTestCallback } = require('@roomhooks/core/testing')
      ${RECEIVE_TWO}
      answers.then(() => console.log(JSON.stringify(Object.keys(require.cache))))
    `
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[]
    expect(loaded.some((path) => path.includes('@sinclair/typebox'))).to.equal(true) // the walk sees TypeBox
    expect(loaded.filter((path) => /[/\\]typebox[/\\]build[/\\]cjs[/\\]compiler[/\\]/.test(path))).to.deep.equal([])
  })

  it('is not loaded, nor any of TypeBox, until a payload fails; the first failure then names its field', () => {
    const script = `
      const { createRoomWebhooks } = require('@roomhooks/core')
      const typebox = () => Object.keys(require.cache).filter((path) => path.includes('@sinclair/typebox'))
      const hooks = createRoomWebhooks({ sdkAppId: 1400000000, log: { warn() {} } })
      const query = 'SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterCreateRoom'
      const send = (RoomInfo) => hooks.receive({ query, body: JSON.stringify({ CallbackCommand: 'Room.CallbackAfterCreateRoom', RoomInfo }) })
      send({ RoomId: 'r1' }).then(async (good) => {
        const beforeFailure = typebox()
        const bad = await send({ RoomId: 'r1', MaxMemberCount: 'lots' })
        const again = await send({ RoomId: [] })
        console.log(JSON.stringify({ answers: [good, bad, again].map((a) => [a.status, a.body.ErrorInfo]), beforeFailure, after: typebox() }))
      })
    `
    const { answers, beforeFailure, after } = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }),
    ) as { answers: unknown; beforeFailure: string[]; after: string[] }
    expect(answers).to.deep.equal([
      [200, ''],
      [400, 'Room.CallbackAfterCreateRoom payload is invalid at /RoomInfo/MaxMemberCount: Expected integer'],
      [400, 'Room.CallbackAfterCreateRoom payload is invalid at /RoomInfo/RoomId: Expected string'],
    ])
    expect(beforeFailure).to.deep.equal([])
    expect(after.some((path) => /[/\\]build[/\\]cjs[/\\]errors[/\\]/.test(path))).to.equal(true)
    expect(after.filter((path) => /[/\\]build[/\\]cjs[/\\]compiler[/\\]/.test(path))).to.deep.equal([])
  })

  it('is not in a worker bundle of the fetch handler, nor any new Function or eval', async function () {
    this.timeout(60_000)
    const bundle = await bundleWorker()
    expect(bundle.inputs.filter((input) => input.includes('/typebox/build/esm/compiler/'))).to.deep.equal([])
    expect(bundle.code).not.to.match(/\bnew Function\b|\beval\(/)
  })
})
