import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { queueCases } from '../../bench/cases.js'

// The queue part of the benchmark needs redis-server, so its smoke run is part of `npm run test:redis`.
describe('the queue benchmark (smoke run)', function () {
  this.timeout(120_000)

  it('receives through a queue delivery and drains with one worker, every answer stored and every job run', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--part', 'queue'],
      { cwd: new URL('../..', import.meta.url) },
    )
    for (const benchCase of queueCases) {
      expect(stdout).to.match(new RegExp(`round 1/1 ${benchCase.name} +\\d+ req/s`))
      expect(stdout).to.match(new RegExp(`round 1/1 ${benchCase.baseline} +\\d+ req/s`))
    }
    expect(stdout).to.match(/round 1\/1 worker, concurrency 10 +\d+ jobs\/s/)
    expect(stdout).to.contain('Every request was answered 2xx.')
  })
})
