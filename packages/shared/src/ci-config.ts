import { satisfies } from '@renovatebot/pep440'
import type { Finding } from './findings.js'
import { getTable, PyProject } from './pyproject.js'
import { FieldSpec, readFields } from './schema.js'
import type { CiDefaults, Settings } from './settings.js'

/**
 * Keys of `[tool.<table>.ci]`. GitHub's maximum job duration is 6 hours. `extra_pytest_args` has
 * no default: the package-ci workflow hands it to pytest (a string is split like a shell would,
 * so prefer a list: `["-m", "not e2e"]`).
 */
const CI_FIELDS: Record<keyof CiDefaults | 'extra_pytest_args', FieldSpec> = {
  skip_ollama: { type: 'bool' },
  timeout_minutes: { type: 'int', min: 1, max: 360 },
  python_versions: {
    type: 'string[]',
    nonEmpty: true,
    // One matrix leg per version: a repeat would run the same leg twice.
    distinct: true,
    itemPattern: /^3\.\d{1,2}$/,
    hint: '"X.Y" strings'
  },
  extra_pytest_args: { type: 'args' }
}

/**
 * The fields of a matrix leg that discover sets itself (the package, its Python version, its
 * timeout): a CI table's own key of that name would replace them in every leg, so one is an
 * error rather than a key passed through.
 */
export const LEG_FIELDS = ['package', 'python', 'timeout'] as const

/** A package's CI settings: the known keys, typed, plus any extra keys the project adds. */
export type CiConfig = CiDefaults & Record<string, unknown>

export interface CiConfigResult {
  config: CiConfig
  findings: Finding[]
  /** Whether the package has its own `[tool.<table>.ci]` table. */
  present: boolean
}

/**
 * The `[tool.<table>.ci]` table of one pyproject (a package's, or the root's repository-wide
 * default), laid over `config` key by key. Wrong types are error findings with file, line and
 * key; unknown keys are warned about and passed through; a `ci` that is not a table is an error.
 * Returns whether the table is there.
 */
export function readCiTable(
  pyproject: PyProject,
  table: string,
  config: CiConfig,
  findings: Finding[]
): boolean {
  const tablePath = ['tool', table, 'ci']
  const ci = getTable(pyproject.data, tablePath)
  if (!ci) {
    const raw = getTable(pyproject.data, ['tool', table])?.ci
    if (raw !== undefined)
      findings.push({
        severity: 'error',
        message: `[tool.${table}] ci must be a table (got ${JSON.stringify(raw)})`,
        file: pyproject.file,
        line: pyproject.lines.find(['tool', table], 'ci')
      })
    return false
  }
  const src = { file: pyproject.file, lines: pyproject.lines, table: tablePath }
  const { values, findings: typeFindings, unknown } = readFields(ci, CI_FIELDS, src)
  findings.push(...typeFindings)
  Object.assign(config, values)
  for (const key of unknown) {
    if ((LEG_FIELDS as readonly string[]).includes(key)) {
      findings.push({
        severity: 'error',
        message: `[${tablePath.join('.')}] ${key} names a field every matrix leg sets itself (${LEG_FIELDS.join(', ')}); give the setting another name`,
        file: pyproject.file,
        line: pyproject.lines.find(tablePath, key)
      })
      continue
    }
    config[key] = ci[key] instanceof Date ? (ci[key] as Date).toISOString() : ci[key]
    findings.push({
      severity: 'warning',
      message: `unknown key [${tablePath.join('.')}] ${key}: passed through in \`config\`, not used by the suite`,
      file: pyproject.file,
      line: pyproject.lines.find(tablePath, key)
    })
  }
  return true
}

/**
 * A package's CI settings: its `[tool.<table>.ci]` (see readCiTable) over the repository's
 * defaults (settings.ci: the built-in ones with the root's own table laid over them). A Python
 * version outside `requires-python` is a warning on the version's line, unless `checks` leaves
 * that out (a caller that only wants the settings and their errors, such as discover's legs).
 */
export function readCiConfig(
  pyproject: PyProject,
  settings: Settings,
  packageDir?: string,
  checks: { requiresPython: boolean } = { requiresPython: true }
): CiConfigResult {
  const config: CiConfig = { ...settings.ci, python_versions: [...settings.ci.python_versions] }
  const own: Finding[] = []
  const present = readCiTable(pyproject, settings.table, config, own)
  const pkg = packageDir ? { package: packageDir } : {}
  const findings = own.map((f) => ({ ...f, ...pkg }))
  if (!checks.requiresPython) return { config, findings, present }
  return { config, findings: crossCheck(pyproject, config, settings, findings, pkg), present }
}

const SERIES = /^(\d+)\.(\d+)$/
const FLOOR_ONLY = /^\s*>=\s*(\d+)\.(\d+)\s*$/

/**
 * The usual case without the PEP 440 library, whose first call costs milliseconds of regular
 * expression set-up (a tenth of a small repository's whole run): series `X.Y` against
 * `>=A.B` fits exactly when (X, Y) >= (A, B), since `X.Y.999` is then in range and otherwise
 * no `X.Y.*` is. Undefined for any other form.
 */
function fitsFloor(series: string, requires: string): boolean | undefined {
  const s = SERIES.exec(series)
  const f = FLOOR_ONLY.exec(requires)
  if (!s || !f) return undefined
  const [x, y, a, b] = [s[1], s[2], f[1], f[2]].map(Number)
  return x > a || (x === a && y >= b)
}

/**
 * Whether a "3.12" series fits `requires-python`: when any patch release does. Memoised, since
 * the same few strings repeat across thousands of packages and the PEP 440 library re-parses the
 * range on every call (it was most of readCiConfig's time over 5,000 packages).
 */
const seriesFits = new Map<string, boolean>()
function fitsSeries(series: string, requires: string): boolean {
  const key = `${series}\u0000${requires}`
  let fits = seriesFits.get(key)
  if (fits === undefined) {
    fits =
      fitsFloor(series, requires) ??
      [`${series}.0`, `${series}.999`].some((candidate) => {
        try {
          return satisfies(candidate, requires)
        } catch {
          return true // an unparseable requires-python is the build backend's to report
        }
      })
    seriesFits.set(key, fits)
  }
  return fits
}

function crossCheck(
  pyproject: PyProject,
  config: CiConfig,
  settings: Settings,
  findings: Finding[],
  pkg: { package?: string }
): Finding[] {
  const project = getTable(pyproject.data, ['project'])
  const requires = project?.['requires-python']
  if (typeof requires !== 'string' || requires.trim() === '') return findings
  for (const v of config.python_versions) {
    if (!fitsSeries(v, requires)) {
      findings.push({
        severity: 'warning',
        message: `python_versions has "${v}", outside requires-python "${requires}"`,
        file: pyproject.file,
        line:
          pyproject.lines.find(['tool', settings.table, 'ci'], 'python_versions') ??
          pyproject.lines.find(['project'], 'requires-python'),
        ...pkg
      })
    }
  }
  return findings
}
