import { expect } from 'chai'
import { limitText } from '../src/text-limit.js'

describe('limitText()', () => {
  it('keeps a text within the limit whole', () => {
    expect(limitText('{"a":1}', 256)).to.deep.equal({ text: '{"a":1}', truncated: false })
    const exact = 'é'.repeat(128) // 256 bytes
    expect(limitText(exact, 256)).to.deep.equal({ text: exact, truncated: false })
  })

  it('cuts a longer text at the byte limit, never inside a character', () => {
    for (const char of ['a', 'é', '名', '😀']) {
      const { text, truncated } = limitText(char.repeat(1000), 257)
      expect(truncated, char).to.equal(true)
      expect(Buffer.byteLength(text), char)
        .to.be.at.most(257)
        .and.above(257 - 4)
      expect(text, char).to.equal(char.repeat(text.length / char.length))
    }
  })
})
