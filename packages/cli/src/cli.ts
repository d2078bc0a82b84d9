import { mkdirSync, readFileSync, copyFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { commandDefinitions, findDefinition, signCallback, type AnyCommandDefinition } from '@roomhooks/core'
import { fixtures } from '@roomhooks/core/testing'
import {
  describeFailed,
  describeReplayed,
  describeUnreadable,
  listDeadLetter,
  MissingPackageError,
  RedisError,
  replayDeadLetter,
  type DeadLetterQuery,
} from './dead-letter.js'
import { INSPECTOR_PATH, ListenError, startDev, type DevServer } from './dev.js'
import type { Output } from './output.js'
import { sendCallback, SendError, type SendResult } from './send.js'
import { setPath } from './set-path.js'

/** The exit codes and options `failed` and `replay` share, for their help. */
const DEAD_LETTER_OPTIONS = `Needs @roomhooks/bullmq installed beside the CLI (npm install @roomhooks/bullmq).

Exits 0 when the queue could be read, 1 when Redis cannot be reached or answers an error (or @roomhooks/bullmq is
not installed), 2 on a usage error.

Options:
  --redis <url>             the Redis of the queue, e.g. redis://localhost:6379 (default: $ROOMHOOKS_REDIS_URL)
  --queue <name>            the queue's name (default: roomhooks)
  --prefix <prefix>         the queue's Redis key prefix, as given to the delivery (default: bull)
  --command <command>       only callbacks of this command or event, e.g. Room.CallbackAfterMemberEnter
  --limit <n>               at most n callbacks, the most recent first (default: 100)`

const USAGE = {
  main: `Usage: roomhooks <command> [options]

Commands:
  send <event|command>   POST a signed callback to a URL and print the answer
  list                   print the catalog: command, event name, kind
  sign                   print a RequestTime and its Sign for a token
  schema                 write the JSON Schema of every callback body
  failed                 list the callbacks a queue's workers gave up on (@roomhooks/bullmq's dead letter)
  replay                 put those callbacks back in the queue, for the workers to run again
  dev                    run a receiver that accepts every callback, with the inspector's live page beside it

Options:
  --version, -v          print the version of roomhooks
  --help, -h             show this help

Run roomhooks <command> --help for its options.`,
  send: `Usage: roomhooks send <event|command> --url <url> --sdk-app-id <id> [options]
       roomhooks send --all --url <url> --sdk-app-id <id> [options]

Sends what the platform would send: the command's sample body (or --body), with the query string the platform
appends, signed when there is a token. Prints the status, the envelope and the time taken, marked ✔ when the app
accepted the callback and ✘ when it did not.

Exits 0 when every answer is HTTP 200 with ActionStatus OK, including a before-callback the app refused
(ErrorCode 1, rejected, or 2, dropped: printed ✘, the platform acts on it); 1 when an answer is not HTTP 200
with ActionStatus OK, or the URL cannot be reached; 2 on a usage error.

Options:
  --url <url>               the callback endpoint, e.g. http://localhost:3000/tencent/callback
  --sdk-app-id <id>         the SDKAppID to send as
  --token <token>           the callback token: adds RequestTime and Sign (default: $ROOMHOOKS_TOKEN)
  --set <Path.To.Field=v>   change a field of the body (repeatable); v is read as JSON when it is JSON. A field
                            the command's schema does not know is refused, unless --no-validate
  --body <file.json>        send this body instead of the sample
  --no-validate             send even if the body does not match the command's schema, or --set adds fields
  --all                     send every command in the catalog in turn
  --help                    show this help`,
  list: `Usage: roomhooks list

Prints every callback roomhooks knows: the Tencent command, its event name, and whether it is an after- or a
before-callback (whose answer decides).`,
  sign: `Usage: roomhooks sign --token <token> [--time <unix seconds>]

Prints a RequestTime (now, unless --time) and the Sign the platform computes for it: sha256(token + time).
--token defaults to $ROOMHOOKS_TOKEN.`,
  schema: `Usage: roomhooks schema [--out <dir>]

Writes the JSON Schema of every callback body, one <command>.json per command, to --out (default ./schemas).`,
  failed: `Usage: roomhooks failed --redis <url> [options]

Lists the callbacks in the failed set of a @roomhooks/bullmq queue (the dead letter): those whose last attempt
failed, and those whose body the receiver refused (it failed its schema), marked refused. One line each, the
most recent first: the command, the SDKAppID, the attempts, when it failed and the last error.

${DEAD_LETTER_OPTIONS}
  --json                    print the callbacks as JSON
  --help                    show this help`,
  dev: `Usage: roomhooks dev [--port <port>] [options]

Runs a receiver that accepts every callback (after-callbacks are answered OK, before-callbacks allowed) and serves
@roomhooks/inspector at ${INSPECTOR_PATH}: a live page of each callback with its outcome, reason and exact payload,
with Replay. Point the platform's callback URL at it through a tunnel to see what it really sends before writing
handlers. Prints both URLs, then one line per callback; Ctrl+C stops it.

Needs @roomhooks/inspector installed beside the CLI (npm install @roomhooks/inspector).

Exits 0 once stopped (SIGINT or SIGTERM), 1 when it cannot listen (or @roomhooks/inspector is not installed), 2
on a usage error.

Options:
  --port <port>             the port to listen on (default: 3000; 0 takes any free port)
  --host <address>          the address to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)
  --path <path>             the callback path (default: /tencent/callback)
  --sdk-app-id <id>         accept this SDKAppID only (default: every app's callbacks are accepted)
  --token <token>           the callback token: Signs are checked, and the inspector needs it as ?token=
                            (default: $ROOMHOOKS_TOKEN)
  --help                    show this help`,
  replay: `Usage: roomhooks replay --redis <url> [options]

Puts the callbacks of the failed set of a @roomhooks/bullmq queue (the dead letter) back in the queue, with their
attempts reset, for the workers to run again: once the handler, or the schema that refused a body, is fixed.
Prints how many were replayed and one line each: the command, the SDKAppID, when it arrived and its id.

${DEAD_LETTER_OPTIONS}
  --help                    show this help`,
}

class UsageError extends Error {}

/** The send options that shape a body. */
interface BodyOptions {
  readonly set?: readonly string[] | undefined
  readonly validate: boolean
}

/**
 * Runs the CLI; resolves to the exit code (0 success, 1 a callback failed or a URL, or Redis, was unreachable,
 * 2 usage).
 */
export async function run(argv: readonly string[], output: Output): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'send':
        return await send(rest, output)
      case 'list':
        return list(rest, output)
      case 'sign':
        return sign(rest, output)
      case 'schema':
        return schema(rest, output)
      case 'failed':
        return await failed(rest, output)
      case 'replay':
        return await replay(rest, output)
      case 'dev':
        return await dev(rest, output)
      case '--version':
      case '-v':
        output.out(version())
        return 0
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        output.out(USAGE.main)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE.main}`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(error.message)
      return 2
    }
    if (
      error instanceof SendError ||
      error instanceof RedisError ||
      error instanceof MissingPackageError ||
      error instanceof ListenError
    ) {
      output.err(error.message)
      return 1
    }
    throw error
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: T,
  usage: string,
  positionals = false,
) {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean' } },
      allowPositionals: positionals,
      allowNegative: true,
    })
    return parsed
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`)
  }
}

