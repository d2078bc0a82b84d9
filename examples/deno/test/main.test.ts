// The example run by Deno as `npm start` runs it (allowed the network and the environment only), sent signed
// callbacks over HTTP.
import { fileURLToPath } from 'node:url'
import { BATTLE_ENDED, describeEdgeExample, EXAMPLE_SERVER_ENV } from '../../../test/support/edge-example.js'
import { startDeno } from '../../../test/support/runtimes.js'

describe('the Deno example', function () {
  this.timeout(30_000)
  describeEdgeExample(
    () =>
      startDeno('src/main.ts', {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: EXAMPLE_SERVER_ENV,
      }),
    BATTLE_ENDED,
  )
})
