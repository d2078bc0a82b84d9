// The example run by Bun as `bun run src/server.ts` would, sent signed callbacks over HTTP.
import { fileURLToPath } from 'node:url'
import { BATTLE_ENDED, describeEdgeExample, EXAMPLE_SERVER_ENV } from '../../../test/support/edge-example.js'
import { startBun } from '../../../test/support/runtimes.js'

describe('the Bun example', function () {
  this.timeout(30_000)
  describeEdgeExample(
    () =>
      startBun('src/server.ts', {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: EXAMPLE_SERVER_ENV,
      }),
    BATTLE_ENDED,
  )
})
