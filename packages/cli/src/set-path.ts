/**
 * Applies `--set Path.To.Field=value` to a payload, in place: dots separate keys, numbers index arrays, and the
 * value is read as JSON when it is JSON (`500`, `true`, `["a"]`) and as text otherwise.
 */
export function setPath(payload: Record<string, unknown>, assignment: string): void {
  const equals = assignment.indexOf('=')
  if (equals <= 0) throw new TypeError(`--set needs Path.To.Field=value, got ${JSON.stringify(assignment)}`)
  const keys = assignment.slice(0, equals).split('.')
  if (keys.some((key) => key === '' || key === '__proto__' || key === 'constructor' || key === 'prototype')) {
    throw new TypeError(`--set has an invalid path: ${JSON.stringify(assignment.slice(0, equals))}`)
  }
  let node: Record<string, unknown> = payload
  keys.slice(0, -1).forEach((key, i) => {
    const next = node[key]
    if (next === null || typeof next !== 'object') node[key] = /^\d+$/.test(keys[i + 1] as string) ? [] : {}
    node = node[key] as Record<string, unknown>
  })
  node[keys.at(-1) as string] = readValue(assignment.slice(equals + 1))
}

function readValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
