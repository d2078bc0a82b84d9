import { expect } from 'chai'
import { readCallbackQuery } from '@roomhooks/core/adapter'

describe('readCallbackQuery()', () => {
  it('reads the parameters the platform appends', () => {
    expect(
      readCallbackQuery(
        '?SdkAppid=1400000000&CallbackCommand=Room.CallbackAfterCreateRoom&contenttype=json&ClientIP=1.2.3.4&OptPlatform=RESTAPI&RequestTime=1669872112&Sign=abc',
      ),
    ).to.deep.equal({
      sdkAppId: '1400000000',
      command: 'Room.CallbackAfterCreateRoom',
      clientIp: '1.2.3.4',
      platform: 'RESTAPI',
      requestTime: '1669872112',
      sign: 'abc',
    })
  })

  it('matches every documented spelling of SdkAppid', () => {
    for (const name of ['SdkAppid', 'SdkAppId', 'SDKAppID', 'sdkappid']) {
      expect(readCallbackQuery(`${name}=7`).sdkAppId, name).to.equal('7')
    }
  })

  it('keeps the first of repeated parameters', () => {
    expect(readCallbackQuery('SdkAppid=1&SdkAppid=2&sdkappid=3').sdkAppId).to.equal('1')
  })

  it('decodes escapes and leaves malformed ones as sent', () => {
    expect(readCallbackQuery('ClientIP=%3A%3A1&OptPlatform=%E0%A4%A').clientIp).to.equal('::1')
    expect(readCallbackQuery('OptPlatform=%E0%A4%A').platform).to.equal('%E0%A4%A')
  })

  it('reads URLSearchParams and parsed records', () => {
    expect(readCallbackQuery(new URLSearchParams('SdkAppid=5')).sdkAppId).to.equal('5')
    expect(readCallbackQuery({ SdkAppid: ['6', '7'], Sign: { nested: 'x' } })).to.deep.equal({ sdkAppId: '6' })
  })

  it('ignores prototype keys', () => {
    const query = readCallbackQuery('__proto__=x&constructor=y&SdkAppid=1')
    expect(query).to.deep.equal({ sdkAppId: '1' })
    expect(Object.getPrototypeOf(query)).to.equal(Object.prototype)
  })
})
