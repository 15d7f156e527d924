import { CiConfig, readCiTable } from './ci-config.js'
import { UserError } from './errors.js'
import type { Finding } from './findings.js'
import { validVersion } from './pep440.js'
import { getTable, PyProject } from './pyproject.js'
import { isBranchName, isRepoFolder } from './git-names.js'
import { DISTRIBUTION_NAME } from './pep508.js'
import { FieldSpec, readFields, showTomlValue } from './schema.js'
import { escapeRegExp } from './text.js'

/**
 * Repository-wide settings. Precedence: these defaults < the root `[tool.<table>]` table <
 * action inputs. The defaults reproduce generative-computing/mellea-contribs with zero
 * configuration; every value naming `mellea` is a default, not a constant.
 */
export interface Settings {
  /** Name of the settings table: `[tool.<table>]` at the root, `[tool.<table>.ci]` per package. */
  table: string
  namespace: string
  upstream: string
  mirror_dirs: string[]
  /** Extra top-level directories a subpackage may have (besides the namespace dir). */
  allowed_dirs: string[]
  /**
   * Where the packages are (root-relative globs of folders holding a `pyproject.toml`; a leading
   * `!` excludes). Empty: the root's uv workspace members, else top-level folders (see
   * package-layout.ts).
   */
  package_globs: string[]
  /** Root folders that are never subpackages (besides hidden ones and the root namespace dir). */
  exclude_dirs: string[]
  docs_dirs: string[]
  template_dir: string
  core_paths_file: string
  grandfather_file: string
  smoke_matrix_file: string
  default_branch: string
  /** Globs (root-relative) whose change runs every subpackage. */
  run_all: string[]
  tracking_label: string
  archive_label: string
  stale_label: string
  /** While this label is on a tracking (or stale) issue, its archival clock does not run. */
  pause_label: string
  failure_threshold: number
  archival_days: number[]
  bump_branch: string
  bump_label: string
  bump_commit: string
  dispatch_type: string
  state_branch: string
  state_dir: string
  minimum_upstream_version?: string
  skip_archived: boolean
  /** The CI defaults of every package: built in, with the root's `[tool.<table>.ci]` over them. */
  ci: CiConfig
  /** `{ <package>: { <code>: <reason> } }`: rules silenced for one package, with why. */
  suppress: Record<string, Record<string, string>>

  // validate-structure's contract, for the whole repository. The defaults are mellea-contribs'.
  /** Files every package folder must hold (CA101). */
  required_files: string[]
  /** Folders every package folder must hold (CA102); they are allowed top-level folders too. */
  required_dirs: string[]
  /** `{ <code or slug>: <level> }`: a rule switched off, or its findings made warnings or errors. */
  rules: Record<string, RuleLevel>
  /**
   * Check each package's CODEOWNERS line against its OWNERS file (CA117): `true` reads the file
   * GitHub reads (CODEOWNERS_LOCATIONS, first found), a path reads that file, `false` is off.
   */
  codeowners: boolean | string
  /** A package missing from `smoke_matrix_file`, or archived and still in it, is a violation (CA118). */
  check_smoke_matrix: boolean
  /** A package missing from the root's extras (and `all_extra`), or archived and still there, is a violation (CA119). */
  check_extras: boolean
  /** The extra that installs every package (`all`); "" when the meta-package has none. */
  all_extra: string
}

/** What `rules` may set a rule to: not checked, reported without failing, or failing the step. */
export const RULE_LEVELS = ['off', 'warning', 'error'] as const
export type RuleLevel = (typeof RULE_LEVELS)[number]

export interface CiDefaults {
  skip_ollama: boolean
  timeout_minutes: number
  python_versions: string[]
}

const DEFAULT_TABLE = 'mellea-contribs'

