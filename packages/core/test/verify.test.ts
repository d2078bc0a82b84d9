import { expect } from 'chai'
import { RoomhooksError, signCallback } from '@roomhooks/core'
import { verifyCallback, type CallbackQuery, type VerificationSettings } from '@roomhooks/core/adapter'

const NOW = 1_700_000_000_000
const TIME = String(NOW / 1000)
const open: VerificationSettings = { sdkAppIds: new Set([1400000000]), tokens: [], requestTimeWindow: 60 }
const signed: VerificationSettings = { ...open, tokens: ['token-a'] }

function reasonOf(query: CallbackQuery, settings: VerificationSettings): string | undefined {
  try {
    verifyCallback(query, settings, NOW)
    return undefined
  } catch (error) {
    expect(error).to.be.instanceOf(RoomhooksError)
    return (error as RoomhooksError).reason
  }
}

describe('verifyCallback()', () => {
  describe('SdkAppid', () => {
    it('returns the SDKAppID when it is accepted', () => {
      expect(verifyCallback({ sdkAppId: '1400000000' }, open, NOW)).to.equal(1400000000)
    })

    it('accepts leading zeros', () => {
      expect(verifyCallback({ sdkAppId: '01400000000' }, open, NOW)).to.equal(1400000000)
    })

    it('accepts any of several apps', () => {
      const settings = { ...open, sdkAppIds: new Set([1400000000, 1600000000]) }
      expect(verifyCallback({ sdkAppId: '1600000000' }, settings, NOW)).to.equal(1600000000)
    })

    it('refuses a missing SdkAppid', () => {
      expect(reasonOf({}, open)).to.equal('MISSING_SDKAPPID')
    })

    it('refuses another app', () => {
      expect(reasonOf({ sdkAppId: '1400000001' }, open)).to.equal('UNKNOWN_SDKAPPID')
    })

    it('refuses a value that is not digits', () => {
      expect(reasonOf({ sdkAppId: '1400000000abc' }, open)).to.equal('UNKNOWN_SDKAPPID')
      expect(reasonOf({ sdkAppId: '-1400000000' }, open)).to.equal('UNKNOWN_SDKAPPID')
    })

    it('refuses an SdkAppid written as a decimal fraction, an exponent, hex or with spaces around it', () => {
      for (const sdkAppId of ['1.4e9', '1400000000.0', ' 1400000000', '1400000000 ', '0x5372fd00', '+1400000000']) {
        expect(reasonOf({ sdkAppId }, { ...open, sdkAppIds: new Set([1400000000, 0x5372fd00]) }), sdkAppId).to.equal(
          'UNKNOWN_SDKAPPID',
        )
      }
    })

    it('refuses an SdkAppid of more than 16 digits even when its value is accepted', () => {
      expect(reasonOf({ sdkAppId: '00000001400000000' }, open)).to.equal('UNKNOWN_SDKAPPID')
      expect(reasonOf({ sdkAppId: '0000001400000000' }, open)).to.equal(undefined)
    })

    it('says an empty SdkAppid is missing', () => {
      expect(reasonOf({ sdkAppId: '' }, open)).to.equal('MISSING_SDKAPPID')
    })

    it('checks SdkAppid before Sign', () => {
      expect(reasonOf({ sdkAppId: '1' }, signed)).to.equal('UNKNOWN_SDKAPPID')
    })
  })

  describe('Sign', () => {
    const valid = { sdkAppId: '1400000000', requestTime: TIME, sign: signCallback('token-a', TIME) }

    it('accepts a valid Sign', () => {
      expect(reasonOf(valid, signed)).to.equal(undefined)
    })

    it('accepts upper-case hex', () => {
      expect(reasonOf({ ...valid, sign: valid.sign.toUpperCase() }, signed)).to.equal(undefined)
    })

    it('accepts any token while rotating', () => {
      const rotating = { ...signed, tokens: ['token-old', 'token-a'] }
      expect(reasonOf(valid, rotating)).to.equal(undefined)
    })

    it('is not checked when no token is configured', () => {
      expect(reasonOf({ sdkAppId: '1400000000', sign: 'nonsense' }, open)).to.equal(undefined)
    })

    it('refuses a missing Sign', () => {
      expect(reasonOf({ ...valid, sign: undefined as never }, signed)).to.equal('MISSING_SIGN')
    })

    it('refuses an empty Sign', () => {
      expect(reasonOf({ ...valid, sign: '' }, signed)).to.equal('MISSING_SIGN')
    })

    it('refuses a valid Sign with one more character after it', () => {
      expect(reasonOf({ ...valid, sign: `${valid.sign}0` }, signed)).to.equal('MALFORMED_SIGN')
      expect(reasonOf({ ...valid, sign: `${valid.sign}a`.toUpperCase() }, signed)).to.equal('MALFORMED_SIGN')
    })

    it('says an empty RequestTime is missing', () => {
      expect(reasonOf({ ...valid, requestTime: '' }, signed)).to.equal('MISSING_REQUEST_TIME')
    })

    it('refuses a missing RequestTime', () => {
      const { requestTime: _, ...query } = valid
      expect(reasonOf(query, signed)).to.equal('MISSING_REQUEST_TIME')
    })

    it('refuses a RequestTime that is not a number', () => {
      expect(reasonOf({ ...valid, requestTime: 'soon' }, signed)).to.equal('INVALID_REQUEST_TIME')
    })

    it('refuses a negative RequestTime', () => {
      expect(reasonOf({ ...valid, requestTime: '-1' }, signed)).to.equal('INVALID_REQUEST_TIME')
    })

    it('refuses a RequestTime older than the window', () => {
      const old = String(NOW / 1000 - 61)
      expect(reasonOf({ ...valid, requestTime: old, sign: signCallback('token-a', old) }, signed)).to.equal(
        'STALE_REQUEST_TIME',
      )
    })

    it('refuses a RequestTime further in the future than the window', () => {
      const later = String(NOW / 1000 + 61)
      expect(reasonOf({ ...valid, requestTime: later, sign: signCallback('token-a', later) }, signed)).to.equal(
        'STALE_REQUEST_TIME',
      )
    })

    it('accepts a RequestTime at the edge of the window', () => {
      const edge = String(NOW / 1000 - 60)
      expect(reasonOf({ ...valid, requestTime: edge, sign: signCallback('token-a', edge) }, signed)).to.equal(undefined)
    })

    it('accepts both edges of the window at any moment within the second, and refuses one second past either', () => {
      for (const now of [NOW, NOW + 1, NOW + 500, NOW + 999]) {
        const second = Math.floor(now / 1000)
        const reasons = [second - 60, second + 60, second - 61, second + 61].map((time) => {
          try {
            verifyCallback({ ...valid, requestTime: String(time), sign: signCallback('token-a', time) }, signed, now)
            return undefined
          } catch (error) {
            return (error as RoomhooksError).reason
          }
        })
        expect(reasons).to.deep.equal([undefined, undefined, 'STALE_REQUEST_TIME', 'STALE_REQUEST_TIME'])
      }
    })

    it('says so when RequestTime is in milliseconds', () => {
      const millis = String(NOW)
      try {
        verifyCallback({ ...valid, requestTime: millis, sign: signCallback('token-a', millis) }, signed, NOW)
        expect.fail('accepted milliseconds')
      } catch (error) {
        expect((error as RoomhooksError).info).to.equal(
          'RequestTime looks like milliseconds; the platform sends Unix seconds',
        )
      }
    })

    it('refuses a Sign with characters that only differ from the right one by case folding', () => {
      const folded = valid.sign.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0x20))
      expect(reasonOf({ ...valid, sign: folded }, signed)).to.equal('MALFORMED_SIGN')
    })

    it('refuses a Sign that is not 64 hex characters', () => {
      expect(reasonOf({ ...valid, sign: valid.sign.slice(1) }, signed)).to.equal('MALFORMED_SIGN')
      expect(reasonOf({ ...valid, sign: `${valid.sign.slice(1)}z` }, signed)).to.equal('MALFORMED_SIGN')
    })

    it('refuses a Sign made with another token', () => {
      expect(reasonOf({ ...valid, sign: signCallback('token-b', TIME) }, signed)).to.equal('SIGN_MISMATCH')
    })

    it("verifies Tencent's published example", () => {
      const example = {
        sdkAppId: '1400000000',
        requestTime: '1669872112',
        sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
      }
      expect(() => verifyCallback(example, { ...open, tokens: ['xxxxyyyy'] }, 1669872112_000 + 30_000)).not.to.throw()
    })

    it('says what is wrong with its own ErrorInfo for each refusal', () => {
      const infos = [
        { ...valid, sign: '' },
        { sdkAppId: valid.sdkAppId, sign: valid.sign },
        { ...valid, requestTime: 'soon' },
        { ...valid, requestTime: String(NOW / 1000 - 3600) },
        { ...valid, sign: 'abc' },
        { ...valid, sign: signCallback('token-b', TIME) },
      ].map((query) => {
        try {
          verifyCallback(query, signed, NOW)
          return 'accepted'
        } catch (error) {
          return (error as RoomhooksError).info
        }
      })
      expect(new Set(infos).size).to.equal(infos.length)
      expect(infos).not.to.include('accepted')
    })

    it('says in ErrorInfo exactly what is wrong with SdkAppid, Sign or RequestTime', () => {
      const infoOf = (query: CallbackQuery, settings = signed, now = NOW) => {
        try {
          verifyCallback(query, settings, now)
          return 'accepted'
        } catch (error) {
          return (error as RoomhooksError).info
        }
      }
      const stale = String(NOW / 1000 - 61)
      expect([
        infoOf({ ...valid, sdkAppId: undefined as never }),
        infoOf({ ...valid, sdkAppId: '14x' }),
        infoOf({ ...valid, sign: '' }),
        infoOf({ ...valid, requestTime: '' }),
        infoOf({ ...valid, requestTime: '12:00' }),
        infoOf({ ...valid, requestTime: stale, sign: signCallback('token-a', stale) }),
        infoOf({ ...valid, sign: 'abc' }),
        infoOf({ ...valid, sign: signCallback('token-b', TIME) }),
      ]).to.deep.equal([
        'SdkAppid is missing from the query string',
        'SdkAppid "14x" is not accepted by this receiver',
        'Sign is missing from the query string',
        'RequestTime is missing from the query string',
        'RequestTime "12:00" is not Unix seconds',
        "RequestTime is 61 s away from the receiver's clock; at most 60 s is accepted",
        'Sign is not 64 hexadecimal characters',
        'Sign does not match the configured token',
      ])
    })

    it('takes RequestTime for milliseconds only when it has 13 digits and is within the window of now in ms', () => {
      const infoAt = (requestTime: string, now: number) => {
        try {
          verifyCallback({ ...valid, requestTime, sign: signCallback('token-a', requestTime) }, signed, now)
          return 'accepted'
        } catch (error) {
          return (error as RoomhooksError).info
        }
      }
      const millis = 'RequestTime looks like milliseconds; the platform sends Unix seconds'
      expect(infoAt(String(NOW - 60_000), NOW)).to.equal(millis)
      expect(infoAt(String(NOW + 60_000), NOW)).to.equal(millis)
      expect(infoAt(String(NOW - 60_001), NOW)).to.match(/^RequestTime is \d+ s away/)
      expect(infoAt('1000000000000', NOW)).to.match(/^RequestTime is \d+ s away/)
      // A clock near the epoch: 100000 is then 100 000 s away, and also the time in ms, but not 13 digits long.
      expect(infoAt('100000', 100_000)).to.equal(
        "RequestTime is 99900 s away from the receiver's clock; at most 60 s is accepted",
      )
    })

    it('refuses a Sign with a character before or after 64 hex characters as malformed', () => {
      expect(reasonOf({ ...valid, sign: `x${valid.sign}` }, signed)).to.equal('MALFORMED_SIGN')
      expect(reasonOf({ ...valid, sign: `${valid.sign}x` }, signed)).to.equal('MALFORMED_SIGN')
    })

    it('refuses a Sign made for another RequestTime', () => {
      expect(reasonOf({ ...valid, sign: signCallback('token-a', NOW / 1000 - 1) }, signed)).to.equal('SIGN_MISMATCH')
    })
  })
})
