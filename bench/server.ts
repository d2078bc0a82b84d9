// A benchmark server in its own process: `node --import tsx bench/server.ts <case> [redis port]`. Tells its
// parent the port it listens on; answers { cpu } with the CPU time it has used (µs), and { memory } with heap and
// RSS after a full garbage collection when started with --expose-gc.
import type { AddressInfo } from 'node:net'
import { cases, queueCases } from './cases.js'

const [name, redisPort] = process.argv.slice(2)
const benchCase = [...cases, ...queueCases].find((candidate) => candidate.name === name)
if (benchCase === undefined || process.send === undefined) {
  console.error('usage: fork bench/server.ts <case name> [redis port] with an IPC channel')
  process.exit(2)
}

const server = await benchCase.createServer(redisPort === undefined ? undefined : Number(redisPort))
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port })
})

process.on('message', (message: { memory?: boolean; cpu?: boolean }) => {
  if (message.cpu) {
    const { user, system } = process.cpuUsage()
    process.send?.({ cpu: user + system })
  } else if (message.memory) {
    globalThis.gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    process.send?.({ rss, heapUsed })
  }
})
process.on('disconnect', () => process.exit(0))
