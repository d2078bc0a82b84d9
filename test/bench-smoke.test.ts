import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { cases } from '../bench/cases.js'

describe('the benchmark (smoke run)', function () {
  this.timeout(120_000)

  // The queue part needs redis-server: its smoke run is in test/redis.
  it('runs every adapter case with a few hundred requests, all answered 2xx', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--part', 'adapters'],
      { cwd: new URL('..', import.meta.url) },
    )
    for (const benchCase of cases) expect(stdout).to.match(new RegExp(`round 1/1 ${benchCase.name} +\\d+ req/s`))
    expect(stdout).to.contain('Every request was answered 2xx.')
  })

  it('times the cold start beside Hono in fresh processes and sizes the worker bundle', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--part', 'cold-start'],
      { cwd: new URL('..', import.meta.url) },
    )
    expect(stdout).to.match(/roomhooks package: import \+ create \+ first answer: \d+\.\d ms/)
    expect(stdout).to.match(/import\('hono'\): \d+\.\d ms/)
    expect(stdout).to.match(/minimal worker bundle: \d+\.\d KB gzipped/)
  })
})
