// Some documented payloads carry user IDs as bare JSON numbers above 2^53 (e.g. "Owner_Account":
// 144115216631667826), which JSON.parse rounds. Node 20 has no JSON.parse source-text access, so such values are
// quoted before parsing. The fast path looks only at the values of `*_Account` keys, found with indexOf: in valid
// JSON the text `_Account"` followed by `:` can only be the end of a key (a quote inside a string is escaped, and a
// string value is never followed by a colon), so the rest of the body is never walked. Any other field the schema
// types as a string is repaired after validation from a second parse of the text that quotes every such integer
// (see validate.ts): that costs a full scan, paid only by the rare body that needs it.

const KEY_END = '_Account"'
const UNSAFE_DIGITS = 16 // every integer above 2^53 has at least 16 digits
// A JSON integer: no leading zero, so that quoting never turns an invalid number into a valid string.
const JSON_INTEGER = /^-?(0|[1-9]\d*)$/

/** JSON.parse that keeps every integer above 2^53 under a `*_Account` key as its exact digit string. */
export function parseJsonLosslessly(text: string): unknown {
  return JSON.parse(quoteUnsafeAccountNumbers(text))
}

/**
 * JSON.parse that keeps every integer above 2^53, wherever it stands, as its exact digit string: for a value typed
 * by hand (`[144115233775727695]`), where no key says what it is. Scans the whole text, unlike the receiver's path.
 */
export function parseJsonExactly(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text))
}

/**
 * The text with every integer literal above 2^53 quoted, for a parse that gives back the digits JSON.parse rounded;
 * undefined when that parse could give back none that {@link parseJsonLosslessly} had not kept already: there is
 * no such literal, or each stands under a `*_Account` key. Two scans of the text, no parse.
 */
export function quoteUnsafeIntegersBeyondAccounts(text: string): string | undefined {
  const quoted = quoteUnsafeIntegers(text)
  return quoted === quoteUnsafeAccountNumbers(text) ? undefined : quoted
}

/**
 * Wraps in quotes each integer literal too large for a double that is the value of a key ending in `_Account`,
 * or an element of an array that is. Returns the same string when there is none. Text that is not JSON comes
 * back in a shape JSON.parse still refuses.
 */
function quoteUnsafeAccountNumbers(text: string): string {
  const quoted: Quoting = { output: '', copied: 0 }
  for (let at = text.indexOf(KEY_END); at !== -1; at = text.indexOf(KEY_END, at + KEY_END.length)) {
    let i = skipSpace(text, at + KEY_END.length)
    if (text.charCodeAt(i) !== 0x3a /* : */) continue
    i = skipSpace(text, i + 1)
    const inArray = text.charCodeAt(i) === 0x5b /* [ */
    if (inArray) i = skipSpace(text, i + 1)
    else if (!isNumberStart(text.charCodeAt(i))) continue // a string (most IDs), object or literal: nothing to quote
    while (i < text.length) {
      const char = text.charCodeAt(i)
      if (char === 0x22 /* " */) {
        i = endOfString(text, i) + 1
      } else if (isNumberStart(char)) {
        i = quoteNumberAt(text, i, quoted)
      } else {
        break // an object, a nested array, a literal or the end of the array: nothing to quote here
      }
      if (!inArray) break
      i = skipSpace(text, i)
      if (text.charCodeAt(i) !== 0x2c /* , */) break
      i = skipSpace(text, i + 1)
    }
  }
  return quotedText(text, quoted)
}

/**
 * Wraps in quotes every integer literal too large for a double, wherever it stands. A full scan of the text: the
 * slow path, for bodies where a string field was found to have lost digits.
 */
function quoteUnsafeIntegers(text: string): string {
  const quoted: Quoting = { output: '', copied: 0 }
  for (let i = 0; i < text.length;) {
    const char = text.charCodeAt(i)
    if (char === 0x22 /* " */) i = endOfString(text, i) + 1
    else if (isNumberStart(char)) i = quoteNumberAt(text, i, quoted)
    else i++
  }
  return quotedText(text, quoted)
}

/** The text rewritten so far (`output`) and where the unread rest of the original starts (`copied`). */
interface Quoting {
  output: string
  copied: number
}

/** Quotes the number literal starting at `start` when it is an integer too large for a double; returns its end. */
function quoteNumberAt(text: string, start: number, quoted: Quoting): number {
  const end = endOfNumber(text, start)
  if (end - start >= UNSAFE_DIGITS && isUnsafeInteger(text.slice(start, end))) {
    quoted.output += `${text.slice(quoted.copied, start)}"${text.slice(start, end)}"`
    quoted.copied = end
  }
  return end
}

function quotedText(text: string, quoted: Quoting): string {
  return quoted.copied === 0 ? text : quoted.output + text.slice(quoted.copied)
}

function isNumberStart(char: number): boolean {
  return char === 0x2d /* - */ || isDigit(char)
}

function isDigit(char: number): boolean {
  return char >= 0x30 && char <= 0x39
}

function isUnsafeInteger(literal: string): boolean {
  return JSON_INTEGER.test(literal) && !Number.isSafeInteger(Number(literal))
}

function skipSpace(text: string, from: number): number {
  let i = from
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++
  return i
}

function endOfString(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes++
    if (backslashes % 2 === 0) return quote
  }
  return text.length
}

function endOfNumber(text: string, start: number): number {
  let i = start + 1
  for (; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (
      !isDigit(char) &&
      char !== 0x2e /* . */ &&
      char !== 0x65 &&
      char !== 0x45 /* e E */ &&
      char !== 0x2b &&
      char !== 0x2d
    )
      break
  }
  return i
}
