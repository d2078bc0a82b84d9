import { expect } from 'chai'
import { quoteUnsafeAccountNumbers } from '../src/lossless-json.js'

describe('quoteUnsafeAccountNumbers()', () => {
  it('quotes an integer above 2^53 under a *_Account key', () => {
    expect(quoteUnsafeAccountNumbers('{"Owner_Account": 144115216631667826}')).to.equal('{"Owner_Account": "144115216631667826"}')
  })

  it('quotes array elements and nested objects under *_Account keys', () => {
    const text = '{"A_Account":[144115216631667826,1],"List":[{"Member_Account":-144115216631667826,"Index":1}]}'
    expect(JSON.parse(quoteUnsafeAccountNumbers(text))).to.deep.equal({
      A_Account: ['144115216631667826', 1],
      List: [{ Member_Account: '-144115216631667826', Index: 1 }],
    })
  })

  it('leaves safe integers, decimals and other keys alone', () => {
    const text = '{"Owner_Account":9007199254740991,"Big":144115216631667826,"X_Account":1.44115216631667826e17}'
    expect(quoteUnsafeAccountNumbers(text)).to.equal(text)
  })

  it('is not fooled by digits, brackets or escaped quotes inside strings', () => {
    const text = '{"Note":"\\"Owner_Account\\": 144115216631667826 [{","Count":144115216631667826}'
    expect(quoteUnsafeAccountNumbers(text)).to.equal(text)
  })

  it('reads the key after an object closes', () => {
    const text = '{"RoomInfo":{"RoomId":"r"},"Owner_Account":144115216631667826}'
    expect(JSON.parse(quoteUnsafeAccountNumbers(text)).Owner_Account).to.equal('144115216631667826')
  })

  it('returns text that is not JSON in a shape JSON.parse still refuses', () => {
    for (const text of ['{"Owner_Account": 144115216631667826', ']]]}}}', '{"a":"unterminated']) {
      expect(() => JSON.parse(quoteUnsafeAccountNumbers(text)), text).to.throw(SyntaxError)
    }
  })
})

describe('quoteUnsafeAccountNumbers() on the documented samples', () => {
  it('returns a body whose user IDs are strings unchanged (the same string)', () => {
    const text = '{"Operator_Account":"admin","List_Account":["a","b"],"Seats":[{"Member_Account":"c"}]}'
    expect(quoteUnsafeAccountNumbers(text)).to.equal(text)
  })

  it('stops at an array element it does not expect', () => {
    const text = '{"X_Account":[{"Member_Account":144115216631667826}],"Y_Account":[true,144115216631667826]}'
    expect(JSON.parse(quoteUnsafeAccountNumbers(text))).to.deep.equal({
      X_Account: [{ Member_Account: '144115216631667826' }],
      Y_Account: [true, 144115216631667840],
    })
  })
})
