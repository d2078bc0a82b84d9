const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A text kept whole, or cut at a byte limit. */
export interface LimitedText {
  readonly text: string
  readonly truncated: boolean
}

/**
 * Keeps at most `maxBytes` of a text's UTF-8: what the inspector keeps of a body, a stack or an answer, so that a
 * ring of entries stays bounded in memory whatever arrives. A cut never splits a character.
 */
export function limitText(text: string, maxBytes: number): LimitedText {
  // Three bytes per UTF-16 unit at most: short texts are kept without encoding them.
  if (text.length * 3 <= maxBytes) return { text, truncated: false }
  const bytes = encoder.encode(text)
  if (bytes.length <= maxBytes) return { text, truncated: false }
  let end = maxBytes
  // Back up to the start of a character: continuation bytes are 10xxxxxx.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return { text: decoder.decode(bytes.subarray(0, end)), truncated: true }
}
