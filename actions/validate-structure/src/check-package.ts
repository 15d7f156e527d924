import {
  Finding,
  getTable,
  PyProject,
  readCiConfig,
  Settings,
  Subpackage,
  UnreadableFileError,
  unreadDependencies
} from '@contribs-actions/shared'
import { importNames, Layout } from './layout.js'
import type { Levels } from './rules.js'
import { checkUpstream } from './upstream.js'

export interface PackageContext {
  settings: Settings
  /** Valid dotted core paths; undefined when the core paths file is absent. */
  corePaths?: ReadonlySet<string>
  corePathsFile: string
  /** The level `rules` sets for a rule (the table's, the input's over them). */
  levels: Levels
}

/** Python's repr of a list of strings, as the reference validator prints it: `['src']`. */
function pyRepr(value: unknown): string {
  if (value === undefined) return 'nothing: the key is missing'
  if (Array.isArray(value) && value.every((x) => typeof x === 'string'))
    return `[${value.map((x) => `'${x}'`).join(', ')}]`
  return JSON.stringify(value)
}

/**
 * The rules over a package's files' contents: OWNERS (rule 3), pyproject.toml parsing (rule 4),
 * the wheel target (5), the upstream constraint (6), `[tool.<table>.ci]`. Pure; run while the
 * package's parsed files are at hand (see checkContents), findings in rule order.
 */
export function checkContent(pkg: Subpackage, ctx: PackageContext): Finding[] {
  const d = pkg.dir
  const out: Finding[] = []
  const add = (code: string, message: string, file: string, line?: number, column?: number) =>
    out.push({ severity: 'error', code, package: d, message, file, line, column })

  // Rule 3: OWNERS names someone. One that cannot be read (a link out of the checkout, not a
  // file, too large, not UTF-8) names nobody: reported under the same rule, its content unread.
  if (pkg.ownersError) add('CA103', unreadableText('OWNERS', pkg.ownersError), `${d}/OWNERS`)
  else if (pkg.owners) {
    const { entries, invalid } = pkg.owners
    if (entries.length === 0 && invalid.length === 0)
      add('CA103', 'OWNERS file is empty: add at least one @user or @org/team line', `${d}/OWNERS`)
    else if (entries.length === 0)
      add(
        'CA103',
        `OWNERS has no @handle line: ${JSON.stringify(invalid[0].text)} is not an @user or @org/team`,
        `${d}/OWNERS`,
        invalid[0].line
      )
    else
      for (const bad of invalid)
        out.push({
          severity: 'warning',
          code: 'CA204',
          package: d,
          message: `OWNERS entry ${JSON.stringify(bad.text)} is not an @user or @org/team (ignored)`,
          file: `${d}/OWNERS`,
          line: bad.line
        })
  }

  // Rule 4: the pyproject parses; the rules that read it only run when it does. One that cannot
  // be read does not parse either: the same rule, saying why it was not read.
  if (pkg.pyprojectError instanceof UnreadableFileError) {
    const e = pkg.pyprojectError
    add('CA104', unreadableText('pyproject.toml', e), `${d}/pyproject.toml`, e.line, e.column)
  } else if (pkg.pyprojectError) {
    const e = pkg.pyprojectError
    const reason = e.message.replace(/^invalid TOML:\s*/, '')
    const at =
      e.line !== undefined ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : ''
    add(
      'CA104',
      `pyproject.toml is invalid TOML: ${reason}${at}`,
      `${d}/pyproject.toml`,
      e.line,
      e.column
    )
  } else if (pkg.pyproject) {
    out.push(...checkPyproject(pkg.pyproject, d, ctx))
    // Dependencies the sibling graph cannot read (the shared rule): a warning, never a silent gap.
    out.push(...unreadDependencies(pkg.pyproject, d))
  }
  return out
}

/** `pyproject.toml is a named pipe, not a regular file (not opened)` */
const unreadableText = (name: string, e: UnreadableFileError) => `${name} is ${e.message}`

/**
 * The rules over a package's folders (from walkLayout): required files and folders (rules 1, 2),
 * the namespace layout (7, 8, the stray namespace `__init__.py`; not with `namespace = ""`),
 * top-level folders (9). Pure; findings in rule order.
 */
