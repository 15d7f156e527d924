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

  /**
   * The line of a key that is a table of its own: its header (`[a.b.key]`), else the first
   * dotted key that makes it (`key.x = 1`).
   */
  private subTableLine(pairs: TomlStatement[], path: string[]): number | undefined {
    return (
      this.tableLine(path) ??
      pairs.find((s) => s.path.length > path.length && samePath(s.path.slice(0, path.length), path))
        ?.line
    )
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
    if (!pair) return value === undefined ? this.subTableLine(pairs, path) : undefined
    if (value === undefined) return pair.line
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
  return new TomlScanner(text).statements()
}

/** scanToml's cursor over one text: `at` moves forward as statements are read. */
class TomlScanner {
  /** A byte-order mark is not part of the first key. */
  private at: number
  private table: string[] = []
  private readonly end: number
  // Statements come in text order, so lines are counted on from the last one asked for (counting
  // from the start each time is quadratic in the number of statements).
  private countedTo = 0
  private linesBefore = 1

  constructor(private readonly text: string) {
    this.at = text.startsWith('\uFEFF') ? 1 : 0
    this.end = text.length
  }

  statements(): TomlStatement[] {
    const out: TomlStatement[] = []
    while (this.at < this.end) {
      const lineStart = this.at
      this.skipSpaces()
      const indent = this.text.slice(lineStart, this.at)
      const c = this.text[this.at]
      if (c === undefined) break
      if (c === '\n' || c === '\r' || c === '#') this.toLineEnd()
      else if (c === '[') out.push(this.header(lineStart, indent))
      else out.push(this.pair(lineStart, indent))
    }
    return out
  }

  /** `[a.b]` or `[[a.b]]`: the table the pairs after it are in. */
  private header(lineStart: number, indent: string): TomlStatement {
    const arrayTable = this.text[this.at + 1] === '['
    this.at += arrayTable ? 2 : 1
    this.table = this.readKey()
    this.toLineEnd()
    return {
      kind: 'header',
      path: this.table,
      key: [],
      arrayTable,
      lineStart,
      valueStart: -1,
      valueEnd: -1,
      end: this.at,
      line: this.lineOf(lineStart),
      indent
    }
  }

  /** `key = value`, the key dotted or quoted, the value possibly over several lines. */
  private pair(lineStart: number, indent: string): TomlStatement {
    const key = this.readKey()
    this.skipSpaces()
    this.at++ // '='
    this.skipSpaces()
    const valueStart = this.at
    this.skipValue()
    const valueEnd = this.at
    this.toLineEnd()
    return {
      kind: 'pair',
      path: [...this.table, ...key],
      key,
      arrayTable: false,
      lineStart,
      valueStart,
      valueEnd,
      end: this.at,
      line: this.lineOf(lineStart),
      indent
    }
  }

  private skipSpaces(): void {
    while (this.at < this.end && (this.text[this.at] === ' ' || this.text[this.at] === '\t'))
      this.at++
  }

  private toLineEnd(): void {
    while (this.at < this.end && this.text[this.at] !== '\n') this.at++
    if (this.at < this.end) this.at++
  }

  private lineOf(offset: number): number {
    if (offset < this.countedTo) [this.countedTo, this.linesBefore] = [0, 1]
    for (; this.countedTo < offset; this.countedTo++)
      if (this.text.charCodeAt(this.countedTo) === 10) this.linesBefore++
    return this.linesBefore
  }

  /** Skips a string starting here (any of the four kinds), to just past its closing delimiter. */
  private skipString(): void {
    const { text, end } = this
    const q = text[this.at]
    const escapes = q === '"'
    if (text.startsWith(q.repeat(3), this.at)) {
      this.at += 3
      const close = q.repeat(3)
      while (this.at < end && !text.startsWith(close, this.at))
        this.at += escapes && text[this.at] === '\\' ? 2 : 1
      this.at += 3
      // Up to two quotes may directly precede the closing delimiter (`""""a""""`).
      for (let extra = 0; extra < 2 && text[this.at] === q; extra++) this.at++
      return
    }
    this.at++
    while (this.at < end && text[this.at] !== q && text[this.at] !== '\n')
      this.at += escapes && text[this.at] === '\\' ? 2 : 1
    this.at++
  }

  /** One key segment (bare or quoted), read; its value. */
  private readKeySegment(): string {
    const q = this.text[this.at]
    const start = this.at
    if (q === '"' || q === "'") {
      this.skipString()
      const raw = this.text.slice(start + 1, this.at - 1)
      return q === '"' ? raw.replace(/\\(["\\])/g, '$1') : raw
    }
    while (this.at < this.end && BARE_KEY.test(this.text[this.at])) this.at++
    return this.text.slice(start, this.at)
  }

  private readKey(): string[] {
    const parts: string[] = []
    for (;;) {
      this.skipSpaces()
      parts.push(this.readKeySegment())
      this.skipSpaces()
      if (this.text[this.at] !== '.') return parts
      this.at++
    }
  }

  /** Skips a value starting here, to just past it. */
  private skipValue(): void {
    const c = this.text[this.at]
    if (c === '"' || c === "'") this.skipString()
    else if (c === '[' || c === '{') this.skipBracketed()
    else {
      // A scalar (number, bool, date): up to a comment or the end of the line.
      while (this.at < this.end && this.text[this.at] !== '\n' && this.text[this.at] !== '#')
        this.at++
      while (this.at > 0 && /\s/.test(this.text[this.at - 1])) this.at--
    }
  }

  /** An array or inline table, with the strings, comments and brackets nested in it. */
  private skipBracketed(): void {
    let depth = 0
    while (this.at < this.end) {
      const d = this.text[this.at]
      if (d === '"' || d === "'") {
        this.skipString()
        continue
      }
      if (d === '#') {
        while (this.at < this.end && this.text[this.at] !== '\n') this.at++
        continue
      }
      if (d === '[' || d === '{') depth++
      else if (d === ']' || d === '}') {
        depth--
        if (depth === 0) {
          this.at++
          return
        }
      }
      this.at++
    }
  }
}

export const samePath = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, k) => x === b[k])
