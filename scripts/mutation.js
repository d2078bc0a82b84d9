// Runs StrykerJS on each of core's security-critical modules in turn (stryker.config.mjs says which files and
// tests), or on the ones named: `npm run test:mutation -- verify coerce`. Reports go to reports/mutation/.
import { spawnSync } from 'node:child_process'
import { modules } from '../stryker.config.mjs'

const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(modules)
for (const name of names) {
  if (!(name in modules)) {
    console.error(`[roomhooks] no module ${JSON.stringify(name)}; pick from ${Object.keys(modules).join(', ')}`)
    process.exit(2)
  }
}
let status = 0
for (const name of names) {
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_MODULE: name },
  })
  status = run.status ?? 1
  if (status !== 0) break
}
// Stryker puts dist/esm back as it found it; the bundle made from a mutated file is made again from it.
const rebundle = spawnSync(process.execPath, ['scripts/bundle-core.js'], { stdio: 'inherit' })
process.exit(status || (rebundle.status ?? 1))
