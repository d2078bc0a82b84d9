import { createHash, randomBytes, randomInt } from 'node:crypto'
import { expect } from 'chai'
import { sha256, toBase64Url, toHex } from '../src/sha256.js'

const nodeSha256 = (input: string | Uint8Array, encoding: 'hex' | 'base64url') =>
  createHash('sha256').update(input).digest(encoding)

/** A random text of `length` UTF-16 units drawn from ASCII, Latin, CJK and emoji (surrogate pairs). */
function randomText(length: number): string {
  const pieces = ['a', 'Z', '0', ' ', '"', 'é', 'ß', '房', '间', '😀', '\u2028', '\u0000']
  let text = ''
  while (text.length < length) text += pieces[randomInt(pieces.length)]
  return text
}

describe('sha256()', () => {
  it('agrees with node:crypto on bytes of every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = randomBytes(length)
      expect(toHex(sha256(bytes)), `${length} bytes`).to.equal(nodeSha256(bytes, 'hex'))
    }
  })

  it('agrees with node:crypto on many random byte strings, multi-block ones included', () => {
    for (let i = 0; i < 500; i++) {
      const bytes = randomBytes(randomInt(1, 20_000))
      expect(toBase64Url(sha256(bytes)), `${bytes.length} bytes`).to.equal(nodeSha256(bytes, 'base64url'))
    }
  })

  it('hashes a text as its UTF-8 bytes, non-ASCII and surrogate pairs included', () => {
    for (let i = 0; i < 500; i++) {
      const text = randomText(randomInt(0, 3_000))
      expect(toHex(sha256(text))).to.equal(nodeSha256(text, 'hex'))
    }
  })

  it('hashes a view into a larger buffer as the view alone', () => {
    const buffer = randomBytes(1_000)
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + 13, 517)
    expect(toHex(sha256(view))).to.equal(nodeSha256(view, 'hex'))
  })

  it('hashes a body of several megabytes', () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7)
    expect(toHex(sha256(bytes))).to.equal(nodeSha256(bytes, 'hex'))
  })

  it('gives the published digests of the FIPS 180-4 examples', () => {
    expect(toHex(sha256('abc'))).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(toHex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).to.equal(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
    expect(toHex(sha256(''))).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })
})

describe('toBase64Url()', () => {
  it('writes unpadded base64url for every length remainder', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = randomBytes(length)
      expect(toBase64Url(bytes)).to.equal(bytes.toString('base64url'))
    }
  })
})
