import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'

// Every package's modules import each other without a cycle, type-only imports included: a module can then be
// read, tested and moved on its own.

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const RELATIVE_IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+'(\.{1,2}\/[^']+)\.js'/gm

/** Every TypeScript file below `dir`, with its text. */
function sourcesOf(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'))
  return new Map(files.map((name) => [join(dir, name), readFileSync(join(dir, name), 'utf8')]))
}

/** The first cycle in the relative imports of these files (path → text), as the paths that form it; [] when none. */
function findCycle(sources: ReadonlyMap<string, string>): string[] {
  const files = [...sources.keys()]
  const edges = new Map(
    files.map((file) => [
      file,
      [...(sources.get(file) ?? '').matchAll(RELATIVE_IMPORT)].map((match) => resolve(dirname(file), `${match[1]}.ts`)),
    ]),
  )
  const done = new Set<string>()
  const path: string[] = []
  const visit = (file: string): string[] => {
    const start = path.indexOf(file)
    if (start !== -1) return [...path.slice(start), file]
    if (done.has(file)) return []
    path.push(file)
    for (const next of edges.get(file) ?? []) {
      const cycle = visit(next)
      if (cycle.length > 0) return cycle
    }
    path.pop()
    done.add(file)
    return []
  }
  for (const file of files) {
    const cycle = visit(file)
    if (cycle.length > 0) return cycle.map((step) => relative(root, step))
  }
  return []
}

describe('imports', () => {
  for (const name of readdirSync(join(root, 'packages'))) {
    it(`@roomhooks/${name} has no import cycle`, () => {
      expect(findCycle(sourcesOf(join(root, 'packages', name, 'src')))).to.deep.equal([])
    })
  }

  it('finds a cycle between two modules that import each other, type-only imports included', () => {
    const dir = join(root, 'packages', 'core', 'src')
    const sources = new Map([
      [join(dir, 'a.ts'), "import { b } from './b.js'\n"],
      [join(dir, 'b.ts'), "import type { a } from './a.js'\n"],
    ])
    expect(findCycle(sources)).to.deep.equal([
      'packages/core/src/a.ts',
      'packages/core/src/b.ts',
      'packages/core/src/a.ts',
    ])
  })
})
