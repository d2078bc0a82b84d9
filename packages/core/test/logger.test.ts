import { createServer } from 'node:http'
import { Writable } from 'node:stream'
import { expect } from 'chai'
import bunyan from 'bunyan'
import { pino } from 'pino'
import winston from 'winston'
import { createNodeHandler, createRoomWebhooks, type Logger, type RoomWebhooks } from '@roomhooks/core'
import { callbackQuery, fixtureText, SDK_APP_ID, TOKEN } from '../../../test/support/callbacks.js'
import { listen, post, type RunningServer } from '../../../test/support/http.js'

const CREATED = 'Room.CallbackAfterCreateRoom'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One JSON log record, whichever logger wrote it. */
type LogRecord = Record<string, any>

/** A stream that keeps each JSON line a logger writes. */
function captured() {
  const records: LogRecord[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') records.push(JSON.parse(line))
      done()
    },
  })
  return { records, stream }
}

interface RealLogger {
  readonly log: Partial<Logger>
  readonly records: LogRecord[]
  /** The text of a record, and the stack of the error it carries. */
  readonly message: (record: LogRecord) => string
  readonly stack: (record: LogRecord) => string | undefined
}

const realLoggers: Record<string, () => RealLogger> = {
  pino: () => {
    const { records, stream } = captured()
    return { log: pino(stream), records, message: (record) => record['msg'], stack: (record) => record['err']?.stack }
  },
  'pino, as an object of its bound methods': () => {
    const { records, stream } = captured()
    const log = pino(stream)
    const methods = {
      debug: log.debug.bind(log),
      info: log.info.bind(log),
      warn: log.warn.bind(log),
      error: log.error.bind(log),
    }
    return { log: methods, records, message: (record) => record['msg'], stack: (record) => record['err']?.stack }
  },
  'pino, a child logger': () => {
    const { records, stream } = captured()
    return {
      log: pino(stream).child({ component: 'callbacks' }),
      records,
      message: (record) => record['msg'],
      stack: (record) => record['err']?.stack,
    }
  },
  winston: () => {
    const { records, stream } = captured()
    const log = winston.createLogger({
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream })],
    })
    return { log, records, message: (record) => record['message'], stack: (record) => record['stack'] }
  },
  bunyan: () => {
    const { records, stream } = captured()
    const log = bunyan.createLogger({ name: 'app', streams: [{ stream, level: 'debug' }] })
    return { log, records, message: (record) => record['msg'], stack: (record) => record['err']?.stack }
  },
}

