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

  it('reads + as a space and %2B as a plus sign', () => {
    expect(readCallbackQuery('ClientIP=a+b%2Bc&OptPlatform=x+y')).to.deep.equal({ clientIp: 'a b+c', platform: 'x y' })
  })

  it('reads a parameter without = as empty, and keeps an = inside a value', () => {
    expect(readCallbackQuery('Sign&SdkAppid=1')).to.deep.equal({ sign: '', sdkAppId: '1' })
    expect(readCallbackQuery('SdkAppid=1&Sign')).to.deep.equal({ sdkAppId: '1', sign: '' })
    expect(readCallbackQuery('Sign=a=b&RequestTime=5')).to.deep.equal({ sign: 'a=b', requestTime: '5' })
  })

  it('skips empty parameters and an empty query', () => {
    expect(readCallbackQuery('')).to.deep.equal({})
    expect(readCallbackQuery('?')).to.deep.equal({})
    expect(readCallbackQuery('&&SdkAppid=1&')).to.deep.equal({ sdkAppId: '1' })
  })

  it('matches whole names only', () => {
    expect(readCallbackQuery('SdkAppidX=1&XSign=2&Sig=3&RequestTimes=4&SdkAppie=5&sign_=6')).to.deep.equal({})
  })

  it('matches every name in upper case', () => {
    expect(
      readCallbackQuery('SIGN=1&REQUESTTIME=2&SDKAPPID=3&CALLBACKCOMMAND=c&CLIENTIP=i&OPTPLATFORM=p'),
    ).to.deep.equal({ sign: '1', requestTime: '2', sdkAppId: '3', command: 'c', clientIp: 'i', platform: 'p' })
  })

  it('reads a name written with escapes, once', () => {
    expect(readCallbackQuery('Sdk%41ppid=1&%53ign=2')).to.deep.equal({ sdkAppId: '1', sign: '2' })
    expect(readCallbackQuery('Sdk%2541ppid=1')).to.deep.equal({})
    expect(readCallbackQuery('Sign=%41&Sdk%=1')).to.deep.equal({ sign: 'A' })
  })

  it('keeps the first of repeated parameters in URLSearchParams and records, and ignores values that are not text', () => {
    expect(readCallbackQuery(new URLSearchParams('Sign=a&sign=b')).sign).to.equal('a')
    expect(readCallbackQuery({ Sign: 5, sign: 'b' })).to.deep.equal({ sign: 'b' })
    expect(readCallbackQuery({ SdkAppid: [1, '2', '3'], RequestTime: [] })).to.deep.equal({ sdkAppId: '2' })
    expect(readCallbackQuery({ other: 'x', SdkAppid: '1' })).to.deep.equal({ sdkAppId: '1' })
    expect(readCallbackQuery(new URLSearchParams('other=x&Sign=s'))).to.deep.equal({ sign: 's' })
  })
})
