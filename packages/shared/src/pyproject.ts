import type { Finding } from './findings.js'
import { normalizeName } from './pep503.js'
import {
  parseRequirement,
  Requirement,
  requirementStart,
  RequirementSyntaxError
} from './pep508.js'
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

function pyprojectFromData(text: string, file: string, data: TomlTable): PyProject {
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

export function asTable(value: unknown): TomlTable | undefined {
  return value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date)
    ? (value as TomlTable)
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
  /**
   * What installs it: the distribution itself (`dependencies`), one of its extras (`extra`, named
   * by `key`), or nothing that is published (`group`: a dependency group).
   */
  role: 'dependencies' | 'extra' | 'group'
  raw: string
  requirement?: Requirement
  /** Why `raw` is not a valid PEP 508 requirement. */
  error?: string
}

/**
 * The distribution a dependency string asks for (PEP 503-normalised) and its extras: the parsed
 * requirement's, or for a string that is not valid PEP 508, what its start names
 * (requirementStart), so that `sibling=={{ version }}` still counts as a dependency on `sibling`:
 * a dependency missed would be a package not tested. Undefined when no name starts the string.
 */
export function dependencyTarget(
  entry: DependencyEntry
): { key: string; extras: string[] } | undefined {
  if (entry.requirement) return entry.requirement
  const start = requirementStart(entry.raw)
  return start && { key: normalizeName(start.name), extras: start.extras }
}

/**
 * Every dependency string a package declares: `[project].dependencies`,
 * `[project.optional-dependencies].*`, `[dependency-groups].*`, and the inline arrays of hatch
 * metadata hooks (`[tool.hatch.metadata.hooks.<hook>].dependencies` and
 * `.optional-dependencies.*`: hatchling fills the dynamic fields from them at build time).
 * Nothing else counts: the upstream's name in `keywords` or a description is not a dependency.
 * `only` skips strings before they are parsed (PEP 508 parsing is most of the cost when one
 * name is wanted).
 */
export function dependencyEntries(
  pyproject: PyProject,
  only?: (raw: string) => boolean
): DependencyEntry[] {
  const out: DependencyEntry[] = []
  const add = (table: string[], key: string, role: DependencyEntry['role'], list: unknown) => {
    if (!Array.isArray(list)) return
    for (const item of list) {
      // dependency-groups may hold `{ include-group = "x" }` tables; they name no distribution.
      if (typeof item !== 'string' || (only && !only(item))) continue
      const group = [...table, key].join('.')
      const entry: DependencyEntry = { group, table, key, role, raw: item }
      try {
        entry.requirement = parseRequirement(item)
      } catch (e) {
        if (!(e instanceof RequirementSyntaxError)) throw e
        entry.error = e.message
      }
      out.push(entry)
    }
  }
  const addAll = (table: string[], role: DependencyEntry['role'], arrays: unknown) => {
    for (const [k, v] of Object.entries(asTable(arrays) ?? {})) add(table, k, role, v)
  }
  const project = asTable(pyproject.data.project)
  if (project) add(['project'], 'dependencies', 'dependencies', project.dependencies)
  addAll(['project', 'optional-dependencies'], 'extra', project?.['optional-dependencies'])
  addAll(['dependency-groups'], 'group', pyproject.data['dependency-groups'])
  for (const [hook, config] of inlineHooks(pyproject)) {
    const table = [...HATCH_HOOKS, hook]
    add(table, 'dependencies', 'dependencies', config.dependencies)
    addAll([...table, 'optional-dependencies'], 'extra', config['optional-dependencies'])
  }
  return out
}

/** Where hatchling's metadata hooks are configured, one table per hook. */
const HATCH_HOOKS = ['tool', 'hatch', 'metadata', 'hooks']

/**
 * hatch-requirements-txt's hook: its `files` and `optional-dependencies` arrays name
 * requirements files, not requirements (`requirements.txt` would parse as a distribution name).
 */
const REQUIREMENTS_TXT_HOOK = 'requirements_txt'

/** The metadata hooks whose arrays hold PEP 508 strings inline, by hook name. */
function inlineHooks(pyproject: PyProject): [string, TomlTable][] {
  const out: [string, TomlTable][] = []
  for (const [hook, v] of Object.entries(getTable(pyproject.data, HATCH_HOOKS) ?? {})) {
    const config = asTable(v)
    if (config && hook !== REQUIREMENTS_TXT_HOOK) out.push([hook, config])
  }
  return out
}

/** The `[project].dynamic` fields that hold dependencies, with the table that would list them. */
const DYNAMIC_DEPENDENCY_FIELDS = ['dependencies', 'optional-dependencies'] as const

