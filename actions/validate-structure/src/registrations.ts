import {
  ArchivedEntry,
  ARCHIVED_FILE,
  checkCodeowners,
  CODEOWNERS_LOCATIONS,
  CodeownersFile,
  dependencyEntries,
  dependencyLine,
  Finding,
  isGrandfathered,
  normalizeName,
  PyProject,
  RepoBase,
  rootDistribution,
  rootInstalls,
  Settings,
  SmokeMatrix
} from '@contribs-actions/shared'
import type { PackageName } from './validate.js'

/** An archived list's entry, with its line in the file where found. */
type ListedArchive = ArchivedEntry & { line?: number }

/**
 * What the opt-in registration checks read, once per run (read-facts.ts): each file, or the one
 * finding saying why it could not be used (unreadable, malformed). Undefined: the check is off.
 */
export interface Registrations {
  codeowners?: { file?: CodeownersFile; problem?: Finding }
  smokeMatrix?: { matrix?: SmokeMatrix; problem?: Finding }
  /** `.github/archived.json`, read when a registration check is on. */
  archived?: { entries: Map<string, ListedArchive>; problem?: Finding }
}

const withCode = (code: string) => (f: Finding) => ({ ...f, code })

/** CA117, CA118, CA119 over what was read: pure. */
export function checkRegistrations(
  repo: Pick<RepoBase, 'settings' | 'rootPyproject' | 'grandfather'>,
  packages: PackageName[],
  read: Registrations
): Finding[] {
  const { settings, rootPyproject: root } = repo
  const out: Finding[] = []
  const archived = read.archived?.entries ?? new Map<string, ListedArchive>()
  if (read.archived?.problem) out.push(read.archived.problem)
  if (read.codeowners) {
    const { file, problem } = read.codeowners
    const where =
      typeof settings.codeowners === 'string' ? settings.codeowners : CODEOWNERS_LOCATIONS[0]
    const owned = packages.flatMap((p) => (p.owners ? [{ dir: p.dir, owners: p.owners }] : []))
    out.push(...(problem ? [problem] : checkCodeowners(file, owned, where)).map(withCode('CA117')))
  }
  if (read.smokeMatrix) {
    const { matrix, problem } = read.smokeMatrix
    const legacy = (dir: string) => isGrandfathered(repo.grandfather, dir)
    const found = problem
      ? [problem]
      : smokeMatrixFindings(settings, matrix, packages, archived, legacy)
    out.push(...found.map(withCode('CA118')))
  }
  if (settings.check_extras)
    out.push(...extrasFindings(settings, root, packages, archived).map(withCode('CA119')))
  return out
}

const archivedNote = (entry: ListedArchive) =>
  `is archived (${ARCHIVED_FILE}${entry.line ? ` line ${entry.line}` : ''})`

/**
 * CA118: every package not archived is listed, and no archived one is. A listed folder that is
 * no package (deleted, renamed) is one too: the smoke run would fail on it. Grandfathered
 * folders are not validated, so their entries are not judged.
 */
function smokeMatrixFindings(
  settings: Settings,
  matrix: SmokeMatrix | undefined,
  packages: PackageName[],
  archived: Map<string, ListedArchive>,
  grandfathered: (dir: string) => boolean
): Finding[] {
  const file = settings.smoke_matrix_file
  const wanted = packages.filter((p) => !archived.has(p.dir)).map((p) => p.dir)
  if (!matrix)
    return [
      {
        severity: 'error',
        message: `${file} not found: create it as ${JSON.stringify({ subpackages: wanted })}`,
        file
      }
    ]
  const listed = new Map(matrix.entries.map((e) => [e.package, e]))
  const out: Finding[] = []
  for (const pkg of packages) {
    const entry = listed.get(pkg.dir)
    const archive = archived.get(pkg.dir)
    const at = { severity: 'error' as const, package: pkg.dir, file }
    if (archive && entry)
      out.push({
        ...at,
        line: entry.line,
        message: `${pkg.dir} ${archivedNote(archive)} and still in the smoke matrix: remove ${JSON.stringify(pkg.dir)} from "subpackages"`
      })
    else if (!archive && !entry)
      out.push({
        ...at,
        line: matrix.listLine,
        message: `${pkg.dir} is not in the smoke matrix: add ${JSON.stringify(pkg.dir)} to "subpackages"`
      })
  }
  const known = new Set(packages.map((p) => p.dir))
  for (const entry of matrix.entries)
    if (!known.has(entry.package) && !grandfathered(entry.package))
      out.push({
        severity: 'error',
        file,
        line: entry.line,
        message: `${JSON.stringify(entry.package)} in the smoke matrix is not a subpackage: remove it`
      })
  return out
}

