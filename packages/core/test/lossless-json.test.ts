import { expect } from 'chai'
import { createRoomWebhooks, type RoomhooksError } from '@roomhooks/core'
import { parseJsonExactly } from '@roomhooks/core/testing'
import { callbackQuery, SDK_APP_ID } from '../../../test/support/callbacks.js'

// How receive() keeps user IDs above 2^53 (quoteUnsafeAccountNumbers() in src/lossless-json.ts), through the
// public API. The command is one roomhooks does not know: such a body is parsed but not validated (validation
// repairs string fields from a second, slower parse), so what onAny gets is exactly what the fast path made of
// the text: a value it quoted arrives as a string, anything it left alone as JSON.parse reads it.
const COMMAND = 'Test.CallbackLosslessJson'
const query = new URLSearchParams({ SdkAppid: String(SDK_APP_ID), CallbackCommand: COMMAND }).toString()

async function receive(text: string): Promise<{ payload?: Record<string, unknown>; error?: RoomhooksError }> {
  let outcome = {}
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { warn: () => {} } })
    .onAny((event) => void (outcome = { payload: event.payload }))
    .onError((error) => void (outcome = { error }))
  await hooks.receive({ query, body: text })
  return outcome
}

/** The body as handlers get it, without the CallbackCommand the receiver copies from the query. */
async function parsed(text: string): Promise<Record<string, unknown>> {
  const { payload, error } = await receive(text)
  if (payload === undefined) throw new Error(`refused: ${error?.reason}`)
  const { CallbackCommand, ...body } = payload
  expect(CallbackCommand).to.equal(COMMAND)
  return body
}

describe('quoteUnsafeAccountNumbers(), through receive()', () => {
  it('quotes an integer above 2^53 under a *_Account key', async () => {
    expect(await parsed('{"Owner_Account": 144115216631667826}')).to.deep.equal({ Owner_Account: '144115216631667826' })
  })

  it('goes on past string values under *_Account keys, skipped unread, to the numbers after them', async () => {
    const text = '{"Operator_Account":"a\\"b","Owner_Account": 144115216631667826,"Admin_Account":"-1"}'
    expect(await parsed(text)).to.deep.equal({
      Operator_Account: 'a"b',
      Owner_Account: '144115216631667826',
      Admin_Account: '-1',
    })
  })

  it('quotes array elements and nested objects under *_Account keys', async () => {
    const text = '{"A_Account":[144115216631667826,1],"List":[{"Member_Account":-144115216631667826,"Index":1}]}'
    expect(await parsed(text)).to.deep.equal({
      A_Account: ['144115216631667826', 1],
      List: [{ Member_Account: '-144115216631667826', Index: 1 }],
    })
  })

  it('leaves safe integers, decimals and other keys alone', async () => {
    const text = '{"Owner_Account":9007199254740991,"Big":144115216631667826,"X_Account":1.44115216631667826e17}'
    expect(await parsed(text)).to.deep.equal(JSON.parse(text))
  })

  it('is not fooled by digits, brackets or escaped quotes inside strings', async () => {
    const text = '{"Note":"\\"Owner_Account\\": 144115216631667826 [{","Count":144115216631667826}'
    expect(await parsed(text)).to.deep.equal(JSON.parse(text))
  })

  it('reads the key after an object closes', async () => {
    const text = '{"RoomInfo":{"RoomId":"r"},"Owner_Account":144115216631667826}'
    expect((await parsed(text))['Owner_Account']).to.equal('144115216631667826')
  })

  it('returns text that is not JSON in a shape JSON.parse still refuses', async () => {
    for (const text of ['{"Owner_Account": 144115216631667826', ']]]}}}', '{"a":"unterminated']) {
      const { error } = await receive(text)
      expect(error?.reason, text).to.equal('INVALID_JSON')
      expect(error?.cause, text).to.be.instanceOf(SyntaxError)
    }
  })
})

