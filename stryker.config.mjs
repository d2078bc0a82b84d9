// Mutation testing of core's security-critical modules (docs/testing.md, "Mutation testing"). Core's tests import
// the packages by name, so the built `dist/esm` is what is mutated, in place (a copy of the workspace would still
// resolve `@roomhooks/core` to the original), and bundled again before each test run, since `import` loads the
// bundle made from it. Each module is run against the test files that exercise it, so that
// a mutant costs a few seconds: `MUTATION_MODULE=verify npx stryker run` runs one; scripts/mutation.js runs them
// all, one after the other.

import process from 'node:process'

/** Each module, as `packages/core/dist/esm/<file>.js`, and the test files of `packages/core/test/` that pin it. */
export const modules = {
  verify: { file: 'intake/verify', tests: ['verify', 'webhooks'] },
  'lossless-json': { file: 'intake/lossless-json', tests: ['lossless-json', 'parse-body', 'intake'] },
  coerce: { file: 'intake/coerce', tests: ['intake'] },
  'parse-body': { file: 'intake/parse-body', tests: ['parse-body', 'intake'] },
  query: { file: 'intake/query', tests: ['query', 'node-handler', 'fetch-handler'] },
  'collect-body': { file: 'http/collect-body', tests: ['node-handler', 'fetch-handler', 'webhooks'] },
  sign: { file: 'intake/sign', tests: ['sign', 'verify'] },
}

const name = process.env.MUTATION_MODULE ?? 'verify'
const module = modules[name]
if (module === undefined) {
  throw new Error(`MUTATION_MODULE must be one of ${Object.keys(modules).join(', ')}, not ${JSON.stringify(name)}`)
}
const tests = module.tests.map((test) => `packages/core/test/${test}.test.ts`).join(' ')

export default {
  mutate: [`packages/core/dist/esm/${module.file}.js`],
  // Stryker's default test runner, the command runner, runs mocha for every mutant.
  commandRunner: {
    command: `node scripts/bundle-core.js && node node_modules/mocha/bin/mocha.js --no-config --node-option import=tsx --node-option no-experimental-require-module --timeout 30000 --exit --bail ${tests}`,
  },
  inPlace: true,
  // One mocha at a time, so that a run does not starve the rest of the machine.
  concurrency: 1,
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
}
