import { expect } from 'chai'
import { signCallback } from '@roomhooks/core'

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
})
