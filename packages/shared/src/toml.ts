import { parse, TomlError } from 'smol-toml'
import { UserError } from './errors.js'
import { escapeRegExp } from './text.js'

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

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/

function splitDotted(path: string): string[] {
  const parts: string[] = []
  let cur = ''
  let quote: string | null = null
  for (const ch of path) {
    if (quote) {
      if (ch === quote) quote = null
      else cur += ch
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '.') {
      parts.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  parts.push(cur.trim())
  return parts
}

/**
 * Finds 1-based line numbers in a TOML text, so findings can be annotated on the exact line of
 * a pull request diff. It reads the text line by line (headers, `key =`, quoted values) rather
 * than re-parsing, and is only consulted when there is something to report.
 */
export class TomlLines {
  private lines: string[] | undefined
  constructor(private readonly text: string) {}

  private all(): string[] {
    this.lines ??= this.text.split(/\r?\n/)
    return this.lines
  }

  /** The line of `[a.b]` (0 for the root table, meaning "before the first header"). */
  tableLine(table: string[]): number | undefined {
    if (table.length === 0) return 0
    const want = table.join('\u0000')
    const lines = this.all()
    for (let i = 0; i < lines.length; i++) {
      const m = HEADER.exec(lines[i])
      if (m && splitDotted(m[1]).join('\u0000') === want) return i + 1
    }
    return undefined
  }

  /** The line of `key = ...` inside `[table]`, or of `value` (a string literal) after that key. */
  find(table: string[], key?: string, value?: string): number | undefined {
    const lines = this.all()
    const start = this.tableLine(table)
    if (start === undefined) return undefined
    if (key === undefined) return start || undefined
    const keyRe = new RegExp(
      `^\\s*(?:"${escapeRegExp(key)}"|'${escapeRegExp(key)}'|${escapeRegExp(key)})\\s*=`
    )
    // `start` is the header's 1-based line, which is also the 0-based index of the line after it.
    for (let i = start; i < lines.length; i++) {
      if (HEADER.test(lines[i])) break
      if (!keyRe.test(lines[i])) continue
      if (value === undefined) return i + 1
      const needles = [JSON.stringify(value), `'${value}'`]
      for (let j = i; j < lines.length; j++) {
        if (j > i && HEADER.test(lines[j])) break
        if (needles.some((n) => lines[j].includes(n))) return j + 1
      }
      return i + 1
    }
    return undefined
  }
}