/**
 * Dependencies this package declares where they cannot be read: `[project].dynamic` lists
 * `dependencies` or `optional-dependencies` and no metadata hook lists that field inline (a hook
 * reading a requirements file, a custom hook computing them, no hook at all), or a dependency
 * string that starts with no distribution name (`{{ dependency }}`, a template). A sibling named
 * only there is not seen by the dependency graph or discover, so each is a warning on its line
 * rather than a silent gap.
 */
export function unreadDependencies(pyproject: PyProject, pkg?: string): Finding[] {
  const unread = (message: string, line: number | undefined): Finding => ({
    severity: 'warning',
    code: 'CA205',
    package: pkg,
    message,
    file: pyproject.file,
    line
  })
  const out = unreadDynamicFields(pyproject).map((field) =>
    unread(
      `[project].dynamic lists "${field.name}" and ${field.where}: sibling dependencies declared there are not seen, so this package does not run when such a sibling changes (name the sibling in [dependency-groups] or [tool.uv.sources] as well to make it seen)`,
      pyproject.lines.find(['project'], 'dynamic', field.name)
    )
  )
  for (const entry of dependencyEntries(pyproject, (raw) => requirementStart(raw) === undefined))
    out.push(
      unread(
        `${JSON.stringify(entry.raw)} in [${entry.table.join('.')}].${entry.key} names no distribution: a sibling it stands for is not seen, so this package does not run when that sibling changes`,
        dependencyLine(pyproject, entry)
      )
    )
  return out
}

/** The dynamic dependency fields no metadata hook lists inline, and where they come from. */
function unreadDynamicFields(pyproject: PyProject): { name: string; where: string }[] {
  const project = asTable(pyproject.data.project)
  const dynamic = Array.isArray(project?.dynamic) ? project.dynamic : []
  const hooks = Object.entries(getTable(pyproject.data, HATCH_HOOKS) ?? {})
  return DYNAMIC_DEPENDENCY_FIELDS.filter((field) => {
    if (!dynamic.includes(field)) return false
    const inline = (config: TomlTable) =>
      field === 'dependencies'
        ? Array.isArray(config.dependencies)
        : asTable(config['optional-dependencies']) !== undefined
    return !inlineHooks(pyproject).some(([, config]) => inline(config))
  }).map((field) => ({ name: field, where: whereDynamic(hooks) }))
}

function whereDynamic(hooks: [string, unknown][]): string {
  if (hooks.length === 0) return 'no [tool.hatch.metadata.hooks.<hook>] table lists them inline'
  const names = hooks.map(([h]) => (h === REQUIREMENTS_TXT_HOOK ? 'requirements_txt (files)' : h))
  return `the metadata hook ${names.join(', ')} sets them at build time, from files or code this action does not read`
}

/**
 * The pyproject with only the tables this module and the CI settings read of a package:
 * `[project]`, `[dependency-groups]`, `[tool.hatch.metadata]` (dependencyEntries,
 * unreadDependencies), `[tool.uv.sources]` (uvSourcePaths) and `[tool.<table>]` (readCiConfig).
 * For a caller that keeps every package to the end of a run (discover): the rest of each parsed
 * document (build settings, other tools' tables) then dies young instead of being carried
 * through every garbage collection. A reader of another table must be added here.
 */
export function dependenciesAndCiOnly(pyproject: PyProject, table: string): PyProject {
  const tool = asTable(pyproject.data.tool)
  const hatch = asTable(tool?.hatch)
  const uv = asTable(tool?.uv)
  const keptTool: TomlTable = {}
  if (hatch?.metadata !== undefined) keptTool.hatch = { metadata: hatch.metadata }
  if (uv?.sources !== undefined) keptTool.uv = { sources: uv.sources }
  if (tool?.[table] !== undefined) keptTool[table] = tool[table]
  const data: TomlTable = {}
  for (const key of ['project', 'dependency-groups'])
    if (pyproject.data[key] !== undefined) data[key] = pyproject.data[key]
  if (tool !== undefined) data.tool = keptTool
  return { ...pyproject, data }
}

/** `[tool.uv.sources]` entries that point at a local path (`{ path = "../x" }`). */
export function uvSourcePaths(pyproject: PyProject): { name: string; path: string }[] {
  const sources = getTable(pyproject.data, ['tool', 'uv', 'sources'])
  const out: { name: string; path: string }[] = []
  for (const [name, v] of Object.entries(sources ?? {})) {
    const t = asTable(v)
    if (t && typeof t.path === 'string') out.push({ name, path: t.path })
  }
  return out
}

/** The line of a dependency string, for annotations. */
export function dependencyLine(
  pyproject: PyProject,
  dependency: DependencyEntry
): number | undefined {
  return pyproject.lines.find(dependency.table, dependency.key, dependency.raw)
}
