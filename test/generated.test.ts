import { readdirSync, readFileSync } from 'node:fs'
import { expect } from 'chai'
import { renderGenerated, SCHEMAS_DIR } from '../scripts/generate.js'

const root = new URL('../', import.meta.url)

describe('generated files', () => {
  const generated = renderGenerated()

  for (const [path, expected] of Object.entries(generated)) {
    it(`${path} matches the catalog (run \`npm run generate\` after changing it)`, () => {
      expect(readFileSync(new URL(path, root), 'utf8')).to.equal(expected)
    })
  }

  it(`${SCHEMAS_DIR} holds no schema of a command that left the catalog`, () => {
    const files = readdirSync(new URL(SCHEMAS_DIR, root)).map((file) => `${SCHEMAS_DIR}${file}`)
    expect(files.sort()).to.deep.equal(
      Object.keys(generated)
        .filter((path) => path.startsWith(SCHEMAS_DIR))
        .sort(),
    )
  })
})
