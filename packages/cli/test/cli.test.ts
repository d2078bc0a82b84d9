// Runs the `roomhooks` command (its bin) against the Express example app, listening on a real socket.
import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { createServer as createTcpServer, type Socket } from 'node:net'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { commandDefinitions, createNodeHandler, createRoomWebhooks } from '@roomhooks/core'
import { run } from '@roomhooks/cli'
import { simulate } from '@roomhooks/core/testing'
import { createApp, createHooks } from '../../../examples/express/src/app.js'
// The NestJS example as Nest builds it (`npm run build`): its dependency injection needs tsc's decorator metadata.
import { createApp as createNestApp } from '../../../examples/nestjs/dist/app.js'
import { listen, type RunningServer } from '../../../test/support/http.js'
import { freePort } from '../../../test/support/redis-server.js'

const bin = fileURLToPath(new URL('../bin/roomhooks.js', import.meta.url))
const sdkAppId = '1400000000'
const token = 'cli-test-token'

function roomhooks(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return roomhooksWith({}, ...args)
}

/**
 * Runs the binary with `env` added; a ROOMHOOKS_TOKEN or ROOMHOOKS_REDIS_URL of the shell running the tests never
 * leaks in.
 */
function roomhooksWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const inherited = { ...process.env }
  delete inherited['ROOMHOOKS_TOKEN']
  delete inherited['ROOMHOOKS_REDIS_URL']
  return new Promise((resolve) => {
    // A run that hangs is ended before the test's own timeout, so that a failing test leaves no process behind.
    const options = { env: { ...inherited, ...env }, timeout: 15_000 }
    execFile(process.execPath, [bin, ...args], options, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('the roomhooks CLI', function () {
  this.timeout(20_000)
  let server: RunningServer
  let url: string
  /** Where the CLI sends, as whom: the Express example's URL, SDKAppID and token. */
  const target = () => ['--url', url, '--sdk-app-id', sdkAppId, '--token', token]
  const printed: string[] = []
  let requests = 0

  before(async () => {
    const http = createServer(createApp({ sdkAppId, token, print: (line) => void printed.push(line) }))
    http.on('request', () => void requests++)
    server = await listen(http)
    url = `${server.url}/tencent/callback`
  })
  after(() => server.close())
  beforeEach(() => {
    printed.length = 0
    requests = 0
  })

  describe('send', () => {
    it('sends a signed callback and prints the answer and the time taken', async () => {
      const { code, stdout } = await roomhooks('send', 'room.created', ...target())
      expect(code).to.equal(0)
      expect(stdout).to.match(
        /^✔ Room\.CallbackAfterCreateRoom \(room\.created\) → 200 \{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""\} in [\d.]+ ms\n$/,
      )
      expect(printed).to.include('room tandy-test-rest created by user3')
    })

    it('accepts a Tencent command name and changes fields with --set', async () => {
      const { code } = await roomhooks(
        'send',
        'Room.CallbackAfterMemberEnter',
        ...target(),
        '--set',
        'RoomId=room-9',
        '--set',
        'MemberList_Account=["alice","bob"]',
      )
      expect(code).to.equal(0)
      expect(printed).to.include('alice, bob entered room-9')
    })

    it('sends a body from a file', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'roomhooks-')), 'leave.json')
      writeFileSync(
        file,
        JSON.stringify({
          CallbackCommand: 'Room.CallbackAfterMemberLeave',
          RoomId: 'from-file',
          MemberList_Account: ['carol'],
        }),
      )
      const { code } = await roomhooks('send', 'member.leave', ...target(), '--body', file)
      expect(code).to.equal(0)
      expect(printed).to.include('carol left from-file')
    })

    it('sends every command with --all', async () => {
      // The example app refuses the samples of some before-callbacks (the gift: over 500 coins): which ones, and
      // with what answer, is found by simulating each before-callback of the catalog against the app's own hooks.
      const appHooks = createHooks({ sdkAppId, token, print: () => {} })
      const befores = commandDefinitions.filter((definition) => definition.kind === 'before')
      const answers = await Promise.all(
        befores.map(async ({ command }) => ({ command, body: (await simulate(appHooks, command)).body })),
      )
      const refused = answers.filter(({ body }) => body.ErrorCode !== 0)
      expect(refused.map(({ command }) => command)).to.include('Live.CallbackBeforeSendGift')

      const { code, stdout } = await roomhooks('send', '--all', ...target())
      expect(code).to.equal(0)
      const lines = stdout.trim().split('\n')
      const total = commandDefinitions.length
      expect(lines).to.have.length(total + 1)
      expect(lines.at(-1)).to.equal(`${total} of ${total} answered OK (${refused.length} refused by the app)`)
      expect(lines.filter((line) => line.startsWith('✘'))).to.have.length(refused.length)
      for (const { command, body } of refused) {
        const line = lines.find((line) => line.startsWith(`✘ ${command} `))
        expect(line, command)
          .to.contain(`→ 200 ${JSON.stringify(body)} in `)
          .and.to.match(/: refused by the app$/)
      }
      expect(stdout).to.match(
        /^✘ Live\.CallbackBeforeSendGift .*"ErrorCode":1,"ErrorInfo":"Gifts over 500 coins need approval"\}/m,
      )
    })

    it('marks a rejected before-callback ✘ and still exits 0', async () => {
      const { code, stdout } = await roomhooks('send', 'gift.beforeSend', ...target())
      expect(code).to.equal(0)
      expect(stdout).to.match(
        /^✘ Live\.CallbackBeforeSendGift \(gift\.beforeSend\) → 200 \{"ActionStatus":"OK","ErrorCode":1,"ErrorInfo":"Gifts over 500 coins need approval"\} in [\d.]+ ms: refused by the app\n$/,
      )
      const allowed = await roomhooks('send', 'gift.beforeSend', ...target(), '--set', 'GiftWater.Coins=100')
      expect([allowed.code, allowed.stdout.slice(0, 1)]).to.deep.equal([0, '✔'])
    })

    it('marks a dropped message ✘ and still exits 0', async () => {
      const hooks = createRoomWebhooks({ sdkAppId, token })
      hooks.on('message.beforeSend', (event) => event.drop())
      const dropping = await listen(createServer(createNodeHandler(hooks)))
      try {
        const { code, stdout } = await roomhooks(
          'send',
          'message.beforeSend',
          '--url',
          `${dropping.url}/cb`,
          '--sdk-app-id',
          sdkAppId,
          '--token',
          token,
        )
        expect(code).to.equal(0)
        expect(stdout).to.match(
          /^✘ Group\.CallbackBeforeSendMsg .* → 200 \{"ActionStatus":"OK","ErrorCode":2,"ErrorInfo":""\} in [\d.]+ ms: refused by the app\n$/,
        )
      } finally {
        await dropping.close()
      }
    })

    it('exits 1 when the answer is not OK', async () => {
      const { code, stdout } = await roomhooks(
        'send',
        'room.created',
        '--url',
        url,
        '--sdk-app-id',
        sdkAppId,
        '--token',
        'wrong',
      )
      expect(code).to.equal(1)
      expect(stdout).to.match(/^✘ .* → 401 .*"ErrorCode":40106/)
    })

    it('refuses a change that breaks the schema, unless --no-validate', async () => {
      const refused = await roomhooks(
        'send',
        'room.created',
        '--url',
        url,
        '--sdk-app-id',
        sdkAppId,
        '--set',
        'RoomInfo.MaxMemberCount=lots',
      )
      expect(refused.code).to.equal(2)
      expect(refused.stderr).to.match(/\/RoomInfo\/MaxMemberCount/)
      const sent = await roomhooks(
        'send',
        'room.created',
        ...target(),
        '--set',
        'RoomInfo.MaxMemberCount=lots',
        '--no-validate',
      )
      expect(sent.code).to.equal(1)
      expect(sent.stdout).to.contain('→ 400')
    })

    it('refuses --set of a field the schema does not know, naming it and the fields there, and sends nothing', async () => {
      const typo = await roomhooks('send', 'room.created', ...target(), '--set', 'RoomInfo.MaxMemberCont=5')
      expect(typo.code).to.equal(2)
      expect(typo.stdout).to.equal('')
      expect(typo.stderr).to.match(
        /^--set RoomInfo\.MaxMemberCont: RoomInfo has no field "MaxMemberCont"\. Its fields: RoomId, .*\bMaxMemberCount\b.*--no-validate/,
      )
      const topLevel = await roomhooks('send', 'member.enter', ...target(), '--set', 'Roomid=r1')
      expect(topLevel.code).to.equal(2)
      expect(topLevel.stderr).to.contain(
        'the Room.CallbackAfterMemberEnter body has no field "Roomid". Its fields: CallbackCommand, ',
      )
      const inList = await roomhooks('send', 'follow.added', ...target(), '--set', 'FollowList.0.To_Acount=bob')
      expect(inList.code).to.equal(2)
      expect(inList.stderr).to.contain('FollowList.0 has no field "To_Acount". Its fields: To_Account.')
      const notIndexed = await roomhooks('send', 'follow.added', ...target(), '--set', 'FollowList.first=bob')
      expect(notIndexed.code).to.equal(2)
      expect(notIndexed.stderr).to.contain('FollowList is a list; index it with a number, e.g. FollowList.0.')
      // Every command but the last has EventTime: --all sends none of them.
      const everywhere = await roomhooks('send', '--all', ...target(), '--set', 'EventTime=1700000000000')
      expect(everywhere.code).to.equal(2)
      expect(everywhere.stdout).to.equal('')
      expect(everywhere.stderr).to.contain('the Live.CallbackAfterCloudRecordingChanged body has no field "EventTime"')
      expect(requests).to.equal(0)
    })

    it('lets --set reach into list elements and any key of a record, and add any field with --no-validate', async () => {
      const record = await roomhooks('send', 'message.sent', ...target(), '--set', 'MsgBody.0.MsgContent.Anything=42')
      expect(record.code).to.equal(0)
      expect(printed.join('\n')).to.contain('"Anything":42')
      const added = await roomhooks(
        'send',
        'room.created',
        ...target(),
        '--set',
        'RoomInfo.Colour=red',
        '--no-validate',
      )
      expect(added.code).to.equal(0)
      expect(printed.join('\n')).to.contain('"Colour":"red"')
    })

    it('takes the token from ROOMHOOKS_TOKEN when there is no --token', async () => {
      const signed = await roomhooksWith(
        { ROOMHOOKS_TOKEN: token },
        'send',
        'room.created',
        '--url',
        url,
        '--sdk-app-id',
        sdkAppId,
      )
      expect([signed.code, signed.stdout.slice(0, 1)]).to.deep.equal([0, '✔'])
      expect(printed).to.include('room tandy-test-rest created by user3')
      const unsigned = await roomhooks('send', 'room.created', '--url', url, '--sdk-app-id', sdkAppId)
      expect(unsigned.code).to.equal(1)
      expect(unsigned.stdout).to.match(/^✘ .* → 401 /)
      const flagWins = await roomhooksWith(
        { ROOMHOOKS_TOKEN: token },
        'send',
        'room.created',
        '--url',
        url,
        '--sdk-app-id',
        sdkAppId,
        '--token',
        'wrong',
      )
      expect(flagWins.code).to.equal(1)
    })

    it('explains an unknown event', async () => {
      const { code, stderr } = await roomhooks('send', 'room.exploded', '--url', url, '--sdk-app-id', sdkAppId)
      expect(code).to.equal(2)
      expect(stderr).to.contain('Unknown event or command "room.exploded". Run roomhooks list')
    })

    it('explains a bad or missing flag', async () => {
      const unknownFlag = await roomhooks('send', 'room.created', '--url', url, '--sdk-app-id', sdkAppId, '--colour')
      expect([unknownFlag.code, unknownFlag.stderr]).to.satisfy(
        ([code, stderr]: [number, string]) => code === 2 && stderr.includes("Unknown option '--colour'"),
      )
      const missing = await roomhooks('send', 'room.created')
      expect(missing.code).to.equal(2)
      expect(missing.stderr).to.contain('send needs --url and --sdk-app-id')
    })

    it('explains an unreachable URL', async () => {
      const closed = await listen(createServer())
      await closed.close()
      const { code, stderr } = await roomhooks(
        'send',
        'room.created',
        '--url',
        `${closed.url}/cb`,
        '--sdk-app-id',
        sdkAppId,
      )
      expect(code).to.equal(1)
      expect(stderr).to.equal(`Could not reach ${closed.url}/cb: ECONNREFUSED\n`)
    })
  })

  it('lists the catalog', async () => {
    const { code, stdout } = await roomhooks('list')
    const lines = stdout.trim().split('\n')
    expect(code).to.equal(0)
    expect(lines).to.have.length(commandDefinitions.length)
    expect(lines).to.include.members([
      'Room.CallbackAfterCreateRoom                   room.created           after',
      'Live.CallbackBeforeSendGift                    gift.beforeSend        before',
    ])
  })

  it("signs Tencent's published example", async () => {
    const { code, stdout } = await roomhooks('sign', '--token', 'xxxxyyyy', '--time', '1669872112')
    expect(code).to.equal(0)
    expect(stdout).to.equal(
      'RequestTime=1669872112\nSign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061\n',
    )
  })

  it('signs with the token in ROOMHOOKS_TOKEN, a Sign the server accepts', async () => {
    const { code, stdout } = await roomhooksWith({ ROOMHOOKS_TOKEN: token }, 'sign')
    expect(code).to.equal(0)
    const [, requestTime, sign] = /^RequestTime=(\d+)\nSign=([0-9a-f]{64})\n$/.exec(stdout) ?? []
    const query = new URLSearchParams({
      SdkAppid: sdkAppId,
      CallbackCommand: 'Room.CallbackAfterCreateRoom',
      RequestTime: requestTime ?? '',
      Sign: sign ?? '',
    })
    const body = JSON.stringify({
      CallbackCommand: 'Room.CallbackAfterCreateRoom',
      RoomInfo: { RoomId: 'signed-by-env' },
    })
    const answer = await fetch(`${url}?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(answer.status).to.equal(200)
    expect(printed).to.include('room signed-by-env created by unknown')
    const flagWins = await roomhooksWith(
      { ROOMHOOKS_TOKEN: 'other' },
      'sign',
      '--token',
      'xxxxyyyy',
      '--time',
      '1669872112',
    )
    expect(flagWins.stdout).to.contain('Sign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061')
    const none = await roomhooks('sign')
    expect(none.code).to.equal(2)
    expect(none.stderr).to.contain('sign needs --token or ROOMHOOKS_TOKEN')
  })

  it('prints its version with --version and -v', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await roomhooks(flag)
      expect([code, stdout], flag).to.deep.equal([0, `${version}\n`])
    }
    const lines: string[] = []
    expect(
      await run(['--version'], { out: (line) => void lines.push(line), err: (line) => void lines.push(line) }),
    ).to.equal(0)
    expect(lines).to.deep.equal([version])
    expect((await roomhooks('--help')).stdout).to.contain('--version, -v')
  })

  it('writes the JSON Schemas', async () => {
    const out = mkdtempSync(join(tmpdir(), 'roomhooks-schemas-'))
    const { code, stdout } = await roomhooks('schema', '--out', out)
    expect(code).to.equal(0)
    expect(stdout).to.contain(`Wrote ${commandDefinitions.length} JSON Schemas`)
    expect(readdirSync(out)).to.include('Room.CallbackAfterCreateRoom.json')
  })

  it('has --help on every command', async () => {
    for (const command of ['send', 'list', 'sign', 'schema', 'failed', 'replay']) {
      const { code, stdout } = await roomhooks(command, '--help')
      expect([code, stdout.startsWith(`Usage: roomhooks ${command}`)], command).to.deep.equal([0, true])
    }
    const main = await roomhooks('--help')
    expect(main.stdout).to.contain('Commands:')
    expect(main.stdout)
      .to.match(/^ {2}failed {2,}\S/m)
      .and.to.match(/^ {2}replay {2,}\S/m)
  })

  for (const platform of ['express', 'fastify'] as const) {
    describe(`send, to the NestJS example on ${platform}`, () => {
      const nestPrinted: string[] = []
      let nest: RunningServer
      before(async () => {
        const app = await createNestApp({ sdkAppId, token, platform, print: (line) => void nestPrinted.push(line) })
        nest = await listen(app.getHttpServer() as Server)
      })
      after(() => nest.close())

      it('sends every command with --all: each is answered OK, and the gift over 500 coins refused', async () => {
        const nestTarget = ['--url', `${nest.url}/tencent/callback`, '--sdk-app-id', sdkAppId, '--token', token]
        const { code, stdout } = await roomhooks('send', '--all', ...nestTarget)
        expect(code).to.equal(0)
        const total = commandDefinitions.length
        expect(stdout.trim().split('\n').at(-1)).to.equal(`${total} of ${total} answered OK (1 refused by the app)`)
        expect(stdout).to.match(/^✘ Live\.CallbackBeforeSendGift .*"ErrorInfo":"Gifts over 500 coins need approval"\}/m)
        expect(nestPrinted).to.include('live room tandy-test-rest of 144115216631667826 closed')
      })

      it('is refused with 401 when signed with another token', async () => {
        const { code, stdout } = await roomhooks(
          'send',
          'room.created',
          ...['--url', `${nest.url}/tencent/callback`, '--sdk-app-id', sdkAppId, '--token', 'wrong'],
        )
        expect(code).to.equal(1)
        expect(stdout).to.match(/^✘ .* → 401 .*"ErrorCode":40106/)
      })
    })
  }

  describe('installed without @roomhooks/bullmq and @roomhooks/inspector, its optional peers', () => {
    /**
     * The CLI as npm installs it for someone who only sends: its package (bin and build) in a node_modules with
     * its one dependency, @roomhooks/core, and no @roomhooks/bullmq, BullMQ, ioredis or @roomhooks/inspector that it
     * could resolve.
     */
    const roots: string[] = []
    after(() => {
      for (const root of roots) rmSync(root, { recursive: true, force: true })
    })

    function installWithoutPeers(): string {
      const root = mkdtempSync(join(tmpdir(), 'roomhooks-cli-alone-'))
      roots.push(root)
      const installed = join(root, 'node_modules', '@roomhooks', 'cli')
      const source = fileURLToPath(new URL('..', import.meta.url))
      for (const part of ['package.json', 'bin', 'dist/esm'])
        cpSync(join(source, part), join(installed, part), { recursive: true })
      symlinkSync(
        fileURLToPath(new URL('../../core', import.meta.url)),
        join(root, 'node_modules', '@roomhooks', 'core'),
      )
      return join(installed, 'bin', 'roomhooks.js')
    }

    function runInstalled(installedBin: string, ...args: string[]) {
      return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [installedBin, ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
        })
      })
    }

    it('sends callbacks, and npm installs no queue packages for it', async () => {
      const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        dependencies: Record<string, string>
        peerDependenciesMeta: Record<string, { optional?: boolean }>
      }
      expect(Object.keys(manifest.dependencies)).to.deep.equal(['@roomhooks/core'])
      expect(manifest.peerDependenciesMeta['@roomhooks/bullmq']).to.deep.equal({ optional: true })
      expect(manifest.peerDependenciesMeta['@roomhooks/inspector']).to.deep.equal({ optional: true })
      const installedBin = installWithoutPeers()
      const { code, stdout, stderr } = await runInstalled(installedBin, 'send', 'member.enter', ...target())
      expect([code, stderr]).to.deep.equal([0, ''])
      expect(stdout).to.match(/^✔ Room\.CallbackAfterMemberEnter \(member\.enter\) → 200 /)
    })

    it('dev names the package to install and exits 1', async () => {
      const installedBin = installWithoutPeers()
      const { code, stdout, stderr } = await runInstalled(installedBin, 'dev', '--port', '0')
      expect([code, stdout, stderr]).to.deep.equal([
        1,
        '',
        'roomhooks dev shows what arrives in @roomhooks/inspector, which is not installed: npm install @roomhooks/inspector\n',
      ])
    })

    for (const command of ['failed', 'replay']) {
      it(`${command} names the package to install and exits 1`, async () => {
        const installedBin = installWithoutPeers()
        const { code, stdout, stderr } = await runInstalled(installedBin, command, '--redis', 'redis://127.0.0.1:1')
        expect([code, stdout, stderr]).to.deep.equal([
          1,
          '',
          `roomhooks ${command} reads a @roomhooks/bullmq queue, and needs that package with BullMQ and ioredis, which are not installed (@roomhooks/bullmq is missing): npm install @roomhooks/bullmq\n`,
        ])
      })
    }
  })

  // Their runs against a real Redis are in packages/bullmq/test/cli.test.ts (npm run test:redis).
  describe('failed and replay, without a Redis', () => {
    for (const command of ['failed', 'replay']) {
      it(`${command} explains a missing or malformed option before connecting`, async () => {
        const missing = await roomhooks(command)
        expect([missing.code, missing.stdout]).to.deep.equal([2, ''])
        expect(missing.stderr).to.match(new RegExp(`^${command} needs --redis or ROOMHOOKS_REDIS_URL\\.\n\nUsage: `))
        // Each would be a refused connection, exit code 1, if it were not caught first: nothing listens on port 1.
        const redis = ['--redis', 'redis://127.0.0.1:1']
        const cases: [string[], string][] = [
          [['--redis', 'localhost:6379'], '--redis must be a redis:// or rediss:// URL, got "localhost:6379"\n'],
          [
            ['--redis', 'http://localhost:6379'],
            '--redis must be a redis:// or rediss:// URL, got "http://localhost:6379"\n',
          ],
          [[...redis, '--limit', 'ten'], '--limit must be a whole number above 0, got "ten"\n'],
          [[...redis, '--limit', '0'], '--limit must be a whole number above 0, got "0"\n'],
          [[...redis, '--limit', '2.5'], '--limit must be a whole number above 0, got "2.5"\n'],
          [[...redis, '--queue', 'a:b'], `--queue must be a queue name without ':', got "a:b"\n`],
        ]
        for (const [args, message] of cases) {
          const { code, stdout, stderr } = await roomhooks(command, ...args)
          expect([code, stdout, stderr], args.join(' ')).to.deep.equal([2, '', message])
        }
        const unknownFlag = await roomhooks(command, ...redis, '--colour')
        expect(unknownFlag.code).to.equal(2)
        expect(unknownFlag.stderr).to.contain("Unknown option '--colour'")
      })

      it(`${command} gives one line and exit code 1, at once, when nothing listens at the Redis URL`, async () => {
        const port = await freePort()
        const started = Date.now()
        const { code, stdout, stderr } = await roomhooks(command, '--redis', `redis://127.0.0.1:${port}`)
        expect(Date.now() - started).to.be.below(3000)
        expect([code, stdout, stderr]).to.deep.equal([
          1,
          '',
          `Could not reach Redis at redis://127.0.0.1:${port}: ECONNREFUSED\n`,
        ])
      })
    }

    it('takes the URL from ROOMHOOKS_REDIS_URL when there is no --redis, and never prints its password', async () => {
      const [fromEnvironment, fromFlag] = [await freePort(), await freePort()]
      const environment = { ROOMHOOKS_REDIS_URL: `redis://default:s3cret@127.0.0.1:${fromEnvironment}/2` }
      const unreachable = await roomhooksWith(environment, 'failed')
      expect([unreachable.code, unreachable.stderr]).to.deep.equal([
        1,
        `Could not reach Redis at redis://127.0.0.1:${fromEnvironment}/2: ECONNREFUSED\n`,
      ])
      const flagWins = await roomhooksWith(environment, 'replay', '--redis', `redis://127.0.0.1:${fromFlag}`)
      expect(flagWins.stderr).to.equal(`Could not reach Redis at redis://127.0.0.1:${fromFlag}: ECONNREFUSED\n`)
    })

    it('gives up within a few seconds on a server that takes the connection and never answers', async () => {
      const sockets = new Set<Socket>()
      const silent = createTcpServer((socket) => void sockets.add(socket))
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      const { port } = silent.address() as { port: number }
      try {
        const started = Date.now()
        const { code, stdout, stderr } = await roomhooks('failed', '--redis', `redis://127.0.0.1:${port}`)
        expect(Date.now() - started).to.be.below(6000)
        expect([code, stdout, stderr]).to.deep.equal([
          1,
          '',
          `Could not reach Redis at redis://127.0.0.1:${port}: no answer within 3000 ms\n`,
        ])
      } finally {
        for (const socket of sockets) socket.destroy()
        await new Promise((resolve) => silent.close(resolve))
      }
    })
  })
})
