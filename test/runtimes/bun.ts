// The contract's app on Bun, served as a Bun app serves a fetch handler. Prints its URL once it listens.
import { createContractApp } from '../support/contract-app.js'

declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Promise<Response> }): { url: URL }
}

const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: createContractApp() })
console.log(`listening on ${server.url.origin}`)
