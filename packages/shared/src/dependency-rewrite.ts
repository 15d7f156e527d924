import { UserError } from './errors.js'
import { dependencyEntries, readPyProject, type DependencyEntry } from './pyproject.js'
import { lineAt } from './text.js'
import { scanToml, type TomlStatement } from './toml.js'
import { parseToml } from './toml.js'

/**
 * Rewriting dependency strings of a pyproject.toml in place: each string `choose` gives a new
 * value for is replaced, and every other byte (comments, spacing, quoting of the untouched strings,
 * line endings) is kept. The new value is written as a basic string. The result is parsed again
 * and must list exactly the chosen values; otherwise nothing is returned but an error.
 */
export interface DependencyRewrite {
  text: string
  changes: { group: string; line: number; from: string; to: string }[]
}

export function rewriteDependencyStrings(
  text: string,
  file: string,
  choose: (entry: DependencyEntry) => string | undefined
): DependencyRewrite {
  const py = readPyProject(text, file)
  const wanted = dependencyEntries(py)
    .map((entry) => ({ entry, to: choose(entry) }))
    .filter(
      (x): x is { entry: DependencyEntry; to: string } => x.to !== undefined && x.to !== x.entry.raw
    )
  if (!wanted.length) return { text, changes: [] }
  const statements = scanToml(text)
  const edits: { start: number; end: number; to: string }[] = []
  const changes: DependencyRewrite['changes'] = []
  for (const { entry, to } of wanted) {
    const path = [...entry.table, entry.key]
    const pair = statements.find((s) => s.kind === 'pair' && samePath(s.path, path))
    if (!pair)
      throw new UserError(
        `\`${entry.group}\` is not written as \`${entry.key} = [...]\` under its table, so \`${entry.raw}\` cannot be rewritten in place`,
        { file }
      )
    const literal = arrayStrings(text, pair).find(
      (s) => s.value === entry.raw && !edits.some((e) => e.start === s.start)
    )
    if (!literal)
      throw new UserError(`could not find \`${entry.raw}\` in \`${entry.group}\``, {
        file,
        line: pair.line
      })
    edits.push({ start: literal.start, end: literal.end, to: JSON.stringify(to) })
    changes.push({ group: entry.group, line: lineAt(text, literal.start), from: entry.raw, to })
  }
  let next = text
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    next = next.slice(0, e.start) + e.to + next.slice(e.end)
  const after = dependencyEntries(readPyProject(next, file)).map((d) => d.raw)
  const missing = changes.filter((c) => !after.includes(c.to))
  if (missing.length)
    throw new Error(`${file}: rewriting ${missing[0].from} did not land; nothing was written`)
  return { text: next, changes }
}

const samePath = (a: string[], b: string[]): boolean =>
  a.length === b.length && a.every((x, k) => x === b[k])

/** The string literals directly inside an array value, decoded, with their offsets. */
function arrayStrings(
  text: string,
  pair: TomlStatement
): { start: number; end: number; value: string }[] {
  const out: { start: number; end: number; value: string }[] = []
  let i = pair.valueStart
  if (text[i] !== '[') return out
  i++
  let depth = 1
  while (i < pair.valueEnd && depth > 0) {
    const c = text[i]
    if (c === '#') {
      while (i < pair.valueEnd && text[i] !== '\n') i++
    } else if (c === '"' || c === "'") {
      const start = i
      i = stringEnd(text, i)
      if (depth === 1) {
        const value = parseToml(`v = ${text.slice(start, i)}`, '(string)').v
        if (typeof value === 'string') out.push({ start, end: i, value })
      }
    } else {
      if (c === '[' || c === '{') depth++
      else if (c === ']' || c === '}') depth--
      i++
    }
  }
  return out
}

/** One past the closing delimiter of the TOML string starting at `from`. */
function stringEnd(text: string, from: number): number {
  const q = text[from]
  const escapes = q === '"'
  if (text.startsWith(q.repeat(3), from)) {
    from += 3
    while (from < text.length && !text.startsWith(q.repeat(3), from))
      from += escapes && text[from] === '\\' ? 2 : 1
    from += 3
    while (text[from] === q) from++
    return from
  }
  from++
  while (from < text.length && text[from] !== q) from += escapes && text[from] === '\\' ? 2 : 1
  return from + 1
}

/**
 * Makes hatchling accept direct references (`name @ url`) in the metadata it builds: it refuses
 * them unless `[tool.hatch.metadata] allow-direct-references = true`. Byte-preserving: the key
 * is set where it is, added under an existing `[tool.hatch.metadata]` header, or a table is
 * appended at the end.
 */
export function allowDirectReferences(text: string, file: string): string {
  const statements = scanToml(text)
  const path = ['tool', 'hatch', 'metadata', 'allow-direct-references']
  const pair = statements.find((s) => s.kind === 'pair' && samePath(s.path, path))
  const eol = /\r?\n/.exec(text)?.[0] ?? '\n'
  const inline = statements.find(
    (s) => s.kind === 'pair' && s.path.length <= 3 && samePath(s.path, path.slice(0, s.path.length))
  )
  if (!pair && inline)
    throw new UserError(
      `\`${inline.path.join('.')}\` is an inline table, so \`[tool.hatch.metadata] allow-direct-references = true\` cannot be added; write it as a [${inline.path.join('.')}] table`,
      { file, line: inline.line }
    )
  let next: string
  if (pair) {
    if (text.slice(pair.valueStart, pair.valueEnd) === 'true') return text
    next = text.slice(0, pair.valueStart) + 'true' + text.slice(pair.valueEnd)
  } else {
    const header = statements.find(
      (s) => s.kind === 'header' && !s.arrayTable && samePath(s.path, path.slice(0, 3))
    )
    if (header) {
      const cut = header.end
      const lead = /\r?\n$/.test(text.slice(0, cut)) ? '' : eol
      next = text.slice(0, cut) + lead + 'allow-direct-references = true' + eol + text.slice(cut)
    } else {
      const sep = text === '' || text.endsWith('\n') ? '' : eol
      next = `${text}${sep}${eol}[tool.hatch.metadata]${eol}allow-direct-references = true${eol}`
    }
  }
  const hatch = parseToml(next, file).tool as
    { hatch?: { metadata?: Record<string, unknown> } } | undefined
  if (hatch?.hatch?.metadata?.['allow-direct-references'] !== true)
    throw new UserError(
      'could not set `[tool.hatch.metadata] allow-direct-references = true` (is `tool.hatch` written as an inline table?)',
      { file }
    )
  return next
}
