// The contract's app on Deno, served as a Deno app serves a fetch handler. Prints its URL once it listens.
import { createContractApp } from '../support/contract-app.js'

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Promise<Response>,
  ): unknown
}

Deno.serve(
  {
    port: 0,
    hostname: '127.0.0.1',
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
  },
  createContractApp(),
)
