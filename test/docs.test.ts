import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { renderDocs } from '../scripts/generate-docs.js'

describe('generated docs', () => {
  for (const [path, expected] of Object.entries(renderDocs())) {
    it(`${path} matches the catalog (run \`npm run docs\` after changing it)`, () => {
      expect(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')).to.equal(expected)
    })
  }
})
