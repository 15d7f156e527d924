import { parse, TomlError } from 'smol-toml'
import { UserError } from './errors.js'

export type TomlTable = Record<string, unknown>

/** Parses TOML, turning a syntax error into a UserError with the parser's line and column. */
export function parseToml(text: string, file: string): TomlTable {
  try {
    return parse(text) as TomlTable
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = e.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '')
      throw new UserError(`invalid TOML: ${reason}`, { file, line: e.line, column: e.column })
    }
    throw e
  }
}

/**
 * Finds 1-based line numbers in a TOML text, so findings can be annotated on the exact line of
 * a pull request diff. It reads the text's statements with scanToml (the scanner that edits
 * use too), once, and only when there is something to report.
 */
export class TomlLines {
  private statements: TomlStatement[] | undefined
  constructor(private readonly text: string) {}

  private all(): TomlStatement[] {
    this.statements ??= scanToml(this.text)
    return this.statements
  }

  /** The line of `[a.b]` (0 for the root table, meaning "before the first header"). */
  tableLine(table: string[]): number | undefined {
    if (table.length === 0) return 0
    return this.all().find((s) => s.kind === 'header' && samePath(s.path, table))?.line
  }

  /**
   * The line of `key = ...` in `table` (written under its header or as a dotted key), or of
   * `value` (a string literal) inside that key's value; a key inside an inline table gives the
   * line of the pair that holds the inline table.
   */
  find(table: string[], key?: string, value?: string): number | undefined {
    if (key === undefined) return this.tableLine(table) || undefined
    const path = [...table, key]
    const pairs = this.all().filter((s) => s.kind === 'pair')
    const pair =
      pairs.find((s) => samePath(s.path, path)) ??
      pairs.find(
        (s) => s.path.length < path.length && samePath(s.path, path.slice(0, s.path.length))
      )
    if (!pair || value === undefined) return pair?.line
    const span = this.text.slice(pair.lineStart, pair.end)
    const at = Math.min(
      ...[JSON.stringify(value), `'${value}'`].map((n) => span.indexOf(n)).filter((i) => i >= 0)
    )
    if (!Number.isFinite(at)) return pair.line
    return pair.line + (span.slice(0, at).match(/\n/g)?.length ?? 0)
  }
}

/**
 * One top-level TOML statement found by the scanner: a table header or a `key = value` pair,
 * with character offsets so an edit can replace exactly the value and nothing else.
 */
export interface TomlStatement {
  kind: 'header' | 'pair'
  /** Header: the table path. Pair: the full key path (header path + dotted key). */
  path: string[]
  /** Pair only: the dotted key as written, split. */
  key: string[]
  arrayTable: boolean
  /** Offset of the first character of the line the statement starts on. */
  lineStart: number
  /** Pair only: the value's first and one-past-last characters. */
  valueStart: number
  valueEnd: number
  /** Offset just past the line terminator of the statement's last line (or the end of the text). */
  end: number
  /** 1-based line of the statement's first line. */
  line: number
  /** Leading whitespace of the statement's line. */
  indent: string
}

const BARE_KEY = /[A-Za-z0-9_-]/

/**
 * Splits a TOML text into its top-level statements. It is a scanner, not a parser: it only has to
 * know where strings, arrays, inline tables and comments begin and end, so that a `[` inside a
 * multi-line array or a `version` inside a string is never mistaken for a header or a key. The
 * text has already been parsed by smol-toml, so it is valid TOML.
 */
export function scanToml(text: string): TomlStatement[] {
  const out: TomlStatement[] = []
  // A byte-order mark is not part of the first key.
  let i = text.startsWith('\uFEFF') ? 1 : 0
  let table: string[] = []
  const n = text.length

  const skipSpaces = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++
  }
  const toLineEnd = () => {
    while (i < n && text[i] !== '\n') i++
    if (i < n) i++
  }
  // Statements come in text order, so lines are counted on from the last one asked for (counting
  // from the start each time was quadratic: most of a 5,000-package dry run).
  let countedTo = 0
  let linesBefore = 1
  const lineOf = (offset: number) => {
    if (offset < countedTo) [countedTo, linesBefore] = [0, 1]
    for (; countedTo < offset; countedTo++) if (text.charCodeAt(countedTo) === 10) linesBefore++
    return linesBefore
  }
  /** Skips a string starting at i (any of the four kinds); i ends past its closing delimiter. */
  const skipString = () => {
    const q = text[i]
    if (text.startsWith(q.repeat(3), i)) {
      i += 3
      const close = q.repeat(3)
      while (i < n && !text.startsWith(close, i)) i += q === '"' && text[i] === '\\' ? 2 : 1
      i += 3
      // Up to two quotes may directly precede the closing delimiter (`""""a""""`).
      for (let extra = 0; extra < 2 && text[i] === q; extra++) i++
      return
    }
    i++
    while (i < n && text[i] !== q && text[i] !== '\n') i += q === '"' && text[i] === '\\' ? 2 : 1
    i++
  }
  /** Reads one key segment (bare or quoted); returns its value. */
  const readKeySegment = (): string => {
    const q = text[i]
    if (q === '"' || q === "'") {
      const start = i
      skipString()
      const raw = text.slice(start + 1, i - 1)
      return q === '"' ? raw.replace(/\\(["\\])/g, '$1') : raw
    }
    const start = i
    while (i < n && BARE_KEY.test(text[i])) i++
    return text.slice(start, i)
  }
  const readKey = (): string[] => {
    const parts: string[] = []
    for (;;) {
      skipSpaces()
      parts.push(readKeySegment())
      skipSpaces()
      if (text[i] !== '.') return parts
      i++
    }
  }
  /** Skips a value starting at i; i ends just past it. */
  const skipValue = () => {
    const c = text[i]
    if (c === '"' || c === "'") return skipString()
    if (c === '[' || c === '{') {
      let depth = 0
      while (i < n) {
        const d = text[i]
        if (d === '"' || d === "'") {
          skipString()
          continue
        }
        if (d === '#') {
          while (i < n && text[i] !== '\n') i++
          continue
        }
        if (d === '[' || d === '{') depth++
        else if (d === ']' || d === '}') {
          depth--
          if (depth === 0) {
            i++
            return
          }
        }
        i++
      }
      return
    }
    // A scalar (number, bool, date): up to a comment or the end of the line.
    while (i < n && text[i] !== '\n' && text[i] !== '#') i++
    while (i > 0 && /\s/.test(text[i - 1])) i--
  }

  while (i < n) {
    const lineStart = i
    skipSpaces()
    const indent = text.slice(lineStart, i)
    const c = text[i]
    if (c === undefined) break
    if (c === '\n' || c === '\r' || c === '#') {
      toLineEnd()
      continue
    }
    if (c === '[') {
      const arrayTable = text[i + 1] === '['
      i += arrayTable ? 2 : 1
      table = readKey()
      toLineEnd()
      out.push({
        kind: 'header',
        path: table,
        key: [],
        arrayTable,
        lineStart,
        valueStart: -1,
        valueEnd: -1,
        end: i,
        line: lineOf(lineStart),
        indent
      })
      continue
    }
    const key = readKey()
    skipSpaces()
    i++ // '='
    skipSpaces()
    const valueStart = i
    skipValue()
    const valueEnd = i
    toLineEnd()
    out.push({
      kind: 'pair',
      path: [...table, ...key],
      key,
      arrayTable: false,
      lineStart,
      valueStart,
      valueEnd,
      end: i,
      line: lineOf(lineStart),
      indent
    })
  }
  return out
}

export const samePath = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, k) => x === b[k])
