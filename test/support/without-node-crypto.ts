import { execFileSync } from 'node:child_process'

/**
 * Runs `script` (an ES module's body, `await` allowed) in a Node.js process that has no
 * process.getBuiltinModule(), so roomhooks finds no Node crypto module, as on Cloudflare Workers. The script
 * reads `input` (JSON) as `input` and ends with `return` of what it found; the value comes back through JSON.
 */
export function runWithoutNodeCrypto<T>(script: string, input: unknown): T {
  const program = `
    delete process.getBuiltinModule
    let text = ''
    process.stdin.setEncoding('utf8')
    for await (const chunk of process.stdin) text += chunk
    const input = JSON.parse(text)
    const found = await (async () => { ${script} })()
    process.stdout.write(JSON.stringify(found))
  `
  const output = execFileSync(process.execPath, ['--input-type=module', '--eval', program], {
    input: JSON.stringify(input),
    maxBuffer: 64 * 1024 * 1024,
  })
  return JSON.parse(output.toString('utf8')) as T
}
