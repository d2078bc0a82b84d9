// Runs `roomhooks dev` as a real process (its bin) on a free port, sends it the demo's callbacks (every command of
// the catalog, signed, as `npm run demo` sends them) and reads the answers, what it printed and the inspector's API.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { commandDefinitions } from '@roomhooks/core'
import { sendCallback } from '@roomhooks/cli'

const bin = fileURLToPath(new URL('../bin/roomhooks.js', import.meta.url))
const sdkAppId = 1400000000
const token = 'dev-test-token'

/** A `roomhooks dev` process, once it has printed its URLs. */
interface DevProcess {
  readonly child: ChildProcess
  readonly callbackUrl: string
  readonly inspectorUrl: string
  /** Everything printed on stdout so far. */
  stdout(): string
  /** Sends `signal` and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>
}

const running: ChildProcess[] = []

/** Runs `roomhooks dev` expecting it to exit by itself; one that listens instead is ended after 10 s. */
function runDev(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'dev', ...args], { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** Starts `roomhooks dev` with `args` and waits for its banner; a ROOMHOOKS_TOKEN of the shell never leaks in. */
async function startDev(...args: string[]): Promise<DevProcess> {
  const env = { ...process.env }
  delete env['ROOMHOOKS_TOKEN']
  const child = spawn(process.execPath, [bin, 'dev', '--port', '0', ...args], { env })
  running.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = once(child, 'exit') as Promise<[number | null]>
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (stdout.includes('Ctrl+C to stop.')) resolve()
    }
    child.stdout.on('data', check)
    void exited.then(([code]) => reject(new Error(`roomhooks dev exited with ${code}: ${stderr}${stdout}`)))
  })
  await ready
  const url = (label: string) => new RegExp(`^  ${label} +(?:POST )?(\\S+)$`, 'm').exec(stdout)?.[1] ?? ''
  return {
    child,
    callbackUrl: url('callbacks'),
    inspectorUrl: url('inspector'),
    stdout: () => stdout,
    stop: async (signal = 'SIGINT') => {
      child.kill(signal)
      const [code] = await exited
      return { code, stdout, stderr }
    },
  }
}

/** The inspector's list of callbacks, read through its API. */
async function listed(dev: DevProcess): Promise<{ command: string; outcome: string; decision: unknown }[]> {
  const page = new URL(dev.inspectorUrl)
  const response = await fetch(`${page.origin}${page.pathname}/api/callbacks${page.search}`)
  expect(response.status).to.equal(200)
  return ((await response.json()) as { callbacks: { command: string; outcome: string; decision: unknown }[] }).callbacks
}