describe('loggers', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function serve(hooks: RoomWebhooks): Promise<string> {
    server = await listen(createServer(createNodeHandler(hooks)))
    return server.url
  }

  const signedQuery = () => callbackQuery({ command: CREATED, token: TOKEN })

  for (const [name, make] of Object.entries(realLoggers)) {
    describe(`the real ${name}, passed as it is`, () => {
      it('logs a refused request and still answers it, over a real socket', async () => {
        const logger = make()
        const url = await serve(createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: TOKEN, log: logger.log }))
        const query = signedQuery().replace(/Sign=[0-9a-f]+/, `Sign=${'0'.repeat(64)}`)
        const answer = await post(`${url}/?${query}`, fixtureText(CREATED))
        expect([answer.status, answer.envelope.ErrorCode]).to.deep.equal([401, 40106])
        expect(logger.records.map(logger.message)).to.deep.equal([
          '[@roomhooks/core] Sign does not match the configured token',
        ])
      })

      it("records a failed handler's error with its stack", async () => {
        const logger = make()
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: logger.log }).on('room.created', () => {
          throw new Error('database down')
        })
        const answer = await post(`${await serve(hooks)}/?${callbackQuery({ command: CREATED })}`, fixtureText(CREATED))
        expect(answer.status).to.equal(500)
        expect(logger.records).to.have.length(1)
        expect(logger.message(logger.records[0]!)).to.match(
          /^\[@roomhooks\/core\] A handler for Room.CallbackAfterCreateRoom failed/,
        )
        expect(logger.stack(logger.records[0]!)).to.match(/database down[\s\S]*logger\.test\.ts/)
      })

      it('warns about handlers slower than handlerTimeout and answers OK in time', async () => {
        const logger = make()
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, handlerTimeout: 20, log: logger.log }).on(
          'room.created',
          () => sleep(60),
        )
        const answer = await post(`${await serve(hooks)}/?${callbackQuery({ command: CREATED })}`, fixtureText(CREATED))
        expect(answer.status).to.equal(200)
        expect(logger.records.map(logger.message)).to.deep.equal([
          '[@roomhooks/core] Handlers for Room.CallbackAfterCreateRoom took longer than 20 ms; answered without them and let them finish',
        ])
      })

      it('never makes receive() throw, as documented', async () => {
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: TOKEN, log: make().log })
        let answer: Promise<unknown> | undefined
        expect(() => (answer = hooks.receive({ query: 'SdkAppid=1', body: '{}' }))).not.to.throw()
        expect(await answer).to.have.property('status', 403)
      })
    })
  }

  it('passes a logger of its own the cause of a refusal first, then the message, when there is no onError (a store that failed)', async () => {
    const calls: unknown[][] = []
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379')
    const store = { claim: () => Promise.reject(cause), complete: () => {}, release: () => {} }
    const hooks = createRoomWebhooks({
      sdkAppId: SDK_APP_ID,
      dedupe: { store },
      log: { warn: (...args: unknown[]) => void calls.push(args) },
    })
    hooks.on('room.created', () => {})
    expect(
      (await hooks.receive({ query: callbackQuery({ command: CREATED }), body: fixtureText(CREATED) })).status,
    ).to.equal(200)
    expect(calls).to.deep.equal([
      [cause, '[@roomhooks/core] The dedupe store failed or was slow; the callback was handled anyway'],
    ])
  })

  it('calls a class-based logger as a method, with its own this', async () => {
    class Recorder {
      readonly #lines: string[] = []
      warn(message: string): void {
        this.#lines.push(message)
      }
      get lines(): readonly string[] {
        return this.#lines
      }
    }
    const recorder = new Recorder()
    const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: recorder })
    expect((await hooks.receive({ query: 'SdkAppid=2', body: '{}' })).status).to.equal(403)
    expect(recorder.lines).to.deep.equal(['[@roomhooks/core] SdkAppid "2" is not accepted by this receiver'])
  })

  it('passes the console the message first and the error after it', async () => {
    const calls: unknown[][] = []
    const original = console.error
    console.error = (...args: unknown[]) => void calls.push(args)
    try {
      const failure = new Error('boom')
      const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: console }).on('room.created', () => {
        throw failure
      })
      await hooks.receive({ query: callbackQuery({ command: CREATED }), body: fixtureText(CREATED) })
      expect(calls).to.deep.equal([['[@roomhooks/core] A handler for Room.CallbackAfterCreateRoom failed', failure]])
    } finally {
      console.error = original
    }
  })

  describe('a logger that misbehaves never breaks an answer', () => {
    const throwing: Logger = {
      debug: () => {
        throw new Error('debug broken')
      },
      info: () => {
        throw new Error('info broken')
      },
      warn: () => {
        throw new Error('warn broken')
      },
      error: () => {
        throw new Error('error broken')
      },
    }
    const rejecting = {
      warn: () => Promise.reject(new Error('transport down')),
      error: () => Promise.reject(new Error('transport down')),
    } as unknown as Logger

    for (const [kind, log] of Object.entries({ throws: throwing, 'returns rejected promises': rejecting })) {
      it(`one that ${kind}: refusals, failed and slow handlers are still answered, and nothing escapes`, async () => {
        const escaped: unknown[] = []
        const onRejection = (reason: unknown) => void escaped.push(reason)
        process.on('unhandledRejection', onRejection)
        try {
          const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, token: TOKEN, handlerTimeout: 20, log })
            .on('room.created', () => {
              throw new Error('handler failed')
            })
            .on('room.destroyed', () => sleep(40))
          const url = await serve(hooks)
          const statuses = [
            (await post(`${url}/?SdkAppid=1`, '{}')).status,
            (await post(`${url}/?${callbackQuery({ command: CREATED, token: TOKEN })}`, fixtureText(CREATED))).status,
            (
              await post(
                `${url}/?${callbackQuery({ command: 'Room.CallbackAfterDestroyRoom', token: TOKEN })}`,
                fixtureText('Room.CallbackAfterDestroyRoom'),
              )
            ).status,
          ]
          await sleep(60)
          expect(statuses).to.deep.equal([403, 500, 200])
          expect(escaped).to.deep.equal([])
        } finally {
          process.off('unhandledRejection', onRejection)
        }
      })
    }

    it('one without warn or error (or with a value that is not a function there): the console gets them', async () => {
      const lines: unknown[] = []
      const original = console.warn
      console.warn = (...args: unknown[]) => void lines.push(args[0])
      try {
        const hooks = createRoomWebhooks({ sdkAppId: SDK_APP_ID, log: { info: () => {}, warn: 'no' as never } })
        expect((await hooks.receive({ query: 'SdkAppid=3', body: '{}' })).status).to.equal(403)
        expect(lines).to.deep.equal(['[@roomhooks/core] SdkAppid "3" is not accepted by this receiver'])
      } finally {
        console.warn = original
      }
    })
  })
})