async function send(args: readonly string[], output: Output): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      url: { type: 'string' },
      'sdk-app-id': { type: 'string' },
      token: { type: 'string' },
      set: { type: 'string', multiple: true },
      body: { type: 'string' },
      validate: { type: 'boolean', default: true },
      all: { type: 'boolean', default: false },
    },
    USAGE.send,
    true,
  )
  if (values.help) {
    output.out(USAGE.send)
    return 0
  }
  const url = values.url
  const sdkAppId = values['sdk-app-id']
  if (url === undefined || sdkAppId === undefined)
    throw new UsageError(`send needs --url and --sdk-app-id.\n\n${USAGE.send}`)
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(url)}`)
  if (values.all === positionals.length > 0)
    throw new UsageError(`send needs one event or command, or --all.\n\n${USAGE.send}`)
  const names = values.all ? commandDefinitions.map((definition) => definition.command) : positionals
  const token = tokenOrEnvironment(values.token)
  // Every body is built before the first is sent, so a usage error sends nothing.
  const fileBody = values.body === undefined ? undefined : readBodyFile(values.body)
  const callbacks = names
    .map(definitionOf)
    .map((definition) => ({ command: definition.command, body: bodyOf(definition, fileBody, values) }))
  let failed = 0
  let refused = 0
  for (const { command, body } of callbacks) {
    let result: SendResult
    try {
      result = await sendCallback(command, { url, sdkAppId, token, body, validate: values.validate })
    } catch (error) {
      if (error instanceof TypeError && !(error instanceof SendError)) throw new UsageError(error.message)
      throw error
    }
    output.out(describe(result))
    if (!result.ok) failed++
    if (result.refused) refused++
  }
  if (names.length > 1) {
    output.out(
      `${names.length - failed} of ${names.length} answered OK${refused > 0 ? ` (${refused} refused by the app)` : ''}`,
    )
  }
  return failed === 0 ? 0 : 1
}

function definitionOf(name: string): AnyCommandDefinition {
  const definition = findDefinition(name)
  if (definition === undefined) {
    throw new UsageError(`Unknown event or command ${JSON.stringify(name)}. Run roomhooks list to see them all.`)
  }
  return definition
}

/** The body to send: the --body file's or none (the sample), with the --set changes; undefined sends the sample. */
function bodyOf(
  definition: AnyCommandDefinition,
  fileBody: string | undefined,
  options: BodyOptions,
): string | undefined {
  if (options.set === undefined) return fileBody
  const payload: unknown = fileBody === undefined ? structuredClone(fixtures[definition.command]) : JSON.parse(fileBody)
  // --no-validate sends anything, unknown fields included.
  const schema = options.validate ? definition.schema : undefined
  for (const assignment of options.set) {
    try {
      setPath(payload as Record<string, unknown>, assignment, schema)
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
  }
  return JSON.stringify(payload, null, 2)
}

/** One line per answer; a refusal is ✘ too, since the app did not take the callback, though nothing failed. */
function describe(result: SendResult): string {
  const answer = result.envelope ? JSON.stringify(result.envelope) : result.text.slice(0, 200)
  const line = `${result.ok && !result.refused ? '✔' : '✘'} ${result.command} (${result.event}) → ${result.status} ${answer} in ${result.ms.toFixed(1)} ms`
  return result.refused ? `${line}: refused by the app` : line
}

/** --token, else ROOMHOOKS_TOKEN: a token in the environment stays out of shell history and process lists. */
function tokenOrEnvironment(flag: string | undefined): string | undefined {
  return flag ?? (process.env['ROOMHOOKS_TOKEN'] || undefined)
}

/** The CLI's own version, from its package.json, found by package name from src/ and dist/esm/ alike. */
function version(): string {
  return (createRequire(import.meta.url)('@roomhooks/cli/package.json') as { version: string }).version
}

function readBodyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(
      `Cannot read --body ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
}