export function defaultSettings(table = DEFAULT_TABLE): Settings {
  return {
    table,
    namespace: 'mellea_contribs',
    upstream: 'mellea',
    mirror_dirs: ['stdlib', 'backends', 'formatters', 'helpers', 'core'],
    allowed_dirs: [
      'tests',
      'examples',
      'docs',
      'config',
      'dist',
      'build',
      '.venv',
      '__pycache__',
      '.pytest_cache'
    ],
    package_globs: [],
    exclude_dirs: ['cookiecutter', 'docs', 'RFCs'],
    docs_dirs: ['docs', 'RFCs'],
    template_dir: 'cookiecutter',
    core_paths_file: 'cookiecutter/core_paths.json',
    grandfather_file: '.github/scripts/grandfather_legacy.json',
    smoke_matrix_file: '.github/smoke-matrix.json',
    default_branch: 'main',
    run_all: ['pyproject.toml', 'uv.lock', '.github/workflows/**', '.github/scripts/**'],
    tracking_label: 'contribs-broken',
    archive_label: 'archived',
    stale_label: 'contribs-stale',
    pause_label: 'contribs-paused',
    failure_threshold: 2,
    archival_days: [7, 14, 21],
    bump_branch: 'sync-{upstream}-{version}-{package}',
    bump_label: 'sync-{upstream}-version:{version}',
    bump_commit: 'chore({package}): bump version to v{version}',
    dispatch_type: '{upstream}-released',
    state_branch: 'bot-state/auto-issue-bot',
    state_dir: '.github/bot-state',
    skip_archived: false,
    ci: { skip_ollama: false, timeout_minutes: 30, python_versions: ['3.12'] },
    suppress: {},

    required_files: ['pyproject.toml', 'OWNERS', 'README.md'],
    required_dirs: ['tests', 'examples'],
    rules: {},
    codeowners: false,
    check_smoke_matrix: false,
    check_extras: false,
    all_extra: 'all'
  }
}

const DIR = /^[^/\\]+$/
const strList: FieldSpec = { type: 'string[]' }

/** Keys of the root settings table, with their types. */
export const SETTINGS_FIELDS: Record<string, FieldSpec> = {
  namespace: {
    type: 'string',
    pattern: /^(?:[A-Za-z_][A-Za-z0-9_]*)?$/,
    hint: 'a Python identifier, or "" for packages without a namespace'
  },
  upstream: { type: 'string', pattern: DISTRIBUTION_NAME, hint: 'a distribution name' },
  mirror_dirs: { type: 'string[]', nonEmpty: true, itemPattern: DIR, hint: 'folder names' },
  allowed_dirs: strList,
  package_globs: strList,
  exclude_dirs: strList,
  docs_dirs: strList,
  template_dir: { type: 'string' },
  core_paths_file: { type: 'string' },
  grandfather_file: { type: 'string' },
  smoke_matrix_file: { type: 'string' },
  default_branch: { type: 'string', pattern: /^\S+$/, hint: 'a branch name' },
  run_all: strList,
  tracking_label: {
    type: 'string',
    pattern: /^.{1,50}$/,
    hint: 'a label of at most 50 characters'
  },
  archive_label: { type: 'string', pattern: /^.{1,50}$/, hint: 'a label of at most 50 characters' },
  stale_label: { type: 'string', pattern: /^.{1,50}$/, hint: 'a label of at most 50 characters' },
  pause_label: { type: 'string', pattern: /^.{1,50}$/, hint: 'a label of at most 50 characters' },
  failure_threshold: { type: 'int', min: 1, max: 100 },
  archival_days: { type: 'int[]', nonEmpty: true, min: 0, increasing: true },
  bump_branch: {
    type: 'string',
    pattern: /\{version\}/,
    hint: 'a pattern containing {version} and {package}'
  },
  bump_label: { type: 'string', pattern: /\{version\}/, hint: 'a pattern containing {version}' },
  bump_commit: { type: 'string' },
  dispatch_type: { type: 'string' },
  state_branch: { type: 'string', pattern: /^\S+$/, hint: 'a branch name' },
  state_dir: { type: 'string', pattern: /\S/, hint: 'a folder path' },
  minimum_upstream_version: {
    type: 'string',
    valid: (v) => validVersion(v) !== null,
    hint: 'a PEP 440 version such as "0.6.0"'
  },
  skip_archived: { type: 'bool' },

  required_files: { type: 'string[]', itemPattern: DIR, hint: 'file names' },
  required_dirs: { type: 'string[]', itemPattern: DIR, hint: 'folder names' },
  codeowners: {
    type: 'bool-or-string',
    // Relative, no `.` or `..` part: the file is read inside the checkout only.
    pattern: /^(?!\/)(?!(?:.*\/)?\.\.?(?:\/|$))[^\\]+$/,
    hint: 'true, false or a root-relative path such as ".github/CODEOWNERS"'
  },
  check_smoke_matrix: { type: 'bool' },
  check_extras: { type: 'bool' },
  all_extra: {
    type: 'string',
    pattern: /^([A-Za-z0-9][A-Za-z0-9._-]*)?$/,
    hint: 'an extra name, or ""'
  }
}

