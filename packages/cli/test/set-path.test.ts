import { createServer } from 'node:http'
import { expect } from 'chai'
import { createNodeHandler, createRoomWebhooks } from '@roomhooks/core'
import { run, setPath } from '@roomhooks/cli'
import { listen } from '../../../test/support/http.js'

const sdkAppId = 1400000000

describe('setPath()', () => {
  it('keeps every digit of an integer above 2^53, as its exact string', () => {
    const payload: Record<string, unknown> = {}
    setPath(payload, 'MemberList_Account=[144115233775727695, 7]')
    setPath(payload, 'Operator_Account=144115216631667826')
    expect(payload).to.deep.equal({
      MemberList_Account: ['144115233775727695', 7],
      Operator_Account: '144115216631667826',
    })
  })

  it('reads other JSON as JSON and anything else as text', () => {
    const payload: Record<string, unknown> = {}
    setPath(payload, 'A=500')
    setPath(payload, 'B=true')
    setPath(payload, 'C=not json')
    expect(payload).to.deep.equal({ A: 500, B: true, C: 'not json' })
  })
})

describe('roomhooks send --set', () => {
  it('sends an 18-digit user ID with every digit, as --body does', async () => {
    const received: unknown[] = []
    const hooks = createRoomWebhooks({ sdkAppId }).on('member.enter', (event) => {
      received.push(event.payload.MemberList_Account)
    })
    const server = await listen(createServer(createNodeHandler(hooks)))
    try {
      const lines: string[] = []
      const output = { out: (line: string) => void lines.push(line), err: (line: string) => void lines.push(line) }
      const args = ['send', 'member.enter', '--url', `${server.url}/cb`, '--sdk-app-id', String(sdkAppId)]
      expect(
        await run([...args, '--set', 'MemberList_Account=[144115233775727695]'], output),
        lines.join('\n'),
      ).to.equal(0)
      expect(received).to.deep.equal([['144115233775727695']])
    } finally {
      await server.close()
    }
  })
})
