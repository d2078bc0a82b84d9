#!/usr/bin/env node
// The `roomhooks` command. A file of its own, outside the build, so that npm links the command when it installs the
// workspace, before the first build; it runs the built CLI.
try {
  await import('../dist/esm/bin.js')
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('bin.js')) throw error
  console.error('@roomhooks/cli is not built yet: run `npm run build` in the repository first')
  process.exitCode = 1
}
