import { expect } from 'chai'
import { parseCallbackBody } from '../src/parse-body.js'
import { RoomhooksError } from '@roomhooks/core'

function reasonOf(body: unknown, limit = 1024): string | undefined {
  try {
    parseCallbackBody(body as string, limit)
    return undefined
  } catch (error) {
    return (error as RoomhooksError).reason
  }
}

describe('parseCallbackBody()', () => {
  it('parses UTF-8 bytes and drops a byte order mark', () => {
    expect(parseCallbackBody(Buffer.from('\uFEFF{"RoomName":"\u590f\u5b63"}'), 1024)).to.deep.equal({ RoomName: '夏季' })
  })

  it('decodes \\u escapes', () => {
    expect(parseCallbackBody('{"RoomName":"\\u590f\\u5b6340\\u5ea6"}', 1024)).to.deep.equal({ RoomName: '夏季40度' })
  })

  it('takes an already-parsed object as it is', () => {
    const body = { CallbackCommand: 'x' }
    expect(parseCallbackBody(body, 1024)).to.equal(body)
  })

  it('refuses a missing or blank body', () => {
    expect([reasonOf(undefined), reasonOf(''), reasonOf(' \n')]).to.deep.equal(['EMPTY_BODY', 'EMPTY_BODY', 'EMPTY_BODY'])
  })

  it('refuses text that is not JSON', () => {
    expect(reasonOf('{"a":')).to.equal('INVALID_JSON')
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
