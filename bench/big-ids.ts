// `tsx bench/big-ids.ts` (after `npm run build`): receive() on a body of about 1 MiB whose user ID list holds numbers
// above 2^53, beside JSON.parse of the same text in the same run. Three bodies: IDs written `1e16` (no parse can
// make them more exact; they must not cost a second parse), the same with one exact 18-digit ID first, and exact
// 17-digit IDs (quoted by the fast path).
import { createRoomWebhooks } from '@roomhooks/core'
import { callbackQuery } from '../test/support/callbacks.js'
import { median } from './stats.js'

const COMMAND = 'Room.CallbackAfterMemberEnter'
const SIZE = 1024 * 1024 - 100

function body(element: string): string {
  const count = Math.floor(SIZE / (element.length + 1))
  return `{"CallbackCommand":"${COMMAND}","RoomId":"r","MemberList_Account":[${Array(count).fill(element).join(',')}]}`
}

const bodies: Record<string, string> = {
  '[1e16, …] under MemberList_Account': body('1e16'),
  '[10000000000000001, …] under MemberList_Account': body('10000000000000001'),
  // One exact ID the fast path keeps, among the 1e16s: still nothing for a second parse to give back.
  '[144115216631667826, 1e16, …] under MemberList_Account': body('1e16').replace(
    '[1e16,1e16,1e16,1e16,',
    '[144115216631667826,',
  ),
}

const hooks = createRoomWebhooks({ sdkAppId: 1400000000, log: { warn: () => {} } }).onAny(() => {})
const query = callbackQuery({ command: COMMAND })
const ROUNDS = 15

function time(run: () => unknown): number {
  const started = process.hrtime.bigint()
  run()
  return Number(process.hrtime.bigint() - started) / 1e6
}

for (const [name, text] of Object.entries(bodies)) {
  const parse: number[] = []
  const receive: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(time(() => JSON.parse(text)))
    const started = process.hrtime.bigint()
    const answer = await hooks.receive({ query, body: text })
    receive.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (answer.status !== 200) throw new Error(`${name}: answered ${answer.status} ${answer.body.ErrorInfo}`)
  }
  const [p, r] = [median(parse), median(receive)]
  console.log(
    `${name} (${(text.length / 1024).toFixed(0)} KiB): JSON.parse ${p.toFixed(1)} ms, receive() ${r.toFixed(1)} ms, ${(r / p).toFixed(1)}× JSON.parse`,
  )
}
