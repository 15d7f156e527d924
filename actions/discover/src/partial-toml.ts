import { parseToml, TomlTable } from '@contribs-actions/shared'

/**
 * Parses only the parts of a TOML document that can define the given key paths: the root
 * section (dotted keys) and every `[table]` or `[[table]]` whose path is a prefix of a wanted
 * path or lies under one. discover reads 5,000 pyproject files per run and needs one or two
 * tables of each, so parsing whole files would be most of its cost.
 *
 * The result equals the full parse restricted to the wanted paths. When the text could fool the
 * line-based split (multi-line strings, escapes in keys, a `[`-line that is neither a header nor
 * plainly something else), or the restricted text does not parse, the whole text is parsed
 * instead, so a syntax error is always reported with the real line and column.
 */
export function parseTomlPartial(text: string, file: string, wanted: string[][]): TomlTable {
  const parts = relevantText(text, wanted)
  if (parts === undefined) return parseToml(text, file)
  try {
    return parseToml(parts, file)
  } catch {
    return parseToml(text, file)
  }
}

/** A line starting (after indentation) with `[`: a table header or an array value line. */
const BRACKET_LINE = /^[ \t]*\[[^\r\n]*/gm

/** The root section and the wanted sections, in document order; undefined to mean "parse all". */
export function relevantText(text: string, wanted: string[][]): string | undefined {
  if (text.includes('"""') || text.includes("'''") || text.includes('\\u') || text.includes('\\U'))
    return undefined
  const parts: string[] = []
  let keepFrom = 0
  let keeping = true
  BRACKET_LINE.lastIndex = 0
  for (let m = BRACKET_LINE.exec(text); m; m = BRACKET_LINE.exec(text)) {
    const header = headerPath(m[0])
    if (header === undefined) continue
    if (header === null) return undefined
    if (keeping) parts.push(text.slice(keepFrom, m.index))
    keeping = wanted.some((w) => related(header, w))
    keepFrom = m.index
  }
  if (keeping) parts.push(text.slice(keepFrom))
  return parts.join('\n')
}

function related(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}

const BARE = /^[A-Za-z0-9_-]+/

/**
 * The key path of a header line; `undefined` when the line is plainly not a header (an array
 * value such as `[1, 2],`); `null` when it might be a header this reader cannot split (a quoted
 * key with escapes), so the caller parses the whole text.
 */
export function headerPath(line: string): string[] | undefined | null {
  let s = line.trimStart()
  const double = s.startsWith('[[')
  s = s.slice(double ? 2 : 1).trimStart()
  const path: string[] = []
  for (;;) {
    let key: string | undefined
    if (s[0] === '"' || s[0] === "'") {
      const end = s.indexOf(s[0], 1)
      if (end < 0) return s.includes('\\') ? null : undefined
      key = s.slice(1, end)
      if (s[0] === '"' && key.includes('\\')) return null
      s = s.slice(end + 1)
    } else {
      const m = BARE.exec(s)
      if (!m) return line.includes('"') || line.includes("'") ? null : undefined
      key = m[0]
      s = s.slice(key.length)
    }
    path.push(key)
    s = s.trimStart()
    if (s[0] === '.') {
      s = s.slice(1).trimStart()
      continue
    }
    break
  }
  const close = double ? ']]' : ']'
  if (!s.startsWith(close)) return line.includes('"') || line.includes("'") ? null : undefined
  const rest = s.slice(close.length).trim()
  if (rest !== '' && !rest.startsWith('#')) return undefined
  return path
}
