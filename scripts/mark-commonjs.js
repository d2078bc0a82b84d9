// Each package ships an ES module build (dist/esm) and a CommonJS build (dist/cjs). The packages declare
// "type": "module", so dist/cjs needs its own package.json for Node and TypeScript to read it as CommonJS.
import { readdirSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

for (const name of readdirSync('packages')) {
  const cjs = join('packages', name, 'dist', 'cjs')
  if (existsSync(cjs)) writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }\n')
}
