// The Worker bundled as wrangler bundles it and run by workerd (through Miniflare) with wrangler.toml's
// compatibility date and vars, and no compatibility flags; sent signed callbacks over HTTP.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { describeEdgeExample, EXAMPLE_SETTINGS } from '../../../test/support/edge-example.js'
import { startWorker } from '../../../test/support/runtimes.js'

const wrangler = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8')

describe('the Cloudflare Worker example', function () {
  this.timeout(30_000)

  it('declares no compatibility flags in wrangler.toml', () => {
    expect(wrangler).not.to.match(/compatibility_flags\s*=/)
    expect(wrangler).to.match(new RegExp(`^SDKAPPID = "${EXAMPLE_SETTINGS.sdkAppId}"$`, 'm'))
  })

  describeEdgeExample(
    () =>
      startWorker(fileURLToPath(new URL('../src/index.ts', import.meta.url)), {
        compatibilityDate: /^compatibility_date = "(.+)"$/m.exec(wrangler)![1]!,
        vars: { SDKAPPID: /^SDKAPPID = "(.+)"$/m.exec(wrangler)![1]!, CALLBACK_TOKEN: EXAMPLE_SETTINGS.token },
      }),
    { name: 'room.created', printed: 'room tandy-test-rest created', title: 'answers a signed callback' },
  )
})