describe('quoteUnsafeAccountNumbers() on the documented samples, through receive()', () => {
  it('returns a body whose user IDs are strings unchanged', async () => {
    const text = '{"Operator_Account":"admin","List_Account":["a","b"],"Seats":[{"Member_Account":"c"}]}'
    expect(await parsed(text)).to.deep.equal(JSON.parse(text))
  })

  it('stops at an array element it does not expect', async () => {
    const text = '{"X_Account":[{"Member_Account":144115216631667826}],"Y_Account":[true,144115216631667826]}'
    expect(await parsed(text)).to.deep.equal({
      X_Account: [{ Member_Account: '144115216631667826' }],
      Y_Account: [true, 144115216631667840],
    })
  })
})

describe('exact string fields on a large body, through receive()', () => {
  const MEMBER_ENTER = 'Room.CallbackAfterMemberEnter'
  const memberQuery = callbackQuery({ command: MEMBER_ENTER })
  /** About 1 MiB of user IDs written `1e16`: numbers above 2^53 whose text has no more digits to give. */
  const exponents = (roomId: string) =>
    `{"CallbackCommand":"${MEMBER_ENTER}","RoomId":${roomId},"MemberList_Account":[${Array(200_000).fill('1e16').join(',')}]}`

  /** Counts the calls to JSON.parse while `run` is pending. */
  async function countParses(run: () => Promise<unknown>): Promise<number> {
    const original = JSON.parse
    let calls = 0
    JSON.parse = function (this: unknown, ...args: Parameters<typeof JSON.parse>) {
      calls++
      return original.apply(this, args)
    } as typeof JSON.parse
    try {
      await run()
    } finally {
      JSON.parse = original
    }
    return calls
  }

  it('parses a body of IDs written 1e16 once: there are no exact digits to read again', async () => {
    let ids: unknown
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).on('member.enter', (event) => {
      ids = event.payload.MemberList_Account
    })
    const text = exponents('"r"')
    const parses = await countParses(async () => {
      expect((await hooks.receive({ query: memberQuery, body: text })).status).to.equal(200)
    })
    expect(parses).to.equal(1)
    expect(ids).to.have.length(200_000)
    expect((ids as string[]).every((id) => id === '10000000000000000')).to.equal(true)
  })

  it('parses such a body once also when it holds an exact 18-digit ID under *_Account, which the first parse kept', async () => {
    let ids: unknown
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).on('member.enter', (event) => {
      ids = event.payload.MemberList_Account
    })
    const text = exponents('"r"').replace('"MemberList_Account":[', '"MemberList_Account":[144115216631667826,')
    const parses = await countParses(async () => {
      expect((await hooks.receive({ query: memberQuery, body: text })).status).to.equal(200)
    })
    expect(parses).to.equal(1)
    expect(ids).to.have.length(200_001)
    expect((ids as string[])[0]).to.equal('144115216631667826')
    expect((ids as string[]).slice(1).every((id) => id === '10000000000000000')).to.equal(true)
  })

  it('still reads the exact digits of an ID outside *_Account fields in such a body', async () => {
    let roomId: unknown
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID }).on('member.enter', (event) => {
      roomId = event.payload.RoomId
    })
    const answer = await hooks.receive({ query: memberQuery, body: exponents('144115216631667826') })
    expect(answer.status).to.equal(200)
    expect(roomId).to.equal('144115216631667826')
  })
})

