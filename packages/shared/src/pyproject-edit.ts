import { UserError } from './errors.js'
import { asTable } from './pyproject.js'
import { lineAt } from './text.js'
import { parseToml, samePath, scanToml } from './toml.js'

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
  const statements = scanToml(text)
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
    line = lineAt(text, name.end) + (terminator ? 0 : 1)
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
