// The contract's app as a Cloudflare Worker module, bundled with esbuild and run by workerd (through Miniflare).
import { createContractApp } from '../support/contract-app.js'

export default { fetch: createContractApp() }
