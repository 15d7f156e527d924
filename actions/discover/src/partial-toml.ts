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
  const parts =
    (wanted.length === 1 ? onlyTable(text, wanted[0]) : undefined) ?? relevantText(text, wanted)
  if (parts === undefined) return parseToml(text, file)
  const simple = simpleCached(parts)
  if (simple) return simple
  try {
    return parseToml(parts, file)
  } catch {
    return parseToml(text, file)
  }
}

/**
 * The one wanted table by the fast path alone (onlyTable, then the plain-TOML reader); undefined
 * when that path cannot decide, and parseTomlPartial must.
 */
export function quickTable(
  text: string | Buffer,
  table: string[],
  latin1?: string
): TomlTable | undefined {
  const section = onlyTable(text, table, latin1)
  return section === undefined ? undefined : simpleCached(section)
}

// Packages mostly share a handful of CI tables: parse each distinct one once. The results are
// frozen, since several packages hold the same object.
const simpleCache = new Map<string, TomlTable | undefined>()

function simpleCached(text: string): TomlTable | undefined {
  if (simpleCache.has(text)) return simpleCache.get(text)
  const parsed = parseSimpleToml(text)
  if (parsed) deepFreeze(parsed)
  if (simpleCache.size < 10_000) simpleCache.set(text, parsed)
  return parsed
}

function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object') return
  Object.freeze(v)
  for (const x of Object.values(v)) deepFreeze(x)
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/
const KEY_BEFORE = new Set(['', '\n', ' ', '\t', '.', '[', '{', ','])
const KEY_AFTER = new Set(['', '\n', '\r', ' ', '\t', '.', '=', ']', '}'])

/**
 * The fast path for one wanted table, `[a.b.c]`, with string searches only. Anything that
 * defines keys under a.b.c names each of its keys, so it names the longest one, N, as a key:
 * bare (nothing but separators around it) or quoted. When the only such mention of N is the
 * header line `[a.b.c]` itself, that section (to the next line starting with `[`) is all there
 * is to parse; when N is never named as a key, the table is absent. Otherwise (a second
 * mention, a sub-table, a quoted key, an escape) undefined sends the text down relevantText.
 * A section cut short by an array line starting with `[` does not parse, which also falls back.
 */
export function onlyTable(
  text: string | Buffer,
  table: string[],
  latin1?: string
): string | undefined {
  const plan = tablePlan(table)
  if (!plan) return undefined
  // Every character compared below is ASCII. A Buffer is searched through its latin1 decoding
  // (one character per byte, so offsets are byte offsets, and no byte of a multi-byte UTF-8
  // character reads as ASCII); only the section is decoded as UTF-8. Native string searches
  // are several times cheaper than Buffer.indexOf on thousands of small files. The caller may
  // hand in that decoding (see FileArena.latin1).
  const scan = typeof text === 'string' ? text : (latin1 ?? text.toString('latin1'))
  if (unsafe(scan)) return undefined
  const { needle, header, offset } = plan
  let from = -1
  let to = -1
  for (let at = scan.indexOf(needle); at >= 0; at = scan.indexOf(needle, at + 1)) {
    const before = at > 0 ? scan[at - 1] : ''
    const end = at + needle.length
    const after = end < scan.length ? scan[end] : ''
    const quoted = (before === '"' || before === "'") && after === before
    if (!quoted && !(KEY_BEFORE.has(before) && KEY_AFTER.has(after))) continue
    const start = at - offset
    if (from >= 0 || quoted || start < 0 || !scan.startsWith(header, start)) return undefined
    if (start > 0 && scan[start - 1] !== '\n') return undefined
    let eol = scan.indexOf('\n', start)
    if (eol < 0) eol = scan.length
    if (!END.test(scan.slice(start + header.length, eol).replace(/\r$/, ''))) return undefined
    const next = scan.indexOf('\n[', eol)
    from = start
    to = next < 0 ? scan.length : next + 1
  }
  if (from < 0) return ''
  return typeof text === 'string' ? text.slice(from, to) : text.toString('utf8', from, to)
}

const plans = new Map<string, { needle: string; header: string; offset: number } | undefined>()

/** What onlyTable searches for, worked out once per table path. */
function tablePlan(table: string[]) {
  const joined = table.join('.')
  if (plans.has(joined)) return plans.get(joined)
  let plan
  if (table.length >= 2 && table.every((k) => BARE_KEY.test(k))) {
    const needle = table.reduce((a, b) => (b.length > a.length ? b : a))
    const header = `[${joined}]`
    const offset = header.indexOf(needle === table[0] ? `[${needle}` : `.${needle}`) + 1
    plan = { needle, header, offset }
  }
  plans.set(joined, plan)
  return plan
}

/** Texts that could hide a header or a key from a line-based reading. */
function unsafe(text: string | Buffer): boolean {
  return (
    text.includes('"""') || text.includes("'''") || text.includes('\\u') || text.includes('\\U')
  )
}

/**
 * A line starting (after indentation) with `[`: a table header or an array value line. Group 1
 * holds the dotted path of a header in the common spelling (bare keys, no spaces or quotes).
 * One native regular expression finds them faster than any loop over characters in a process
 * that lives for a fraction of a second.
 */
