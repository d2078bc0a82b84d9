import { expect } from 'chai'
import { createRoomWebhooks, type BodyInput, type RoomhooksError } from '@roomhooks/core'
import { SDK_APP_ID } from '../../../test/support/callbacks.js'

// How receive() reads a body (readBodyText() and parseCallbackBody() in src/parse-body.ts), through the public
// API. The command is one roomhooks does not know: such a body is parsed but not validated, so what onAny gets is
// exactly what the parser made of it, and a refusal reaches onError with its reason.
const COMMAND = 'Test.CallbackBodyParsing'
const query = new URLSearchParams({ SdkAppid: String(SDK_APP_ID), CallbackCommand: COMMAND }).toString()

interface Outcome {
  /** The payload handlers got, as the receiver made it. */
  readonly payload?: Record<string, unknown>
  /** What the receiver refused the body for. */
  readonly error?: RoomhooksError
}

async function receive(body: BodyInput, bodyLimit = 1024): Promise<Outcome> {
  let outcome: Outcome = {}
  const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, bodyLimit, log: { warn: () => {} } })
    .onAny((event) => void (outcome = { payload: event.payload }))
    .onError((error) => void (outcome = { error }))
  await hooks.receive({ query, body })
  return outcome
}

/** The parsed body, without the CallbackCommand the receiver copies from the query into a body that has none. */
async function parse(body: BodyInput, bodyLimit = 1024): Promise<Record<string, unknown>> {
  const { payload, error } = await receive(body, bodyLimit)
  if (payload === undefined) throw new Error(`refused: ${error?.reason}`)
  const { CallbackCommand, ...parsed } = payload
  expect(CallbackCommand).to.equal(COMMAND)
  return parsed
}

async function reasonOf(body: unknown, bodyLimit = 1024): Promise<string | undefined> {
  return (await receive(body as BodyInput, bodyLimit)).error?.reason
}