describe('quoteUnsafeAccountNumbers(), every place an ID can stand, through receive()', () => {
  const big = '144115216631667826'

  it('quotes every element of a *_Account array, not only the first', async () => {
    expect(await parsed(`{"L_Account":[${big}, ${big} ,-${big}]}`)).to.deep.equal({
      L_Account: [big, big, `-${big}`],
    })
  })

  it('quotes a number that follows a string element', async () => {
    expect(await parsed(`{"L_Account":["a",${big}]}`)).to.deep.equal({ L_Account: ['a', big] })
  })

  it('quotes after white space of any kind around the colon and the brackets', async () => {
    expect(await parsed(`{"A_Account" :\n\t[ \r\n${big} ] ,"B_Account"\t:\t${big}}`)).to.deep.equal({
      A_Account: [big],
      B_Account: big,
    })
  })

  it('does not take a string value ending in _Account for a key', async () => {
    const text = `{"L":["x_Account",${big}]}`
    expect(await parsed(text)).to.deep.equal(JSON.parse(text))
  })

  it('quotes a 16-digit integer above 2^53, and leaves 2^53 − 1 alone', async () => {
    expect(await parsed('{"A_Account":9007199254740993,"B_Account":9007199254740991}')).to.deep.equal({
      A_Account: '9007199254740993',
      B_Account: 9007199254740991,
    })
  })

  it('reads every *_Account key of a body, however far apart', async () => {
    const pad = '_Account'.repeat(3)
    const text = `{"A_Account":${big},"Pad":"${pad}","B_Account":[1,${big}],"C_Account":${big}}`
    expect(await parsed(text)).to.deep.equal({ A_Account: big, Pad: pad, B_Account: [1, big], C_Account: big })
  })
})

describe('parseJsonExactly(), the full scan', () => {
  const big = '144115216631667826'

  it('quotes every integer above 2^53, wherever it stands', () => {
    expect(parseJsonExactly(`[${big},{"a":-${big}},1,9007199254740993]`)).to.deep.equal([
      big,
      { a: `-${big}` },
      1,
      '9007199254740993',
    ])
  })

  it('leaves strings alone, with escaped quotes, backslashes and digit runs in them', () => {
    const bare = new RegExp(`(?<=[\\[,:])${big}(?=[\\],}])`, 'g')
    for (const text of [
      `["\\"${big}\\"",${big}]`,
      `["\\\\",${big},"\\\\\\"${big}"]`,
      `["${big}",${big}]`,
      `{"${big}":${big}}`,
    ]) {
      expect(parseJsonExactly(text), text).to.deep.equal(JSON.parse(text.replaceAll(bare, `"${big}"`)))
    }
  })

  it('leaves decimals and exponents alone, and refuses a number with a leading zero', () => {
    const text = '[1441152166316678.26,1.44115216631667826e17,-1441152166316678e+2]'
    expect(parseJsonExactly(text)).to.deep.equal(JSON.parse(text))
    expect(() => parseJsonExactly(`[0${big}]`)).to.throw(SyntaxError)
  })

  it('returns text that is not JSON in a shape JSON.parse still refuses', () => {
    for (const text of [`[${big}`, `["${big}`, `[${big}"]`]) {
      expect(() => parseJsonExactly(text), text).to.throw(SyntaxError)
    }
  })
})

describe('quoteUnsafeAccountNumbers() on what surrounds an ID, through receive()', () => {
  const big = '144115216631667826'

  it('steps over escaped quotes and backslashes in a string element before an ID', async () => {
    expect(await parsed(`{"L_Account":["a\\"b",${big},"c\\\\",${big}]}`)).to.deep.equal({
      L_Account: ['a"b', big, 'c\\', big],
    })
  })

  it('leaves alone a number with 17 digits before its fraction or exponent', async () => {
    const text = `{"L_Account":[14411521663166782.5,14411521663166782e1,14411521663166782E+1,14411521663166782e-1]}`
    expect(await parsed(text)).to.deep.equal(JSON.parse(text))
  })

  it('quotes an ID after an element written with a signed exponent', async () => {
    expect(await parsed(`{"L_Account":[1E+1,${big},2e-1,${big}]}`)).to.deep.equal({ L_Account: [10, big, 0.2, big] })
  })

  it('keeps refusing a body where only quoting would make an ID into a key', async () => {
    for (const text of [`{"A_Account":1,${big}:2}`, `{"A_Account":"a",${big}:2}`]) {
      expect((await receive(text)).error?.reason, text).to.equal('INVALID_JSON')
    }
  })
})
