import { createHash, randomInt } from 'node:crypto'
import { expect } from 'chai'
import { signCallback } from '@roomhooks/core'

/** A random text of at least `length` UTF-16 units drawn from ASCII, Latin, CJK and emoji (surrogate pairs). */
function randomText(length: number): string {
  const pieces = ['a', 'Z', '0', ' ', '"', 'é', 'ß', '房', '间', '😀', '\u2028', '\u0000']
  let text = ''
  while (text.length < length) text += pieces[randomInt(pieces.length)]
  return text
}

const nodeSign = (token: string, requestTime: string) =>
  createHash('sha256').update(`${token}${requestTime}`).digest('hex')

describe('signCallback()', () => {
  it("reproduces Tencent's published example", () => {
    expect(signCallback('xxxxyyyy', 1669872112)).to.equal(
      '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
    )
  })

  it('signs the RequestTime text as given', () => {
    expect(signCallback('xxxxyyyy', '1669872112')).to.equal(signCallback('xxxxyyyy', 1669872112))
    expect(signCallback('xxxxyyyy', '1669872113')).not.to.equal(signCallback('xxxxyyyy', 1669872112))
  })

  // The hash is roomhooks' own SHA-256 (web APIs have no synchronous one): held to Node's on many inputs.
  it("agrees with node:crypto's SHA-256 for tokens of every length around the block and padding boundaries", () => {
    for (let length = 0; length <= 300; length++) {
      const token = 'k'.repeat(length)
      expect(signCallback(token, '1669872112'), `${length} characters`).to.equal(nodeSign(token, '1669872112'))
    }
  })

  it("agrees with node:crypto's SHA-256 for random non-ASCII tokens, multi-block ones included", () => {
    for (let i = 0; i < 500; i++) {
      const token = randomText(randomInt(0, 5_000))
      const requestTime = String(randomInt(1_600_000_000, 1_900_000_000))
      expect(signCallback(token, requestTime)).to.equal(nodeSign(token, requestTime))
    }
  })

  it("agrees with node:crypto's SHA-256 on the FIPS 180-4 examples and on megabytes", () => {
    expect(signCallback('ab', 'c')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(signCallback('', '')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    const long = randomText(3 * 1024 * 1024 + 7)
    expect(signCallback(long, '1')).to.equal(nodeSign(long, '1'))
  })
})