function list(args: readonly string[], output: Output): number {
  const { values } = parse(args, {}, USAGE.list)
  if (values.help) {
    output.out(USAGE.list)
    return 0
  }
  const width = Math.max(...commandDefinitions.map((definition) => definition.command.length))
  const eventWidth = Math.max(...commandDefinitions.map((definition) => definition.event.length))
  for (const definition of commandDefinitions) {
    output.out(`${definition.command.padEnd(width)}  ${definition.event.padEnd(eventWidth)}  ${definition.kind}`)
  }
  return 0
}

function sign(args: readonly string[], output: Output): number {
  const { values } = parse(args, { token: { type: 'string' }, time: { type: 'string' } }, USAGE.sign)
  if (values.help) {
    output.out(USAGE.sign)
    return 0
  }
  const token = tokenOrEnvironment(values.token)
  if (token === undefined || token === '')
    throw new UsageError(`sign needs --token or ROOMHOOKS_TOKEN.\n\n${USAGE.sign}`)
  const time = values.time ?? String(Math.floor(Date.now() / 1000))
  if (!/^\d{1,12}$/.test(time)) throw new UsageError(`--time must be Unix seconds, got ${JSON.stringify(time)}`)
  output.out(`RequestTime=${time}`)
  output.out(`Sign=${signCallback(token, time)}`)
  return 0
}

