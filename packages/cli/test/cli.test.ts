// Runs the built `roomhooks` binary against the Express example app, listening on a real socket.
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createApp } from '../../../examples/express/src/app.js'
import { listen, type RunningServer } from '../../../test/support/http.js'

const bin = fileURLToPath(new URL('../dist/esm/bin.js', import.meta.url))
const sdkAppId = '1400000000'
const token = 'cli-test-token'

function roomhooks(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('the roomhooks CLI', function () {
  this.timeout(20_000)
  let server: RunningServer
  let url: string
  const printed: string[] = []

  before(async () => {
    server = await listen(createServer(createApp({ sdkAppId, token, print: (line) => void printed.push(line) })))
    url = `${server.url}/tencent/callback`
  })
  after(() => server.close())
  beforeEach(() => {
    printed.length = 0
  })

  describe('send', () => {
    it('sends a signed callback and prints the answer and the time taken', async () => {
      const { code, stdout } = await roomhooks('send', 'room.created', '--url', url, '--sdk-app-id', sdkAppId, '--token', token)
      expect(code).to.equal(0)
      expect(stdout).to.match(/^✔ Room\.CallbackAfterCreateRoom \(room\.created\) → 200 \{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""\} in [\d.]+ ms\n$/)
      expect(printed).to.include('room tandy-test-rest created by user3')
    })

    it('accepts a Tencent command name and changes fields with --set', async () => {
      const { code } = await roomhooks(
        'send', 'Room.CallbackAfterMemberEnter', '--url', url, '--sdk-app-id', sdkAppId, '--token', token,
        '--set', 'RoomId=room-9', '--set', 'MemberList_Account=["alice","bob"]',
      )
      expect(code).to.equal(0)
      expect(printed).to.include('alice, bob entered room-9')
    })

    it('sends a body from a file', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'roomhooks-')), 'leave.json')
      writeFileSync(file, JSON.stringify({ CallbackCommand: 'Room.CallbackAfterMemberLeave', RoomId: 'from-file', MemberList_Account: ['carol'] }))
      const { code } = await roomhooks('send', 'member.leave', '--url', url, '--sdk-app-id', sdkAppId, '--token', token, '--body', file)
      expect(code).to.equal(0)
      expect(printed).to.include('carol left from-file')
    })

    it('sends every command with --all', async () => {
      const { code, stdout } = await roomhooks('send', '--all', '--url', url, '--sdk-app-id', sdkAppId, '--token', token)
      expect(code).to.equal(0)
      expect(stdout.trim().split('\n')).to.have.length(25)
      expect(stdout).to.contain('24 of 24 answered OK')
      expect(stdout).to.contain('"ErrorCode":1,"ErrorInfo":"Gifts over 500 coins need approval"')
    })

    it('exits 1 when the answer is not OK', async () => {
      const { code, stdout } = await roomhooks('send', 'room.created', '--url', url, '--sdk-app-id', sdkAppId, '--token', 'wrong')
      expect(code).to.equal(1)
      expect(stdout).to.match(/^✘ .* → 401 .*"ErrorCode":40106/)
    })

    it('refuses a change that breaks the schema, unless --no-validate', async () => {
      const refused = await roomhooks('send', 'room.created', '--url', url, '--sdk-app-id', sdkAppId, '--set', 'RoomInfo.MaxMemberCount=lots')
      expect(refused.code).to.equal(2)
      expect(refused.stderr).to.match(/\/RoomInfo\/MaxMemberCount/)
      const sent = await roomhooks('send', 'room.created', '--url', url, '--sdk-app-id', sdkAppId, '--token', token, '--set', 'RoomInfo.MaxMemberCount=lots', '--no-validate')
      expect(sent.code).to.equal(1)
      expect(sent.stdout).to.contain('→ 400')
    })

    it('explains an unknown event', async () => {
      const { code, stderr } = await roomhooks('send', 'room.exploded', '--url', url, '--sdk-app-id', sdkAppId)
      expect(code).to.equal(2)
      expect(stderr).to.contain('Unknown event or command "room.exploded". Run roomhooks list')
    })

    it('explains a bad or missing flag', async () => {
      const unknownFlag = await roomhooks('send', 'room.created', '--url', url, '--sdk-app-id', sdkAppId, '--colour')
      expect([unknownFlag.code, unknownFlag.stderr]).to.satisfy(([code, stderr]: [number, string]) => code === 2 && stderr.includes("Unknown option '--colour'"))
      const missing = await roomhooks('send', 'room.created')
      expect(missing.code).to.equal(2)
      expect(missing.stderr).to.contain('send needs --url and --sdk-app-id')
    })

    it('explains an unreachable URL', async () => {
      const closed = await listen(createServer())
      await closed.close()
      const { code, stderr } = await roomhooks('send', 'room.created', '--url', `${closed.url}/cb`, '--sdk-app-id', sdkAppId)
      expect(code).to.equal(1)
      expect(stderr).to.equal(`Could not reach ${closed.url}/cb: ECONNREFUSED\n`)
    })
  })

  it('lists the catalog', async () => {
    const { code, stdout } = await roomhooks('list')
    const lines = stdout.trim().split('\n')
    expect(code).to.equal(0)
    expect(lines).to.have.length(24)
    expect(lines).to.include.members([
      'Room.CallbackAfterCreateRoom                   room.created           after',
      'Live.CallbackBeforeSendGift                    gift.beforeSend        before',
    ])
  })

  it("signs Tencent's published example", async () => {
    const { code, stdout } = await roomhooks('sign', '--token', 'xxxxyyyy', '--time', '1669872112')
    expect(code).to.equal(0)
    expect(stdout).to.equal('RequestTime=1669872112\nSign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061\n')
  })

  it('writes the JSON Schemas', async () => {
    const out = mkdtempSync(join(tmpdir(), 'roomhooks-schemas-'))
    const { code, stdout } = await roomhooks('schema', '--out', out)
    expect(code).to.equal(0)
    expect(stdout).to.contain('Wrote 24 JSON Schemas')
    expect(readdirSync(out)).to.include('Room.CallbackAfterCreateRoom.json')
  })

  it('has --help on every command', async () => {
    for (const command of ['send', 'list', 'sign', 'schema']) {
      const { code, stdout } = await roomhooks(command, '--help')
      expect([code, stdout.startsWith(`Usage: roomhooks ${command}`)], command).to.deep.equal([0, true])
    }
    const main = await roomhooks('--help')
    expect(main.stdout).to.contain('Commands:')
  })
})
