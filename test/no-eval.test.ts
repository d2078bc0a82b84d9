import { execFileSync } from 'node:child_process'
import { expect } from 'chai'

describe('a runtime that forbids compiling code from strings', () => {
  it('still validates every callback, by interpreting the schemas', () => {
    // Node's own switch for what Cloudflare Workers and strict CSP runtimes enforce.
    const script = `
      const { createRoomWebhooks } = require('@roomhooks/core')
      const { createTestCallback } = require('@roomhooks/core/testing')
      const hooks = createRoomWebhooks({ sdkAppId: 1400000000, log: { warn() {} } })
      const good = createTestCallback('live.destroyed', { sdkAppId: 1400000000 })
      const bad = createTestCallback('room.created', { sdkAppId: 1400000000, overrides: { RoomInfo: { MaxMemberCount: 'lots' } }, validate: false })
      Promise.all([hooks.receive(good), hooks.receive(bad)]).then((answers) => console.log(JSON.stringify(answers.map((a) => a.status))))
    `
    const output = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], {
      encoding: 'utf8',
    })
    expect(JSON.parse(output)).to.deep.equal([200, 400])
  })
})
