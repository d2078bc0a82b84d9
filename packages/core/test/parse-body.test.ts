import { expect } from 'chai'
import { parseCallbackBody, readBodyText, type BodyInput } from '../src/parse-body.js'
import { RoomhooksError } from '@roomhooks/core'

function parse(body: BodyInput, limit = 1024): Record<string, unknown> {
  return parseCallbackBody(body, readBodyText(body, limit))
}

function reasonOf(body: unknown, limit = 1024): string | undefined {
  try {
    parse(body as BodyInput, limit)
    return undefined
  } catch (error) {
    return (error as RoomhooksError).reason
  }
}

describe('readBodyText() and parseCallbackBody()', () => {
  it('parses UTF-8 bytes and drops a byte order mark', () => {
    expect(parse(Buffer.from('\uFEFF{"RoomName":"\u590f\u5b63"}'))).to.deep.equal({ RoomName: '夏季' })
  })

  it('decodes \\u escapes', () => {
    expect(parse('{"RoomName":"\\u590f\\u5b6340\\u5ea6"}')).to.deep.equal({ RoomName: '夏季40度' })
  })

  it('takes an already-parsed object as it is', () => {
    const body = { CallbackCommand: 'x' }
    expect(parse(body)).to.equal(body)
  })

  it('refuses a missing or blank body', () => {
    expect([reasonOf(undefined), reasonOf(''), reasonOf(' \n')]).to.deep.equal(['EMPTY_BODY', 'EMPTY_BODY', 'EMPTY_BODY'])
  })

  it('refuses text that is not JSON', () => {
    expect(reasonOf('{"a":')).to.equal('INVALID_JSON')
  })

  it('refuses bytes that are not UTF-8 (a Latin-1 body, a cut multi-byte character) instead of replacing them', () => {
    const latin1 = Buffer.from('{"RoomName":"caf\u00e9"}', 'latin1')
    const cut = Buffer.concat([Buffer.from('{"RoomName":"'), Buffer.from('夏').subarray(0, 2), Buffer.from('"}')])
    expect([reasonOf(latin1), reasonOf(cut)]).to.deep.equal(['INVALID_JSON', 'INVALID_JSON'])
  })

  it('quotes the parser\'s complaint so that a line break in the body cannot reach the log as one', () => {
    try {
      parse('{"a":\r\nINFO admin login succeeded x}')
      expect.fail('parsed invalid JSON')
    } catch (error) {
      expect((error as RoomhooksError).info).to.match(/^The body is not valid JSON: "/)
      expect((error as RoomhooksError).message).not.to.match(/[\r\n]/)
    }
  })

  it('refuses JSON that is not an object', () => {
    expect([reasonOf('[]'), reasonOf('null'), reasonOf('"x"'), reasonOf([1])]).to.deep.equal([
      'NOT_AN_OBJECT',
      'NOT_AN_OBJECT',
      'NOT_AN_OBJECT',
      'NOT_AN_OBJECT',
    ])
  })

  it('refuses text or bytes over the limit, counting bytes', () => {
    expect(reasonOf(`{"a":"${'x'.repeat(20)}"}`, 16)).to.equal('BODY_TOO_LARGE')
    expect(reasonOf(Buffer.alloc(17, 0x20), 16)).to.equal('BODY_TOO_LARGE')
    expect(reasonOf(`{"a":"${'夏'.repeat(5)}"}`, 20)).to.equal('BODY_TOO_LARGE')
  })
})
