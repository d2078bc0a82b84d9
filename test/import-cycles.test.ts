import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
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

// Core's modules sit in one folder per stage a callback passes through. A stage imports only the stages listed after
// it, and the root; the root's shared modules (catalog, types, errors, envelope, schemas, small utilities) import no
// stage: only the entry points and the receiver that wires the stages together (webhooks.ts, its options and the
// state the stages share) do.
const CORE_STAGES = ['http', 'delivery', 'dispatch', 'intake', 'observe']
const CORE_WIRING = [
  'index.ts',
  'adapter.ts',
  'delivery.ts',
  'webhooks.ts',
  'options.ts',
  'receiver-state.ts',
  'testing',
]

/** Every relative import in core that runs against the stage order, as `from -> to`. */
function importsAgainstStages(dir: string, sources: ReadonlyMap<string, string>): string[] {
  const wrong: string[] = []
  for (const [file, text] of sources) {
    for (const match of text.matchAll(RELATIVE_IMPORT)) {
      const from = relative(dir, file)
      const to = relative(dir, resolve(dirname(file), `${match[1]}.ts`))
      const [source, target] = [from.split(sep)[0]!, to.split(sep)[0]!]
      const stageOfTarget = CORE_STAGES.indexOf(target)
      if (stageOfTarget === -1 || source === target || CORE_WIRING.includes(source)) continue
      if (CORE_STAGES.indexOf(source) === -1 || stageOfTarget < CORE_STAGES.indexOf(source))
        wrong.push(`${from} -> ${to}`)
    }
  }
  return wrong
}

describe('imports', () => {
  for (const name of readdirSync(join(root, 'packages'))) {
    it(`@roomhooks/${name} has no import cycle`, () => {
      expect(findCycle(sourcesOf(join(root, 'packages', name, 'src')))).to.deep.equal([])
    })
  }

  it("@roomhooks/core's stage folders import only the stages after them, and its shared modules no stage", () => {
    const dir = join(root, 'packages', 'core', 'src')
    const sources = sourcesOf(dir)
    for (const stage of CORE_STAGES) {
      expect(
        [...sources.keys()].some((file) => relative(dir, file).startsWith(stage + sep)),
        stage,
      ).to.equal(true)
    }
    expect(importsAgainstStages(dir, sources)).to.deep.equal([])
  })

  it('finds an import from a stage to one before it, and from a shared module to a stage', () => {
    const dir = join(root, 'packages', 'core', 'src')
    const sources = new Map([
      [join(dir, 'intake', 'a.ts'), "import { b } from '../dispatch/b.js'\nimport { c } from './c.js'\n"],
      [join(dir, 'dispatch', 'b.ts'), "import type { a } from '../intake/a.js'\nimport { e } from '../errors.js'\n"],
      [join(dir, 'errors.ts'), "import type { d } from './observe/d.js'\n"],
      [join(dir, 'webhooks.ts'), "import { h } from './http/h.js'\n"],
    ])
    expect(importsAgainstStages(dir, sources)).to.deep.equal([
      join('intake', 'a.ts') + ' -> ' + join('dispatch', 'b.ts'),
      'errors.ts -> ' + join('observe', 'd.ts'),
    ])
  })

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
