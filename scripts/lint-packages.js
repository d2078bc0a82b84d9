// Packs every published workspace package (packages/*, not private) the way `npm publish` would, then lints each
// tarball with publint (package.json against the files it ships) and with Are the Types Wrong (what TypeScript
// resolves under node10, node16 from CommonJS and from ESM, and bundler). Any message from either fails the run,
// publint's suggestions included. Run after `npm run build` (`npm run lint:packages` does both).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

// attw's profile per package; the default is "strict", every resolution mode. @roomhooks/cli is ESM-only by design
// (a bin plus `sendCallback` for scripts, no `require` condition and no CommonJS build), so node10 and node16-from-
// CommonJS cannot load it, and "esm-only" leaves out exactly those two modes and nothing else.
const attwOptions = { '@roomhooks/cli': ['--profile', 'esm-only'] }

const bin = (name) => resolve('node_modules', '.bin', name)
const color = process.stdout.isTTY ? [] : ['--no-color']

const packages = readdirSync('packages', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => JSON.parse(readFileSync(join('packages', entry.name, 'package.json'), 'utf8')))
  .filter((pkg) => !pkg.private)

const dir = mkdtempSync(join(tmpdir(), 'roomhooks-pack-'))
const failed = []
try {
  const pack = spawnSync(
    'npm',
    ['pack', '--json', '--pack-destination', dir, ...packages.flatMap((p) => ['-w', p.name])],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  if (pack.status !== 0) throw new Error(`npm pack exited ${pack.status}`)
  const packed = JSON.parse(pack.stdout)

  for (const { name, filename, files, size, unpackedSize } of packed) {
    const tarball = join(dir, filename)
    console.log(`\n━━ ${name}: ${filename}, ${files.length} files, ${size} B packed, ${unpackedSize} B unpacked`)

    const publint = spawnSync(bin('publint'), ['run', tarball, '--level', 'suggestion', '--strict'], {
      encoding: 'utf8',
    })
    process.stdout.write(publint.stdout + publint.stderr)
    if (publint.status !== 0 || !publint.stdout.includes('All good!')) failed.push(`publint ${name}`)

    // attw shows a wildcard subpath ("./schemas/*.json") without checking it: check one file it matches too.
    const manifest = JSON.parse(readFileSync(join('packages', name.split('/')[1], 'package.json'), 'utf8'))
    const paths = new Set(files.map((file) => file.path))
    const wildcardSamples = Object.entries(manifest.exports ?? {})
      .filter(([subpath, target]) => subpath.includes('*') && typeof target === 'string')
      .flatMap(([subpath, target]) => {
        const [before, after] = target.replace(/^\.\//, '').split('*')
        const match = [...paths].sort().find((path) => path.startsWith(before) && path.endsWith(after))
        return match ? [subpath.replace('*', match.slice(before.length, match.length - after.length))] : []
      })
    const include = wildcardSamples.length > 0 ? ['--include-entrypoints', ...wildcardSamples] : []

    const attw = spawnSync(bin('attw'), [tarball, ...(attwOptions[name] ?? []), ...include, ...color], {
      encoding: 'utf8',
    })
    process.stdout.write(attw.stdout + attw.stderr)
    if (attw.status !== 0) failed.push(`attw ${name}`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

if (failed.length > 0) {
  console.error(`\nPackage lint failed: ${failed.join(', ')}`)
  process.exit(1)
}
console.log(`\nPackage lint: ${packages.length} packages, no problems from publint or attw`)
