import { createHash, randomInt } from 'node:crypto'
import { expect } from 'chai'
import { signCallback } from '@roomhooks/core'
import { runWithoutNodeCrypto } from '../../../test/support/without-node-crypto.js'

/** A random text of at least `length` UTF-16 units drawn from ASCII, Latin, CJK and emoji (surrogate pairs). */
function randomText(length: number): string {
  const pieces = ['a', 'Z', '0', ' ', '"', 'é', 'ß', '房', '间', '😀', '\u2028', '\u0000']
  let text = ''
  while (text.length < length) text += pieces[randomInt(pieces.length)]
  return text
}

const nodeSign = (token: string, requestTime: string) =>
  createHash('sha256').update(`${token}${requestTime}`).digest('hex')

type SignInput = readonly [token: string, requestTime: string]

/** signCallback() of each input where Node's crypto module cannot be had, as on Workers. */
function signWithoutNodeCrypto(inputs: readonly SignInput[]): string[] {
  const script = `
    const { signCallback } = await import('@roomhooks/core')
    return input.map(([token, time]) => signCallback(token, time))
  `
  return runWithoutNodeCrypto(script, inputs)
}

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

  // Where Node's crypto module can be had (Node.js, Bun, Deno) the hash is Node's; elsewhere (Cloudflare Workers)
  // roomhooks' own SHA-256. Both are held to node:crypto's on the same inputs, the second in a process without it.
  for (const [where, sign] of [
    ["with Node's crypto module", (inputs: SignInput[]) => inputs.map(([token, time]) => signCallback(token, time))],
    ["without it, as on Cloudflare Workers (roomhooks' own SHA-256)", signWithoutNodeCrypto],
  ] as const) {
    describe(where, () => {
      it("agrees with node:crypto's SHA-256 for tokens of every length around the block and padding boundaries", () => {
        const inputs = Array.from({ length: 301 }, (_, length): SignInput => ['k'.repeat(length), '1669872112'])
        expect(sign(inputs)).to.deep.equal(inputs.map(([token, time]) => nodeSign(token, time)))
      })

      it("agrees with node:crypto's SHA-256 for random non-ASCII tokens, multi-block ones included", () => {
        const inputs = Array.from({ length: 500 }, (): SignInput => [
          randomText(randomInt(0, 5_000)),
          String(randomInt(1_600_000_000, 1_900_000_000)),
        ])
        expect(sign(inputs)).to.deep.equal(inputs.map(([token, time]) => nodeSign(token, time)))
      })

      it("agrees with node:crypto's SHA-256 on the FIPS 180-4 examples and on megabytes", () => {
        const long = randomText(3 * 1024 * 1024 + 7)
        expect(
          sign([
            ['ab', 'c'],
            ['', ''],
            [long, '1'],
          ]),
        ).to.deep.equal([
          'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          nodeSign(long, '1'),
        ])
      })
    })
  }
})