function schema(args: readonly string[], output: Output): number {
  const { values } = parse(args, { out: { type: 'string', default: 'schemas' } }, USAGE.schema)
  if (values.help) {
    output.out(USAGE.schema)
    return 0
  }
  // The schemas @roomhooks/core publishes, generated from its TypeBox schemas: copied, never rebuilt here.
  const source = join(dirname(createRequire(import.meta.url).resolve('@roomhooks/core/package.json')), 'schemas')
  mkdirSync(values.out, { recursive: true })
  const files = readdirSync(source).filter((file) => file.endsWith('.json'))
  for (const file of files) copyFileSync(join(source, file), join(values.out, file))
  output.out(`Wrote ${files.length} JSON Schemas to ${values.out}`)
  return 0
}

async function dev(args: readonly string[], output: Output): Promise<number> {
  const { values } = parse(
    args,
    {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      path: { type: 'string', default: '/tencent/callback' },
      'sdk-app-id': { type: 'string' },
      token: { type: 'string' },
    },
    USAGE.dev,
  )
  if (values.help) {
    output.out(USAGE.dev)
    return 0
  }
  if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got ${JSON.stringify(values.port)}`)
  }
  // An empty address would listen on every interface and print URLs without a host (http://:3000/…).
  if (values.host.trim() === '') {
    throw new UsageError(
      `--host must be an address to listen on, such as 127.0.0.1 or 0.0.0.0, got ${JSON.stringify(values.host)}`,
    )
  }
  const path = values.path
  if (!/^\/[^?#\s]*$/.test(path))
    throw new UsageError(`--path must start with / and have no query, got ${JSON.stringify(path)}`)
  if (path === INSPECTOR_PATH || path.startsWith(`${INSPECTOR_PATH}/`)) {
    throw new UsageError(`--path must not be under ${INSPECTOR_PATH}, where the inspector is served`)
  }
  const sdkAppId = values['sdk-app-id']
  if (sdkAppId !== undefined && !/^\d{1,16}$/.test(sdkAppId)) {
    throw new UsageError(`--sdk-app-id must be your app's SDKAppID (digits), got ${JSON.stringify(sdkAppId)}`)
  }
  const token = tokenOrEnvironment(values.token)
  if (token === '') throw new UsageError('--token must not be empty (leave it out to check no Sign)')
  let server: DevServer
  try {
    server = await startDev({ port: Number(values.port), host: values.host, path, sdkAppId, token }, output)
  } catch (error) {
    // The receiver's own checks of its options (a token with white space around it) are usage errors here.
    if (error instanceof TypeError && error.message.startsWith('[@roomhooks/')) throw new UsageError(error.message)
    throw error
  }
  output.out('roomhooks dev: a receiver without handlers (after-callbacks are answered OK, before-callbacks allowed)')
  output.out(`  callbacks  POST ${server.callbackUrl}`)
  output.out(
    `             ${sdkAppId === undefined ? 'any SdkAppid' : `SdkAppid ${sdkAppId} only`}, ${token === undefined ? 'Sign not checked (no --token)' : 'Sign checked with the token'}`,
  )
  output.out(`  inspector  ${server.inspectorUrl}`)
  if (token === undefined)
    output.out('             this machine only (--token opens it to others, through a tunnel too)')
  output.out('Ctrl+C to stop.')
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await server.close()
  output.out(`Stopped (${signal}).`)
  return 0
}

/** How many failed callbacks `failed` and `replay` take when there is no --limit. */
const DEFAULT_LIMIT = 100

/** The options `failed` and `replay` share: which queue, where, and which of its failed callbacks. */
const deadLetterOptions = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  prefix: { type: 'string' },
  command: { type: 'string' },
  limit: { type: 'string' },
} as const

