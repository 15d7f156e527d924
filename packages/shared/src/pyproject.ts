import { UserError } from './errors.js'
import { normalizeName } from './pep503.js'
import { parseRequirement, Requirement, RequirementSyntaxError } from './pep508.js'
import { parseToml, TomlLines, TomlTable } from './toml.js'

/** A `pyproject.toml`, parsed once; the text is kept for line look-ups and byte-preserving edits. */
export interface PyProject {
  /** Path relative to the repository root. */
  file: string
  text: string
  data: TomlTable
  lines: TomlLines
  name?: string
  /** PEP 503-normalised `name`. */
  key?: string
  version?: string
  dynamicVersion: boolean
}

export function readPyProject(text: string, file: string): PyProject {
  return pyprojectFromData(text, file, parseToml(text, file))
}

/** A PyProject over already-parsed data (discover parses only the tables it needs). */
export function pyprojectFromData(text: string, file: string, data: TomlTable): PyProject {
  const project = asTable(data.project)
  const name = typeof project?.name === 'string' ? project.name : undefined
  const dynamic = Array.isArray(project?.dynamic) ? project.dynamic : []
  return {
    file,
    text,
    data,
    lines: new TomlLines(text),
    name,
    key: name === undefined ? undefined : normalizeName(name),
    version: typeof project?.version === 'string' ? project.version : undefined,
    dynamicVersion: dynamic.includes('version')
  }
}

export function asTable(v: unknown): TomlTable | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
    ? (v as TomlTable)
    : undefined
}

/** Reads a nested table by path; undefined when any step is missing or not a table. */
export function getTable(data: TomlTable, path: string[]): TomlTable | undefined {
  let cur: TomlTable | undefined = data
  for (const p of path) {
    cur = asTable(cur?.[p])
    if (!cur) return undefined
  }
  return cur
}

/** One string of a dependency array, with where it lives. */
export interface DependencyEntry {
  /** e.g. `project.dependencies`, `project.optional-dependencies.test`, `dependency-groups.dev`. */
  group: string
  table: string[]
  key: string
  raw: string
  requirement?: Requirement
  /** Why `raw` is not a valid PEP 508 requirement. */
  error?: string
}

/**
 * Every dependency string a package declares: `[project].dependencies`,
 * `[project.optional-dependencies].*` and `[dependency-groups].*`. Nothing else counts: the
 * upstream's name in `keywords` or a description is not a dependency. `only` skips strings
 * before they are parsed (PEP 508 parsing is most of the cost when one name is wanted).
 */
export function dependencyEntries(
  p: PyProject,
  only?: (raw: string) => boolean
): DependencyEntry[] {
  const out: DependencyEntry[] = []
  const add = (table: string[], key: string, list: unknown) => {
    if (!Array.isArray(list)) return
    for (const item of list) {
      // dependency-groups may hold `{ include-group = "x" }` tables; they name no distribution.
      if (typeof item !== 'string' || (only && !only(item))) continue
      const entry: DependencyEntry = { group: [...table, key].join('.'), table, key, raw: item }
      try {
        entry.requirement = parseRequirement(item)
      } catch (e) {
        if (!(e instanceof RequirementSyntaxError)) throw e
        entry.error = e.message
      }
      out.push(entry)
    }
  }
  const project = asTable(p.data.project)
  if (project) add(['project'], 'dependencies', project.dependencies)
  const optional = getTable(p.data, ['project', 'optional-dependencies'])
  for (const [k, v] of Object.entries(optional ?? {}))
    add(['project', 'optional-dependencies'], k, v)
  const groups = asTable(p.data['dependency-groups'])
  for (const [k, v] of Object.entries(groups ?? {})) add(['dependency-groups'], k, v)
  return out
}

/** `[tool.uv.sources]` entries that point at a local path (`{ path = "../x" }`). */
export function uvSourcePaths(p: PyProject): { name: string; path: string }[] {
  const sources = getTable(p.data, ['tool', 'uv', 'sources'])
  const out: { name: string; path: string }[] = []
  for (const [name, v] of Object.entries(sources ?? {})) {
    const t = asTable(v)
    if (t && typeof t.path === 'string') out.push({ name, path: t.path })
  }
  return out
}

/** The line of a dependency string, for annotations. */
export function dependencyLine(p: PyProject, d: DependencyEntry): number | undefined {
  return p.lines.find(d.table, d.key, d.raw)
}

/** Throws a UserError naming the file when `[project] name` is missing. */
export function requireName(p: PyProject): string {
  if (!p.name)
    throw new UserError('missing [project] name', {
      file: p.file,
      line: p.lines.tableLine(['project'])
    })
  return p.name
}