describe('roomhooks dev', function () {
  this.timeout(30_000)
  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
  })

  it("answers the demo's callbacks OK, allows the before-callbacks, prints a line each and lists them in the inspector", async () => {
    const dev = await startDev('--token', token, '--sdk-app-id', String(sdkAppId))
    expect(dev.callbackUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/tencent\/callback$/)
    expect(dev.inspectorUrl).to.equal(`${new URL(dev.callbackUrl).origin}/roomhooks?token=${token}`)
    for (const { command, kind } of commandDefinitions) {
      const result = await sendCallback(command, { url: dev.callbackUrl, sdkAppId, token })
      expect([result.status, result.envelope?.ActionStatus, result.envelope?.ErrorCode], command).to.deep.equal([
        200,
        'OK',
        0,
      ])
      expect(result.decision, command).to.equal(kind === 'before' ? 'allowed' : undefined)
    }
    const callbacks = await listed(dev)
    expect(callbacks.map((callback) => callback.command).reverse()).to.deep.equal(
      commandDefinitions.map((definition) => definition.command),
    )
    expect(new Set(callbacks.map((callback) => callback.outcome))).to.deep.equal(new Set(['ok']))
    const { code, stdout, stderr } = await dev.stop('SIGINT')
    expect([code, stderr]).to.deep.equal([0, ''])
    const lines = stdout.split('\n').filter((line) => /^\d\d:\d\d:\d\d {2}/.test(line))
    expect(lines).to.have.length(commandDefinitions.length)
    expect(lines.find((line) => line.includes('Live.CallbackBeforeSendGift'))).to.match(
      /^\d\d:\d\d:\d\d {2}ok +200 {2}Live\.CallbackBeforeSendGift \(gift\.beforeSend\) {2}allowed {2}[\d.]+ ms$/,
    )
    expect(stdout).to.match(/Stopped \(SIGINT\)\.\n$/)
  })

  it('takes the callbacks of any app without --sdk-app-id, and of that app only with it', async () => {
    const any = await startDev()
    expect(any.stdout()).to.contain('any SdkAppid, Sign not checked (no --token)')
    for (const app of [1400000000, 1600000001]) {
      const result = await sendCallback('member.enter', { url: any.callbackUrl, sdkAppId: app })
      expect(result.status, String(app)).to.equal(200)
    }
    expect(await listed(any)).to.have.length(2)
    expect((await any.stop('SIGTERM')).code).to.equal(0)

    const one = await startDev('--sdk-app-id', '1400000000')
    const other = await sendCallback('member.enter', { url: one.callbackUrl, sdkAppId: 1600000001 })
    expect([other.status, other.envelope?.ErrorCode]).to.deep.equal([403, 40302])
    const { stdout } = await one.stop()
    expect(stdout).to.match(
      /^\d\d:\d\d:\d\d {2}refused +403 {2}Room\.CallbackAfterMemberEnter {2}UNKNOWN_SDKAPPID {2}[\d.]+ ms$/m,
    )
  })

  it('checks Signs with --token, and the inspector needs the token too', async () => {
    const dev = await startDev('--token', token)
    const unsigned = await sendCallback('room.created', { url: dev.callbackUrl, sdkAppId })
    expect(unsigned.status).to.equal(401)
    const origin = new URL(dev.callbackUrl).origin
    expect((await fetch(`${origin}/roomhooks/api/callbacks`)).status).to.equal(401)
    expect((await fetch(`${origin}/roomhooks`)).status).to.equal(401)
    expect((await fetch(dev.inspectorUrl)).status).to.equal(200)
    expect((await listed(dev)).map((callback) => callback.outcome)).to.deep.equal(['refused'])
    expect((await dev.stop()).code).to.equal(0)
  })

  it('stops on SIGTERM while the page is open, closing its live connection', async () => {
    const dev = await startDev()
    const page = new URL(dev.inspectorUrl)
    const events = await fetch(`${page.origin}/roomhooks/api/events`)
    expect(events.headers.get('content-type')).to.match(/^text\/event-stream/)
    const reading = events.body!.getReader()
    const { code, stdout } = await dev.stop('SIGTERM')
    expect([code, stdout.trim().split('\n').at(-1)]).to.deep.equal([0, 'Stopped (SIGTERM).'])
    // The stream was ended, not left hanging.
    while (!(await reading.read()).done);
  })

  it('says the port is taken and exits 1', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as { port: number }
    try {
      const { code, stderr } = await runDev('--port', String(port))
      expect([code, stderr]).to.deep.equal([1, `Port ${port} is in use: choose another with --port\n`])
    } finally {
      taken.close()
    }
  })

  it('prints its help with --help, and roomhooks --help lists it', async () => {
    const help = await runDev('--help')
    expect([help.code, help.stderr]).to.deep.equal([0, ''])
    expect(help.stdout).to.match(/^Usage: roomhooks dev \[--port <port>\] \[options\]\n/)
    expect(help.stdout).to.contain('--sdk-app-id <id>')
    const main = await new Promise<string>((resolve) =>
      execFile(process.execPath, [bin, '--help'], (_error, stdout) => resolve(stdout)),
    )
    expect(main).to.match(/^ {2}dev {20}run a receiver that accepts every callback/m)
  })

  it('refuses bad options with exit code 2 before listening', async () => {
    const cases: [string[], string][] = [
      [['--port', 'eighty'], '--port must be a port number from 0 to 65535, got "eighty"'],
      [['--port', '70000'], '--port must be a port number from 0 to 65535, got "70000"'],
      [['--host', ''], '--host must be an address to listen on, such as 127.0.0.1 or 0.0.0.0, got ""'],
      [['--path', 'callback'], '--path must start with / and have no query, got "callback"'],
      [['--path', '/roomhooks/cb'], '--path must not be under /roomhooks, where the inspector is served'],
      [['--sdk-app-id', 'my-app'], `--sdk-app-id must be your app's SDKAppID (digits), got "my-app"`],
      [
        ['--token', ' padded '],
        '[@roomhooks/core] token has white space at its start or end; remove it (e.g. token.trim())',
      ],
    ]
    for (const [args, message] of cases) {
      const { code, stderr } = await runDev('--port', '0', ...args)
      expect([code, stderr.split('\n')[0]], args.join(' ')).to.deep.equal([2, message])
    }
  })
})