/** The root's extras: what each installs (PEP 503 keys, see rootInstalls), and where they are listed. */
interface Extras {
  /** Extra (PEP 685-normalised) -> the distributions it installs. */
  installs: Map<string, Set<string>>
  /** Distribution -> the extras that install it, in file order. */
  installedBy: Map<string, string[]>
  /** A distribution's first line in `[project.optional-dependencies]`, by PEP 503 key. */
  lines: Map<string, number | undefined>
  /** The `[project.optional-dependencies]` header's line, else `[project]`'s. */
  tableLine?: number
}

function readExtras(root: PyProject): Extras {
  const dist = rootDistribution(root)
  const installs = new Map<string, Set<string>>()
  const installedBy = new Map<string, string[]>()
  for (const extra of dist?.extras.keys() ?? []) {
    const keys = rootInstalls(dist!, [extra])
    installs.set(extra, keys)
    for (const key of keys) installedBy.set(key, [...(installedBy.get(key) ?? []), extra])
  }
  const lines = new Map<string, number | undefined>()
  for (const e of dependencyEntries(root))
    if (e.role === 'extra' && e.requirement && !lines.has(e.requirement.key))
      lines.set(e.requirement.key, dependencyLine(root, e))
  const tableLine =
    root.lines.tableLine(['project', 'optional-dependencies']) ??
    root.lines.find(['project'], 'optional-dependencies') ??
    root.lines.tableLine(['project'])
  return { installs, installedBy, lines, tableLine: tableLine || undefined }
}

/** A TOML array of strings, as a line of pyproject.toml writes it: `["a", "b"]`. */
const tomlList = (items: string[]) => `[${items.map((x) => JSON.stringify(x)).join(', ')}]`

/** `dspy` for `mellea-contribs-dspy` in the meta-package `mellea-contribs`, else the folder's name. */
function extraName(root: PyProject, pkg: PackageName): string {
  const key = pkg.pyproject!.key!
  if (root.key && key.startsWith(`${root.key}-`)) return key.slice(root.key.length + 1)
  return normalizeName(pkg.dir.split('/').pop()!.replace(/^_+/, ''))
}

/** CA119: every package not archived is some extra's and `all_extra`'s, and no archived one is. */
function extrasFindings(
  settings: Settings,
  root: PyProject | undefined,
  packages: PackageName[],
  archived: Map<string, ListedArchive>
): Finding[] {
  if (!root)
    return [
      {
        severity: 'error',
        message: "no root pyproject.toml: the meta-package's extras cannot be checked",
        file: 'pyproject.toml'
      }
    ]
  const { installs, installedBy, lines, tableLine } = readExtras(root)
  const allName = settings.all_extra
  const all = allName ? installs.get(normalizeName(allName)) : undefined
  const out: Finding[] = []
  const named = packages.filter((p) => p.pyproject?.key && p.pyproject.name)
  if (allName && !all) {
    const names = named.filter((p) => !archived.has(p.dir)).map((p) => p.pyproject!.name!)
    out.push({
      severity: 'error',
      message: `the meta-package has no \`${allName}\` extra: add \`${allName} = ${tomlList(names)}\` to [project.optional-dependencies] (or set all_extra = "")`,
      file: root.file,
      line: tableLine
    })
  }
  for (const pkg of named) {
    const { key, name } = pkg.pyproject as { key: string; name: string }
    const at = { severity: 'error' as const, package: pkg.dir, file: root.file }
    const holding = (installedBy.get(key) ?? []).filter((x) => x !== normalizeName(allName))
    const archive = archived.get(pkg.dir)
    if (archive) {
      const still = [...holding, ...(all?.has(key) ? [allName] : [])]
      if (still.length)
        out.push({
          ...at,
          line: lines.get(key) ?? tableLine,
          message: `${pkg.dir} ${archivedNote(archive)} and still in the meta-package's extras ${still.map((x) => `\`${x}\``).join(', ')}: remove ${JSON.stringify(name)} there`
        })
      continue
    }
    const adds: string[] = []
    if (!holding.length)
      adds.push(
        `\`${extraName(root, pkg)} = ${tomlList([name])}\` to [project.optional-dependencies]`
      )
    if (all && !all.has(key)) adds.push(`${JSON.stringify(name)} to \`${allName}\``)
    if (adds.length)
      out.push({
        ...at,
        line: !holding.length
          ? tableLine
          : root.lines.find(['project', 'optional-dependencies'], allName),
        message: `${pkg.dir} (${name}) is not in the meta-package's ${holding.length ? `\`${allName}\` extra` : 'extras'}: add ${adds.join(' and ')}`
      })
  }
  return out
}
