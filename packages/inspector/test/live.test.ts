import { expect } from 'chai'
import { LiveStreams } from '../src/live.js'

/** A stream that keeps what it is sent; `accepts` false plays a client that stopped reading. */
function stream(accepts = true) {
  const chunks: string[] = []
  let ended = 0
  return {
    chunks,
    ended: () => ended,
    write: (chunk: string) => (chunks.push(chunk), accepts),
    end: () => void ended++,
  }
}

describe('LiveStreams', () => {
  it('sends each event to every open stream, as one text/event-stream block', () => {
    const live = new LiveStreams()
    const [a, b] = [stream(), stream()]
    live.open(a)
    live.open(b)
    live.send('callback', { id: '1', text: 'line\nbreak' })
    for (const s of [a, b])
      expect(s.chunks).to.deep.equal([': connected\n\n', 'event: callback\ndata: {"id":"1","text":"line\\nbreak"}\n\n'])
    live.close()
  })

  it('forgets a stream whose client went, and sends it nothing more', () => {
    const live = new LiveStreams()
    const a = stream()
    const forget = live.open(a)
    forget()
    expect(live.size).to.equal(0)
    live.send('callback', {})
    expect(a.chunks).to.have.length(1)
    expect(a.ended()).to.equal(0)
  })

  it('drops a client that does not read, rather than keep its backlog', () => {
    const live = new LiveStreams()
    const slow = stream(false)
    const fine = stream()
    live.open(slow)
    live.open(fine)
    live.send('callback', { id: '1' })
    expect(live.size).to.equal(1)
    expect(slow.ended()).to.equal(1)
    live.send('callback', { id: '2' })
    expect(fine.chunks).to.have.length(3)
    live.close()
  })

  it('ends every stream on close(), and each opened later at once', () => {
    const live = new LiveStreams()
    const [a, b, later] = [stream(), stream(), stream()]
    live.open(a)
    live.open(b)
    live.close()
    expect([a.ended(), b.ended(), live.size]).to.deep.equal([1, 1, 0])
    live.open(later)
    expect([later.ended(), live.size]).to.deep.equal([1, 0])
  })

  it('pings open streams with a comment line, and stops once none is open', async () => {
    const live = new LiveStreams(20)
    const a = stream()
    const forget = live.open(a)
    await new Promise((resolve) => setTimeout(resolve, 70))
    expect(a.chunks.filter((chunk) => chunk === ': ping\n\n').length).to.be.at.least(2)
    forget()
    const count = a.chunks.length
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(a.chunks).to.have.length(count)
  })
})
