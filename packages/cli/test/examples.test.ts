// Runs `roomhooks send --all` (its bin) against the example apps that cli.test.ts does not drive, each listening on
// a real socket: every sample callback is answered OK, apart from the before-callbacks each app refuses.
import { execFile } from 'node:child_process'
import type { Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { commandDefinitions } from '@roomhooks/core'
import { simulate } from '@roomhooks/core/testing'
import { createApp as createFastifyApp, createHooks as createFastifyHooks } from '../../../examples/fastify/src/app.js'
import { listen, type RunningServer } from '../../../test/support/http.js'

const bin = fileURLToPath(new URL('../bin/roomhooks.js', import.meta.url))
const sdkAppId = '1400000000'
const token = 'cli-examples-token'

function roomhooks(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env }
  delete env['ROOMHOOKS_TOKEN']
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

interface Example {
  readonly server: (print: (line: string) => void) => Promise<Server>
  readonly hooks: typeof createFastifyHooks
}

const examples: Record<string, Example> = {
  Fastify: {
    server: async (print) => {
      const app = createFastifyApp({ sdkAppId, token, print })
      await app.ready()
      return app.server
    },
    hooks: createFastifyHooks,
  },
}

for (const [name, example] of Object.entries(examples)) {
  describe(`roomhooks send against the ${name} example`, function () {
    this.timeout(20_000)
    let server: RunningServer
    const printed: string[] = []
    before(async () => {
      server = await listen(await example.server((line) => void printed.push(line)))
    })
    after(() => server.close())

    it('sends every command with --all, each answered OK or refused by the app', async () => {
      // Which before-callbacks the app refuses, found by simulating each against the app's own hooks.
      const appHooks = example.hooks({ sdkAppId, token, print: () => {} })
      const befores = commandDefinitions.filter((definition) => definition.kind === 'before')
      const answers = await Promise.all(befores.map(async ({ command }) => (await simulate(appHooks, command)).body))
      const refused = answers.filter((body) => body.ErrorCode !== 0).length

      const url = `${server.url}/tencent/callback`
      const { code, stdout } = await roomhooks(
        'send',
        '--all',
        '--url',
        url,
        '--sdk-app-id',
        sdkAppId,
        '--token',
        token,
      )
      expect(code).to.equal(0)
      const lines = stdout.trim().split('\n')
      const total = commandDefinitions.length
      expect(lines).to.have.length(total + 1)
      expect(lines.at(-1)).to.equal(
        refused === 0
          ? `${total} of ${total} answered OK`
          : `${total} of ${total} answered OK (${refused} refused by the app)`,
      )
      expect(printed.filter((line) => line.startsWith('refused or failed'))).to.deep.equal([])
      expect(printed.filter((line) => / \(Live\.CallbackAfterEndBattle\) /.test(line))).to.have.length(1)
    })

    it('is refused with 401 when signed with another token', async () => {
      const url = `${server.url}/tencent/callback`
      const { code, stdout } = await roomhooks(
        'send',
        'room.created',
        '--url',
        url,
        '--sdk-app-id',
        sdkAppId,
        '--token',
        'guessed',
      )
      expect(code).to.equal(1)
      expect(stdout).to.match(/→ 401 \{"ActionStatus":"FAIL","ErrorCode":40106,/)
    })
  })
}
