// The example run by Deno as `npm start` runs it (allowed the network and the environment only), sent signed
// callbacks over HTTP.
import { fileURLToPath } from 'node:url'
import { BATTLE_ENDED, describeEdgeExample, EXAMPLE_SETTINGS } from '../../../test/support/edge-example.js'
import { startDeno } from '../../../test/support/runtimes.js'

describe('the Deno example', function () {
  this.timeout(30_000)
  describeEdgeExample(
    () =>
      startDeno('src/main.ts', {
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
