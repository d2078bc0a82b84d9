import { createRequire } from 'node:module'
import { dirname } from 'node:path'

const load = createRequire(__filename)

/** The NestJS this application runs on, and the one @roomhooks/nestjs finds from where it is installed. */
export function nestVersions(): { readonly app: string; readonly roomhooks: string } {
  const roomhooksDir = dirname(load.resolve('@roomhooks/nestjs'))
  const forRoomhooks = load.resolve('@nestjs/core/package.json', { paths: [roomhooksDir] })
  return {
    app: (load('@nestjs/core/package.json') as { version: string }).version,
    roomhooks: (load(forRoomhooks) as { version: string }).version,
  }
}
