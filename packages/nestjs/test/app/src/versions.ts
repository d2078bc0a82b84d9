import { dirname } from 'node:path'

/** The NestJS this application runs on, and the one @roomhooks/nestjs finds from where it is installed. */
export function nestVersions(): { readonly app: string; readonly roomhooks: string } {
  const roomhooksDir = dirname(require.resolve('@roomhooks/nestjs'))
  const forRoomhooks = require.resolve('@nestjs/core/package.json', { paths: [roomhooksDir] })
  return {
    app: (require('@nestjs/core/package.json') as { version: string }).version,
    roomhooks: (require(forRoomhooks) as { version: string }).version,
  }
}