async function failed(args: readonly string[], output: Output): Promise<number> {
  const { values } = parse(args, { ...deadLetterOptions, json: { type: 'boolean', default: false } }, USAGE.failed)
  if (values.help) {
    output.out(USAGE.failed)
    return 0
  }
  const query = deadLetterQuery('failed', values, USAGE.failed)
  const { limit } = query
  // One more than shown, to tell whether --limit left some out.
  const { queueName, callbacks: found, unreadable } = await listDeadLetter({ ...query, limit: limit + 1 })
  const callbacks = found.slice(0, limit)
  tellUnreadable(unreadable, output)
  if (values.json) {
    output.out(JSON.stringify(callbacks, null, 2))
    return 0
  }
  const where = queueDescription(queueName, query.command)
  if (callbacks.length === 0) {
    // The default queue is often not the one meant: say how to name another.
    const hint = query.queueName === undefined ? ` (the default queue: name the delivery's with --queue <name>)` : ''
    output.out(`No failed callbacks ${where}${hint}.`)
    return 0
  }
  for (const line of describeFailed(callbacks)) output.out(line)
  const refused = callbacks.filter((callback) => callback.refused).length
  const more = found.length > limit ? `: the ${limit} most recent, raise --limit to see more` : ''
  output.out(
    `${count(callbacks.length, 'failed callback')} ${where}${refused > 0 ? ` (${refused} refused)` : ''}${more}`,
  )
  return 0
}

async function replay(args: readonly string[], output: Output): Promise<number> {
  const { values } = parse(args, deadLetterOptions, USAGE.replay)
  if (values.help) {
    output.out(USAGE.replay)
    return 0
  }
  const query = deadLetterQuery('replay', values, USAGE.replay)
  const { queueName, callbacks, unreadable } = await replayDeadLetter(query)
  tellUnreadable(unreadable, output)
  const where = queueDescription(queueName, query.command)
  if (callbacks.length === 0) {
    output.out(`No failed callbacks ${where}: nothing replayed.`)
    return 0
  }
  output.out(`Replayed ${count(callbacks.length, 'failed callback')} ${where}:`)
  for (const line of describeReplayed(callbacks)) output.out(line)
  return 0
}

/**
 * The checked options of `failed` or `replay`: --redis (or ROOMHOOKS_REDIS_URL), --queue, --prefix, --command,
 * --limit.
 */
function deadLetterQuery(
  command: string,
  values: {
    readonly redis?: string | undefined
    readonly queue?: string | undefined
    readonly prefix?: string | undefined
    readonly command?: string | undefined
    readonly limit?: string | undefined
  },
  usage: string,
): DeadLetterQuery & { readonly limit: number } {
  const redisUrl = values.redis ?? (process.env['ROOMHOOKS_REDIS_URL'] || undefined)
  if (redisUrl === undefined) throw new UsageError(`${command} needs --redis or ROOMHOOKS_REDIS_URL.\n\n${usage}`)
  if (!/^rediss?:\/\/./.test(redisUrl) || !URL.canParse(redisUrl)) {
    throw new UsageError(`--redis must be a redis:// or rediss:// URL, got ${JSON.stringify(redisUrl)}`)
  }
  if (values.queue !== undefined && (values.queue === '' || values.queue.includes(':'))) {
    throw new UsageError(`--queue must be a queue name without ':', got ${JSON.stringify(values.queue)}`)
  }
  if (values.prefix === '') throw new UsageError('--prefix must not be empty')
  if (values.limit !== undefined && !(/^\d{1,9}$/.test(values.limit) && Number(values.limit) > 0)) {
    throw new UsageError(`--limit must be a whole number above 0, got ${JSON.stringify(values.limit)}`)
  }
  return {
    redisUrl,
    queueName: values.queue,
    prefix: values.prefix,
    // An event name is taken for its command, as send does; anything else as it is (the queue may hold commands
    // this version does not know).
    command: values.command === undefined ? undefined : (findDefinition(values.command)?.command ?? values.command),
    limit: values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit),
  }
}

/** Says on stderr which failed jobs were skipped because they cannot be read, if any: the listing itself is fine. */
function tellUnreadable(ids: readonly string[], output: Output): void {
  const line = describeUnreadable(ids)
  if (line !== undefined) output.err(line)
}

/** `in queue roomhooks`, or `of Room.CallbackAfterMemberEnter in queue roomhooks` with --command. */
function queueDescription(queueName: string, command: string | undefined): string {
  return command === undefined ? `in queue ${queueName}` : `of ${command} in queue ${queueName}`
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