export function checkFolders(dir: string, layout: Layout, ctx: PackageContext): Finding[] {
  const { settings } = ctx
  const out: Finding[] = []
  const add = (code: string, message: string, file: string) =>
    out.push({ severity: 'error', code, package: dir, message, file })

  // Rules 1 and 2: required files and folders (`required_files`, `required_dirs`).
  const files = new Set(layout.top.files)
  const dirs = new Set(layout.top.dirs)
  for (const f of settings.required_files)
    if (!files.has(f)) add('CA101', `missing required file: ${f}`, `${dir}/${f}`)
  for (const f of settings.required_dirs)
    if (!dirs.has(f)) add('CA102', `missing required directory: ${f}/`, `${dir}/${f}/`)

  // Without a namespace there is no namespace layout to judge.
  if (settings.namespace) out.push(...checkLayout(dir, layout, ctx))

  // Rule 9: no unexpected top-level folder (hidden ones are tool state, not layout).
  const allowed = new Set([...settings.allowed_dirs, ...settings.required_dirs, settings.namespace])
  for (const name of layout.top.dirs)
    if (!allowed.has(name))
      add('CA112', `unexpected top-level directory: ${name}/`, `${dir}/${name}/`)
  return out
}

function checkPyproject(pyproject: PyProject, dir: string, ctx: PackageContext): Finding[] {
  const { settings } = ctx
  const out: Finding[] = []
  if (!pyproject.name)
    out.push({
      severity: 'error',
      code: 'CA116',
      package: dir,
      message: 'pyproject.toml has no [project] name, so the package cannot be built or told apart',
      file: pyproject.file,
      line: pyproject.lines.tableLine(['project']) || undefined
    })

  if (settings.namespace) out.push(...checkWheel(pyproject, dir, settings.namespace))

  // Rule 6 and the minimum-version warning.
  out.push(
    ...checkUpstream(pyproject, dir, {
      upstream: settings.upstream,
      minimum: settings.minimum_upstream_version
    })
  )

  // [tool.<table>.ci], with read-ci-config's own checks.
  for (const f of readCiConfig(pyproject, settings, dir).findings) out.push({ ...f, code: 'CA115' })
  return out
}

/** Rule 5: the wheel ships the namespace folder, nothing else. */
function checkWheel(pyproject: PyProject, dir: string, namespace: string): Finding[] {
  const wheelPath = ['tool', 'hatch', 'build', 'targets', 'wheel']
  const packages = getTable(pyproject.data, wheelPath)?.packages
  const ok = Array.isArray(packages) && packages.length === 1 && packages[0] === namespace
  if (ok) return []
  return [
    {
      severity: 'error',
      code: 'CA105',
      package: dir,
      message: `[tool.hatch.build.targets.wheel].packages must be ['${namespace}'] (got ${pyRepr(packages)})`,
      file: pyproject.file,
      line: pyproject.lines.find(wheelPath, 'packages') ?? pyproject.lines.find(wheelPath)
    }
  ]
}

function checkLayout(folder: string, layout: Layout, ctx: PackageContext): Finding[] {
  const { settings } = ctx
  const ns = settings.namespace
  const out: Finding[] = []
  const add = (code: string, message: string, file: string) =>
    out.push({ severity: 'error', code, package: folder, message, file })

  // Rule 7, and the stray namespace __init__.py that breaks every sibling at import time.
  if (!layout.namespace) {
    add('CA108', `missing required directory: ${ns}/`, `${folder}/${ns}/`)
    return out
  }
  if (layout.namespace.hasInit)
    add(
      'CA114',
      `stray ${ns}/__init__.py turns the shared namespace package into a regular package and breaks every sibling's imports; delete it`,
      `${folder}/${ns}/__init__.py`
    )
  const inner = layout.namespace.inner
  if (!inner) {
    const name = importNames(folder)[0]
    add('CA108', `missing required namespace directory: ${ns}/${name}/`, `${folder}/${ns}/${name}/`)
    return out
  }
  const base = `${ns}/${inner.name}`
  if (!inner.hasInit)
    add(
      'CA109',
      `missing __init__.py at ${base}/ (regular-package boundary)`,
      `${folder}/${base}/__init__.py`
    )

  // Rule 8: mirror dirs, and core paths below them.
  const mirrors = new Set(settings.mirror_dirs)
  for (const dir of inner.dirs)
    if (!mirrors.has(dir))
      add(
        'CA110',
        `unexpected directory under ${base}/: ${dir}/ (not a core mirror): mirror dirs are ${settings.mirror_dirs.join(', ')}`,
        `${folder}/${base}/${dir}/`
      )
  if (ctx.corePaths)
    for (const dotted of inner.nested)
      if (!ctx.corePaths.has(dotted)) {
        const rel = dotted.split('.').join('/')
        add(
          'CA111',
          `directory ${rel} does not match any valid core_path (listed in ${ctx.corePathsFile})`,
          `${folder}/${base}/${rel}/`
        )
      }
  return out
}
