// The example run by Bun as `bun run src/server.ts` would, sent signed callbacks over HTTP.
import { fileURLToPath } from 'node:url'
import { BATTLE_ENDED, describeEdgeExample, EXAMPLE_SETTINGS } from '../../../test/support/edge-example.js'
import { startBun } from '../../../test/support/runtimes.js'

describe('the Bun example', function () {
  this.timeout(30_000)
  describeEdgeExample(
    () =>
      startBun('src/server.ts', {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          SDKAPPID: String(EXAMPLE_SETTINGS.sdkAppId),
          CALLBACK_TOKEN: EXAMPLE_SETTINGS.token,
          HOST: '127.0.0.1',
          PORT: '0',
        },
      }),
    BATTLE_ENDED,
  )
})
