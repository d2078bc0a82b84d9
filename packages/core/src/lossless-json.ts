// Some documented payloads carry user IDs as bare JSON numbers above 2^53 (e.g. "Owner_Account":
// 144115216631667826), which JSON.parse rounds. Node 20 has no JSON.parse source-text access, so the few bodies
// that hold such a number get those values quoted before parsing. Bodies without a run of 16 digits (all the
// common ones) take JSON.parse alone.

const LONG_DIGIT_RUN = /\d{16}/
const ACCOUNT_SUFFIX = '_Account'

/** JSON.parse that keeps every integer above 2^53 under a `*_Account` key as its exact digit string. */
export function parseJsonLosslessly(text: string): unknown {
  return JSON.parse(LONG_DIGIT_RUN.test(text) ? quoteUnsafeAccountNumbers(text) : text)
}

/**
 * Wraps in quotes each integer literal that is too large for a double and is the value (or an array element of
 * the value) of a key ending in `_Account`. Text that is not JSON comes back in a shape JSON.parse still refuses.
 */
export function quoteUnsafeAccountNumbers(text: string): string {
  // One frame per open object or array: the key that owns it, and whether it is an object.
  const owners: (string | undefined)[] = []
  const objects: boolean[] = []
  let key: string | undefined
  let expectingKey = false
  let output = ''
  let copied = 0

  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (char === 0x22 /* " */) {
      const end = endOfString(text, i)
      if (expectingKey) {
        key = text.slice(i + 1, end)
        expectingKey = false
      }
      i = end
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      owners.push(key)
      objects.push(char === 0x7b)
      expectingKey = char === 0x7b
      if (expectingKey) key = undefined
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      objects.pop()
      key = owners.pop()
      expectingKey = false
    } else if (char === 0x2c /* , */) {
      expectingKey = objects.at(-1) === true
    } else if (char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39)) {
      const end = endOfNumber(text, i)
      const literal = text.slice(i, end)
      if (key?.endsWith(ACCOUNT_SUFFIX) && /^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        output += `${text.slice(copied, i)}"${literal}"`
        copied = end
      }
      i = end - 1
    }
  }
  return copied === 0 ? text : output + text.slice(copied)
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (char === 0x5c /* \ */) i++
    else if (char === 0x22) return i
  }
  return text.length
}

function endOfNumber(text: string, start: number): number {
  let i = start + 1
  while (i < text.length && /[\d.eE+-]/.test(text.charAt(i))) i++
  return i
}
