import { UserError } from './errors.js'
import { asTable } from './pyproject.js'
import { parseToml } from './toml.js'

/**
 * One top-level TOML statement found by the scanner: a table header or a `key = value` pair,
 * with character offsets so an edit can replace exactly the value and nothing else.
 */
interface Statement {
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
function scan(text: string): Statement[] {
  const out: Statement[] = []
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

const samePath = (a: string[], b: string[]) =>
  a.length === b.length && a.every((x, k) => x === b[k])

/** What setting `[project] version` did. */
export type VersionEdit =
  /** The file already says exactly this version. */
  | { kind: 'unchanged'; line: number }
  | { kind: 'edited'; text: string; line: number; before?: string; inserted: boolean }
  /** `dynamic = ["version"]`: the version comes from the build backend; nothing to edit. */
  | { kind: 'dynamic'; line?: number }

/**
 * Sets `[project] version` in a pyproject.toml text and changes nothing else: comments, spacing,
 * quoting style, key order and line endings (CRLF too) are kept byte for byte. When the key is
 * absent it is inserted as `version = "V"` right after `name`. Other tables' `version` keys
 * (`[tool.poetry]`, `[[package]]`) are never touched. The result is parsed again and must say
 * `project.version == version`; otherwise this throws rather than return an edit that did not land.
 */
export function setProjectVersion(text: string, version: string, file: string): VersionEdit {
  const data = parseToml(text, file)
  const project = asTable(data.project)
  if (!project) throw new UserError('no [project] table to set the version in', { file })
  const statements = scan(text)
  // `project = { name = ..., version = ... }`: one value spanning the whole table, whose version
  // cannot be replaced without rewriting the value around it.
  const inline = statements.find((s) => s.kind === 'pair' && samePath(s.path, ['project']))
  if (inline)
    throw new UserError(
      'inline [project] tables are not edited: write `project = { ... }` as a `[project]` table to have its version bumped',
      { file, line: inline.line }
    )
  const dynamic = Array.isArray(project.dynamic) && project.dynamic.includes('version')
  const find = (key: string) =>
    statements.find((s) => s.kind === 'pair' && !s.arrayTable && samePath(s.path, ['project', key]))
  if (dynamic) return { kind: 'dynamic', line: find('dynamic')?.line }

  const current = find('version')
  let next: string
  let line: number
  let before: string | undefined
  let inserted = false
  if (current) {
    const raw = text.slice(current.valueStart, current.valueEnd)
    const delim = /^("""|'''|"|')/.exec(raw)?.[1]
    if (!delim || typeof project.version !== 'string') {
      throw new UserError(`[project] version must be a string (got ${raw})`, {
        file,
        line: current.line
      })
    }
    if (project.version === version) return { kind: 'unchanged', line: current.line }
    before = project.version
    next =
      text.slice(0, current.valueStart) + delim + version + delim + text.slice(current.valueEnd)
    line = current.line
  } else {
    const name = find('name')
    if (!name)
      throw new UserError('[project] has neither `version` nor `name` to put the version after', {
        file
      })
    const terminator = /\r?\n$/.exec(text.slice(name.lineStart, name.end))?.[0]
    const eol = terminator ?? /\r?\n/.exec(text)?.[0] ?? '\n'
    // A dotted `project.name = ...` in the root table needs `project.version`, not `version`.
    const prefix = name.key.length > 1 ? `${name.key.slice(0, -1).join('.')}.` : ''
    const added = `${name.indent}${prefix}version = "${version}"`
    next = text.slice(0, name.end) + (terminator ? '' : eol) + added + eol + text.slice(name.end)
    if (!terminator) next = next.slice(0, -eol.length) // keep "no newline at end of file"
    line = text.slice(0, name.end).split('\n').length + (terminator ? 0 : 1)
    inserted = true
  }

  const check = asTable(parseToml(next, file).project)
  if (check?.version !== version) {
    throw new Error(
      `${file}: setting [project] version to ${version} did not land (the file now says ${JSON.stringify(check?.version)}); nothing was written`
    )
  }
  return { kind: 'edited', text: next, line, before, inserted }
}

/** The top-level statements of a TOML text with their offsets, for other byte-preserving edits. */
export { scan as scanTomlStatements }
export type { Statement as TomlStatement }