const BRACKET_LINE =
  /^[ \t]*\[(?:\[?([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\]\]?[ \t]*(?:#[^\r\n]*)?\r?$|[^\r\n]*)/gm

/** The root section and the wanted sections, in document order; undefined to mean "parse all". */
export function relevantText(text: string, wanted: string[][]): string | undefined {
  if (unsafe(text)) return undefined
  const joined = wanted.map((w) => w.join('.'))
  let out = ''
  let keepFrom = 0
  let keeping = true
  BRACKET_LINE.lastIndex = 0
  for (let m = BRACKET_LINE.exec(text); m; m = BRACKET_LINE.exec(text)) {
    const bare = m[1]
    let related: boolean
    if (bare !== undefined) related = joined.some((w) => dottedRelated(w, bare))
    else {
      const header = headerPath(m[0].replace(/\r$/, ''))
      if (header === undefined) continue
      if (header === null) return undefined
      related = wanted.some((w) => prefixRelated(header, w))
    }
    if (keeping) out += text.slice(keepFrom, m.index)
    keeping = related
    keepFrom = m.index
  }
  if (keeping) out += text.slice(keepFrom)
  return out
}

/** Whether dotted path `a` is `b`, a prefix of it, or lies under it (whole keys only). */
function dottedRelated(a: string, b: string): boolean {
  if (a.length === b.length) return a === b
  const [short, long] = a.length < b.length ? [a, b] : [b, a]
  return long.charCodeAt(short.length) === 46 && long.startsWith(short)
}

function prefixRelated(a: string[], b: string[]): boolean {
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

// The plain subset of TOML that CI tables are written in (see parseSimpleToml). Control
// characters are excluded on purpose: TOML forbids them in strings and comments.
/* eslint-disable no-control-regex */
const SIMPLE_HEADER =
  /^\[[ \t]*([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*\][ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?$/
const SIMPLE_KEY = /^([A-Za-z0-9_-]+)[ \t]*=[ \t]*/
const SCALAR =
  /^(?:"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"|'([^'\x00-\x08\x0a-\x1f\x7f]*)'|(true|false)(?![A-Za-z0-9_-])|(0|-?[1-9][0-9]{0,14})(?![0-9A-Za-z_.:+-]))/
const END = /^[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?$/
/* eslint-enable no-control-regex */

type Scalar = string | number | boolean

/** TOML whitespace is spaces and tabs only; String.trim would accept more than TOML does. */
const trimEnds = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, '')
const trimHead = (s: string) => s.replace(/^[ \t]+/, '')

function scalar(s: string): [Scalar, string] | undefined {
  const m = SCALAR.exec(s)
  if (!m) return undefined
  const rest = s.slice(m[0].length)
  if (m[1] !== undefined) return [m[1], rest]
  if (m[2] !== undefined) return [m[2], rest]
  if (m[3] !== undefined) return [m[3] === 'true', rest]
  return [Number(m[4]), rest]
}

function value(s: string): [Scalar | Scalar[], string] | undefined {
  if (s[0] !== '[') return scalar(s)
  const items: Scalar[] = []
  let rest = trimHead(s.slice(1))
  while (rest[0] !== ']') {
    const v = scalar(rest)
    if (!v) return undefined
    items.push(v[0])
    rest = trimHead(v[1])
    if (rest[0] === ',') rest = trimHead(rest.slice(1))
    else if (rest[0] !== ']') return undefined
  }
  return [items, rest.slice(1)]
}

/**
 * Parses the plain TOML that CI tables are written in, without a general parser: bare-key
 * `[a.b]` headers, `key = value` lines whose value is a string without escapes, an integer, a
 * boolean, or a one-line array of those, blank lines and comments. Anything else (and any
 * redefinition) returns undefined, and the full parser decides, errors included. Warming up a
 * general parser for 5,000 small tables costs more than reading the files.
 */
export function parseSimpleToml(text: string): TomlTable | undefined {
  const root: TomlTable = {}
  const tables = new Set<TomlTable>([root])
  const defined = new Set<TomlTable>()
  let current = root
  for (const raw of text.split('\n')) {
    const line = trimEnds(raw.endsWith('\r') ? raw.slice(0, -1) : raw)
    if (line === '' || line[0] === '#') {
      if (!END.test(line)) return undefined
      continue
    }
    if (line[0] === '[') {
      const h = SIMPLE_HEADER.exec(line)
      if (!h) return undefined
      let t = root
      for (const key of h[1].split('.')) {
        const k = trimEnds(key)
        if (k === '__proto__') return undefined
        if (!Object.hasOwn(t, k)) {
          const sub: TomlTable = {}
          tables.add(sub)
          t[k] = sub
        }
        const next = t[k] as TomlTable
        if (!tables.has(next)) return undefined
        t = next
      }
      if (defined.has(t)) return undefined
      defined.add(t)
      current = t
      continue
    }
    const k = SIMPLE_KEY.exec(line)
    if (!k || k[1] === '__proto__' || Object.hasOwn(current, k[1])) return undefined
    const v = value(line.slice(k[0].length))
    if (!v || !END.test(v[1])) return undefined
    current[k[1]] = v[0]
  }
  return root
}
