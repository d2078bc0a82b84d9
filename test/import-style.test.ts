// The tests' one import style (docs/testing.md, "The repository's own tests"): the packages by name, as their
// users import them, so that every test runs against the build and against one copy of it.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'

const root = fileURLToPath(new URL('..', import.meta.url))
const SOURCE = /\.[cm]?ts$/
// `from '…'`, `import '…'`, `import('…')`, `require('…')` and `import x = require('…')`
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path)
    return SOURCE.test(entry.name) ? [path] : []
  })
}

const workspaces = (folder: string) => readdirSync(join(root, folder)).map((name) => join(root, folder, name, 'test'))
const testDirs = [join(root, 'test'), ...workspaces('packages'), ...workspaces('examples')].filter((dir) => {
  try {
    return readdirSync(dir).length > 0
  } catch {
    return false
  }
})

describe('the tests import the packages by name', () => {
  const files = testDirs.flatMap(filesUnder)

  it('finds the test files', () => {
    expect(files.map((file) => relative(root, file))).to.include.members([
      join('packages', 'core', 'test', 'parse-body.test.ts'),
      join('test', 'support', 'callbacks.ts'),
      join('test', 'import-style.test.ts'),
    ])
  })

  it('reaches into no package by path', () => {
    const reaching = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(SPECIFIER)]
        .map((match) => match[2] as string)
        .filter((specifier) => {
          // a package's own files (src or dist) by a relative path, or past its exports map by name
          if (specifier.startsWith('.')) {
            const [folder, , inside] = relative(root, resolve(dirname(file), specifier)).split(sep)
            return folder === 'packages' && (inside === 'src' || inside === 'dist')
          }
          return /^@roomhooks\/[^/]+\/(src|dist)(\/|$)/.test(specifier)
        })
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    )
    expect(
      reaching,
      'import @roomhooks/… by name; test a module that is not exported through the public API',
    ).to.deep.equal([])
  })
})