/** Sub-tables of the root settings table that are not plain keys. */
const SUBTABLES = new Set(['ci', 'suppress', 'rules'])

export interface LoadedSettings {
  settings: Settings
  findings: Finding[]
}

/**
 * Resolves the settings from the root pyproject (may be absent) and input overrides. The table
 * name comes from the `settings-table` input, else from the root project's name when
 * `[tool.<name>]` exists, else the default. A wrong type is a UserError naming file, line, key.
 */
export function resolveSettings(
  root: PyProject | undefined,
  overrides: Partial<Settings> = {},
  tableInput?: string
): LoadedSettings {
  let table = tableInput || DEFAULT_TABLE
  if (!tableInput && root?.name && getTable(root.data, ['tool', root.name])) table = root.name
  const settings = defaultSettings(table)
  const findings: Finding[] = []
  const raw = root ? getTable(root.data, ['tool', table]) : undefined
  if (root && raw) {
    const src = { file: root.file, lines: root.lines, table: ['tool', table] }
    const { values, findings: f, unknown } = readFields(raw, SETTINGS_FIELDS, src)
    Object.assign(settings, values)
    findings.push(...f)
    for (const key of unknown) {
      if (SUBTABLES.has(key)) continue
      findings.push({
        severity: 'warning',
        message: `unknown key [tool.${table}] ${key} (ignored)`,
        file: root.file,
        line: root.lines.find(['tool', table], key)
      })
    }
    readCiTable(root, table, settings.ci, findings)
    const suppress = getTable(root.data, ['tool', table, 'suppress'])
    for (const [pkg, rules] of Object.entries(suppress ?? {})) {
      const entries = typeof rules === 'object' && rules !== null ? Object.entries(rules) : []
      const bad = entries.find(([, reason]) => typeof reason !== 'string' || reason.trim() === '')
      if (!entries.length || bad) {
        findings.push({
          severity: 'error',
          message: `[tool.${table}.suppress] ${pkg} must be a table of { <code> = "<reason>" } with a reason for each code`,
          file: root.file,
          line: root.lines.find(['tool', table, 'suppress'], pkg)
        })
        continue
      }
      settings.suppress[pkg] = Object.fromEntries(entries as [string, string][])
    }
    settings.rules = readRuleLevels(root, table, findings)
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v !== undefined) (settings as unknown as Record<string, unknown>)[k] = v
  }
  findings.push(...stateFindings(settings, root))
  const errors = findings.filter((f) => f.severity === 'error')
  if (errors.length) {
    const first = errors[0]
    throw new UserError(errors.map((e) => e.message).join('; '), {
      file: first.file,
      line: first.line
    })
  }
  return { settings, findings }
}

/** The line of one entry of `rules` (inline table or `[tool.<table>.rules]`), else of `rules`. */
export function ruleLevelLine(root: PyProject, table: string, key?: string): number | undefined {
  return (
    (key === undefined ? undefined : root.lines.find(['tool', table, 'rules'], key)) ??
    root.lines.find(['tool', table], 'rules') ??
    root.lines.find(['tool', table, 'rules'])
  )
}

