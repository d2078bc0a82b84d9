// `npm run start:traced` as a user runs it: the example server with src/telemetry.ts loaded first, answering an
// accepted and a refused callback, then stopped with SIGTERM. What the console exporters print is what is checked.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createTestCallback } from '@roomhooks/core/testing'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
const SDK_APP_ID = 1400000000
const TOKEN = 'example-token'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('the Express example with OpenTelemetry (npm run start:traced)', function () {
  this.timeout(30_000)

  it('prints a span and metrics per callback, never the token or the Sign, and exits 0 on SIGTERM', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/telemetry.ts', 'src/server.ts'], {
      cwd: exampleDir,
      env: { ...process.env, SDKAPPID: String(SDK_APP_ID), CALLBACK_TOKEN: TOKEN, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = once(child, 'exit')
    const signs: string[] = []
    try {
      const deadline = Date.now() + 20_000
      while (!output.includes('Receiving callbacks') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const endpoint = `http://127.0.0.1:${port}/tencent/callback`
      for (const token of [TOKEN, 'a rotated token']) {
        const callback = createTestCallback('room.created', { sdkAppId: SDK_APP_ID, token })
        signs.push(new URLSearchParams(callback.query).get('Sign') as string)
        const response = await fetch(callback.url(endpoint), {
          method: 'POST',
          headers: callback.headers,
          body: callback.body,
        })
        expect(response.status).to.equal(token === TOKEN ? 200 : 401)
      }
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = await exited
    expect(code, output).to.equal(0)

    expect(output).to.include("name: 'roomhooks Room.CallbackAfterCreateRoom'")
    expect(output).to.include("'roomhooks.outcome': 'ok'")
    expect(output).to.include("name: 'roomhooks',")
    expect(output).to.include("'roomhooks.error.reason': 'SIGN_MISMATCH'")
    expect(output).to.include("name: 'roomhooks.callbacks'")
    expect(output).to.include("name: 'roomhooks.callback.duration'")
    expect(output).to.include('Sign=REDACTED')
    for (const secret of [TOKEN, ...signs]) expect(output).to.not.include(secret)
  })
})
