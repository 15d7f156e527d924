// Small helpers over strings that every action needs, defined once.

/** `1 violation`, `3 violations`; `many` for a noun whose plural is not `<one>s`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

/**
 * A comparator for code-point order (`'B' < 'a' < 'b'`), the order git lists paths in (JavaScript
 * compares UTF-16 units, which can differ only past U+FFFF). Reports sort with it rather than
 * `localeCompare` so the same input gives the same order on every machine, whatever its locale.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * `list` sorted in place in byCodePoint's order, and returned. Without a comparator, sort
 * compares strings by UTF-16 units as `<` does, natively: several times faster than calling
 * byCodePoint, which counts when every folder of thousands of packages is listed.
 */
export function sortByCodePoint(list: string[]): string[] {
  return list.sort()
}

/** `text` with every character a regular expression gives a meaning escaped, to match it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * `text` cut to at most `max` characters with `…` where it was cut: a line of a repository file
 * quoted in a message may be of any length.
 */
export function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The 1-based line of `offset` in `text` (line breaks counted as `\n`, so CRLF counts once). */
export function lineAt(text: string, offset: number): number {
  let line = 1
  for (let k = 0; k < offset; k++) if (text.charCodeAt(k) === 10) line++
  return line
}

/** The first `max` names, then how many more: `a, b, c and 4 more`. */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ')
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`
}

/**
 * Whether the text holds a control character (U+0000 to U+001F, U+007F): a line break or escape
 * in a name would end a log line early and start a workflow command of its own.
 */
export function hasControlCharacter(text: string): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
