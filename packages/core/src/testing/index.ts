/**
 * Build the callbacks the platform sends, and run them through a receiver in tests.
 *
 * @module @roomhooks/core/testing
 */
export { createTestCallback } from './create-test-callback.js'
export type { DeepPartial, TestCallback, TestCallbackOptions } from './create-test-callback.js'
export { fixtures, fixtureText } from './fixtures.js'
export { simulate } from './simulate.js'
export type { SimulateOptions, SimulateResult } from './simulate.js'
export { signCallback } from '../intake/sign.js'
export { parseJsonExactly } from '../intake/lossless-json.js'