/**
 * `rules = { CA110 = "warning", mirror-dir = "off" }` (or a `[tool.<table>.rules]` table): each
 * value must be a level, else an error finding on its line. Which codes exist is the caller's to
 * judge (validate-structure holds the catalogue).
 */
function readRuleLevels(
  root: PyProject,
  table: string,
  findings: Finding[]
): Record<string, RuleLevel> {
  const raw = getTable(root.data, ['tool', table])?.rules
  if (raw === undefined) return {}
  const line = (key?: string) => ruleLevelLine(root, table, key)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    findings.push({
      severity: 'error',
      message: `[tool.${table}] rules must be a table of { <code> = "off" | "warning" | "error" } (got ${showTomlValue(raw)})`,
      file: root.file,
      line: line()
    })
    return {}
  }
  const levels: Record<string, RuleLevel> = {}
  for (const [code, level] of Object.entries(raw)) {
    if (RULE_LEVELS.includes(level as RuleLevel)) levels[code] = level as RuleLevel
    else
      findings.push({
        severity: 'error',
        message: `[tool.${table}.rules] ${code} must be "off", "warning" or "error" (got ${showTomlValue(level)})`,
        file: root.file,
        line: line(code)
      })
  }
  return levels
}

const PLACEHOLDER = /\{(\w+)\}/g

/**
 * The bot-state location, checked before any write: a branch git accepts that is not the default
 * branch (the bot would commit onto it), and a folder inside the repository.
 */
function stateFindings(settings: Settings, root: PyProject | undefined): Finding[] {
  const out: Finding[] = []
  const at = (key: string) => ({
    file: root?.file,
    line: root?.lines.find(['tool', settings.table], key)
  })
  const header = `[tool.${settings.table}]`
  const branch = settings.state_branch
  if (!isBranchName(branch))
    out.push({
      severity: 'error',
      message: `${header} state_branch ${JSON.stringify(branch)} is not a branch name git accepts (no \`..\`, no component starting with \`.\`, no spaces or \`~^:?*[\\\`)`,
      ...at('state_branch')
    })
  else if (branch === settings.default_branch || branch === 'main' || branch === 'master')
    out.push({
      severity: 'error',
      message: `${header} state_branch ${JSON.stringify(branch)} is a default branch; the bot state needs a branch of its own (default: bot-state/auto-issue-bot)`,
      ...at('state_branch')
    })
  if (!isRepoFolder(settings.state_dir))
    out.push({
      severity: 'error',
      message: `${header} state_dir ${JSON.stringify(settings.state_dir)} must be a folder inside the repository: relative, with no \`.\` or \`..\` component (default: .github/bot-state)`,
      ...at('state_dir')
    })
  return out
}

/** Fills `{upstream}`, `{version}`, `{package}` in a settings pattern. */
export function fillPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(PLACEHOLDER, (m, k: string) => values[k] ?? m)
}

/**
 * fillPattern read backwards: a regular expression matching what `pattern` becomes with `values`
 * filled in, the placeholder `open` left to match any text, captured as group 1 (the same text
 * wherever it occurs). How a bump branch or label gives back the version it was made for. No
 * group when the pattern lacks `open`.
 */
export function patternRegExp(
  pattern: string,
  values: Record<string, string>,
  open: string
): RegExp {
  const parts = pattern.split(`{${open}}`).map((part) => escapeRegExp(fillPattern(part, values)))
  const holes = parts.slice(1).map((part, k) => `${k === 0 ? '(.+)' : '\\1'}${part}`)
  return new RegExp(`^${parts[0]}${holes.join('')}$`)
}

/**
 * The `{placeholders}` of a pattern that are not among `known`, each once, in order. fillPattern
 * leaves an unknown one as it is, so a typo would be written out verbatim: reject it up front.
 */
export function unknownPlaceholders(pattern: string, known: readonly string[]): string[] {
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1])
  return [...new Set(names.filter((n) => !known.includes(n)))]
}