describe('reading a callback body (readBodyText() and parseCallbackBody(), through receive())', () => {
  it('parses UTF-8 bytes and drops a byte order mark', async () => {
    expect(await parse(Buffer.from('\uFEFF{"RoomName":"\u590f\u5b63"}'))).to.deep.equal({ RoomName: '夏季' })
  })

  it('decodes \\u escapes', async () => {
    expect(await parse('{"RoomName":"\\u590f\\u5b6340\\u5ea6"}')).to.deep.equal({ RoomName: '夏季40度' })
  })

  it('takes an already-parsed object as it is', async () => {
    const body = { CallbackCommand: COMMAND }
    expect((await receive(body)).payload).to.equal(body)
  })

  it('refuses a missing or blank body', async () => {
    expect([await reasonOf(undefined), await reasonOf(''), await reasonOf(' \n')]).to.deep.equal([
      'EMPTY_BODY',
      'EMPTY_BODY',
      'EMPTY_BODY',
    ])
  })

  it('refuses text that is not JSON', async () => {
    expect(await reasonOf('{"a":')).to.equal('INVALID_JSON')
  })

  it('refuses bytes that are not UTF-8 (a Latin-1 body, a cut multi-byte character) instead of replacing them', async () => {
    const latin1 = Buffer.from('{"RoomName":"caf\u00e9"}', 'latin1')
    const cut = Buffer.concat([Buffer.from('{"RoomName":"'), Buffer.from('夏').subarray(0, 2), Buffer.from('"}')])
    expect([await reasonOf(latin1), await reasonOf(cut)]).to.deep.equal(['INVALID_JSON', 'INVALID_JSON'])
  })

  it("quotes the parser's complaint so that a line break in the body cannot reach the log as one", async () => {
    const { error } = await receive('{"a":\r\nINFO admin login succeeded x}')
    expect(error, 'parsed invalid JSON').not.to.equal(undefined)
    expect(error?.info).to.match(/^The body is not valid JSON: "/)
    expect(error?.message).not.to.match(/[\r\n]/)
  })

  it('refuses JSON that is not an object', async () => {
    expect([await reasonOf('[]'), await reasonOf('null'), await reasonOf('"x"'), await reasonOf([1])]).to.deep.equal([
      'NOT_AN_OBJECT',
      'NOT_AN_OBJECT',
      'NOT_AN_OBJECT',
      'NOT_AN_OBJECT',
    ])
  })

  it('refuses text or bytes over the limit, counting bytes', async () => {
    expect(await reasonOf(`{"a":"${'x'.repeat(20)}"}`, 16)).to.equal('BODY_TOO_LARGE')
    expect(await reasonOf(Buffer.alloc(17, 0x20), 16)).to.equal('BODY_TOO_LARGE')
    expect(await reasonOf(`{"a":"${'夏'.repeat(5)}"}`, 20)).to.equal('BODY_TOO_LARGE')
  })

  it('accepts text or bytes of exactly the limit', async () => {
    const text = `{"a":"${'x'.repeat(10)}"}` // 18 bytes
    expect(await parse(text, 18)).to.deep.equal({ a: 'x'.repeat(10) })
    expect(await parse(Buffer.from(text), 18)).to.deep.equal({ a: 'x'.repeat(10) })
  })

  it('accepts text longer than a third of the limit that fits in it', async () => {
    expect(await parse(`{"a":"${'x'.repeat(20)}"}`, 60)).to.deep.equal({ a: 'x'.repeat(20) })
  })

  it('counts 2, 3 and 4 bytes for the characters UTF-8 writes so, and 3 for a lone surrogate', async () => {
    const lone = String.fromCharCode(0xd800)
    // '{"a":""}' is 8 bytes; each inner text below is 12 bytes of UTF-8.
    for (const inner of ['é'.repeat(6), '夏'.repeat(4), '😀'.repeat(3), `${lone}${'夏'.repeat(3)}`, 'xé夏😀xx']) {
      const body = `{"a":"${inner}"}`
      expect(Buffer.byteLength(body), inner).to.equal(20)
      expect(await reasonOf(body, 20), inner).to.equal(undefined)
      expect(await reasonOf(body, 19), inner).to.equal('BODY_TOO_LARGE')
    }
  })

  it('says how large a body may be', async () => {
    expect((await receive(Buffer.alloc(17, 0x20), 16)).error?.info).to.equal('The body is larger than 16 bytes')
  })

  it('says what a body that is not an object is instead', async () => {
    const texts = ['[]', 'null', '"x"', '1', 'true']
    const infos = await Promise.all(texts.map(async (text) => (await receive(text)).error?.info))
    expect(infos).to.deep.equal([
      'The body must be a JSON object, not an array',
      'The body must be a JSON object, not null',
      'The body must be a JSON object, not a string',
      'The body must be a JSON object, not a number',
      'The body must be a JSON object, not a boolean',
    ])
  })

  it('drops a byte order mark from the start of text, and keeps one anywhere else', async () => {
    expect(await parse('\uFEFF{"a":"\uFEFF"}')).to.deep.equal({ a: '\uFEFF' })
  })

  it('says what is wrong with a missing, empty or undecodable body, and keeps the parser error as the cause', async () => {
    const infos = await Promise.all(
      [null, undefined, ' ', Buffer.from([0xff]), '{'].map(async (body) => {
        const { error } = await receive(body)
        return [error?.reason, error?.info?.replace(/:.*/, '')]
      }),
    )
    expect(infos).to.deep.equal([
      ['EMPTY_BODY', 'The request has no body'],
      ['EMPTY_BODY', 'The request has no body'],
      ['EMPTY_BODY', 'The request body is empty'],
      ['INVALID_JSON', 'The body is not valid UTF-8'],
      ['INVALID_JSON', 'The body is not valid JSON'],
    ])
    expect((await receive('{')).error?.cause).to.be.instanceOf(SyntaxError)
  })

  it('drops one byte order mark only, from bytes as from text', async () => {
    const twice = '\uFEFF\uFEFF{"a":1}'
    expect([await reasonOf(twice), await reasonOf(Buffer.from(twice))]).to.deep.equal(['INVALID_JSON', 'INVALID_JSON'])
  })

  it('counts the UTF-8 bytes of the characters at each boundary of the encoding', async () => {
    const lone = (unit: number) => String.fromCharCode(unit)
    for (const inner of [
      '\u007f'.repeat(12),
      '\u0080'.repeat(12),
      '\u07ff'.repeat(12),
      '\u0800'.repeat(12),
      '\ud7ff'.repeat(12),
      '\ue000'.repeat(12),
      '\uffff'.repeat(12),
      '\u{10000}'.repeat(6),
      '\u{10ffff}'.repeat(6),
      `${lone(0xd800)}x`.repeat(6),
      `${lone(0xdbff)}x`.repeat(6),
      `${lone(0xdc00)}x`.repeat(6),
      `x${lone(0xdfff)}`.repeat(6),
      `\u0800${lone(0xdc00)}`.repeat(4),
      `\ue000${lone(0xdc00)}`.repeat(4),
    ]) {
      const body = `{"a":"${inner}"}`
      const size = Buffer.byteLength(body)
      const label = [...inner.slice(0, 2)].map((char) => char.codePointAt(0)?.toString(16)).join(' ')
      expect(await reasonOf(body, size), label).to.equal(undefined)
      expect(await reasonOf(body, size - 1), label).to.equal('BODY_TOO_LARGE')
    }
  })
})
