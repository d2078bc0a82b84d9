import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'

// The presence benchmark needs redis-server, so its smoke run is part of `npm run test:redis`.
describe('the presence benchmark (smoke run)', function () {
  this.timeout(120_000)

  it('applies member facts through the Redis store and times receive() with and without presence', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--part', 'presence'],
      {
        cwd: new URL('../..', import.meta.url),
      },
    )
    expect(stdout).to.match(/round 1\/1 Redis store \d+ facts\/s/)
    for (const name of ['no handler', 'presence, memory store', 'presence, Redis store']) {
      expect(stdout).to.match(new RegExp(`round 1/1 receive\\(\\), ${name} \\d+ callbacks/s`))
    }
    expect(stdout).to.match(
      /receive\(\), presence, Redis store: \d+ callbacks\/s, [\d.]+ µs, \+[\d.-]+ µs per callback/,
    )
  })
})
