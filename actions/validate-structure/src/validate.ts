import {
  byCodePoint,
  Finding,
  isGrandfathered,
  PyProject,
  eachPackage,
  ownerHandles,
  packageLayoutFindings,
  RepoBase
} from '@contribs-actions/shared'
import { checkContent, PackageContext } from './check-package.js'
import { checkRegistrations, Registrations } from './registrations.js'
import { Levels, resolveRule } from './rules.js'

export interface Suppressed extends Finding {
  reason: string
}

export interface Validation {
  /** Every package validated (grandfathered ones are not). */
  packages: string[]
  violations: Finding[]
  warnings: Finding[]
  suppressed: Suppressed[]
}

export interface RepoFacts {
  /**
   * The folder rules' findings (checkFolders), one list per package in `Contents.packages`
   * order: each package's layout is judged as soon as it is listed and not kept, as
   * checkContents does with the parsed files.
   */
  folderFindings: Finding[][]
  /** Whether some package has folders below a mirror dir (see the core paths warning). */
  nestedBelowMirrors: boolean
  /** Grandfathered paths that no longer exist, with the line that lists them. */
  staleGrandfather: { path: string; line?: number }[]
  /** What the opt-in registration checks read (empty when all are off). */
  registrations: Registrations
}

/**
 * What later rules need of a package once its contents were checked: its name (rule 10, the
 * extras), and its OWNERS handles when CODEOWNERS is checked.
 */
export interface PackageName {
  dir: string
  pyproject?: Pick<PyProject, 'file' | 'name' | 'key' | 'lines'>
  owners?: string[]
}

export interface Contents {
  /** Every package, sorted by folder (code point). */
  packages: PackageName[]
  findings: Finding[]
}

/**
 * Reads and checks each package's files one package at a time, keeping only its findings and its
 * name: the parsed TOML is dropped as soon as it was judged. On 5,000 generated packages keeping
 * every parsed document (~70 MB of heap) cost ~100 ms of garbage collection.
 */
export function checkContents(repo: RepoBase, ctx: PackageContext): Contents {
  const packages: PackageName[] = []
  const findings: Finding[] = []
  for (const pkg of eachPackage(repo)) {
    for (const f of checkContent(pkg, ctx)) findings.push(f)
    const p = pkg.pyproject
    packages.push({
      dir: pkg.dir,
      pyproject: p && { file: p.file, name: p.name, key: p.key, lines: p.lines },
      ...(ctx.settings.codeowners !== false && pkg.owners
        ? { owners: ownerHandles(pkg.owners) }
        : {})
    })
  }
  return { packages, findings }
}

/**
 * Rule 10: distribution names are unique after PEP 503 normalisation. Packages are visited in
 * code-point order, so the later folder reports and names the earlier one; the root
 * meta-package's name is taken too, since installing both would clash.
 */
export function checkDuplicates(repo: RepoBase, packages: PackageName[]): Finding[] {
  const seen = new Map<string, { where: string; name: string }>()
  if (repo.rootPyproject?.key && repo.rootPyproject.name)
    seen.set(repo.rootPyproject.key, {
      where: 'the root pyproject.toml',
      name: repo.rootPyproject.name
    })
  const out: Finding[] = []
  for (const pkg of packages) {
    const p = pkg.pyproject
    if (!p?.key || !p.name) continue
    const first = seen.get(p.key)
    if (!first) {
      seen.set(p.key, { where: pkg.dir, name: p.name })
      continue
    }
    const spelled =
      first.name === p.name
        ? ''
        : `; it is ${JSON.stringify(first.name)} there, and PEP 503 normalises both to '${p.key}'`
    out.push({
      severity: 'error',
      code: 'CA113',
      package: pkg.dir,
      message: `duplicate distribution name '${p.name}' (also in ${first.where})${spelled}`,
      file: p.file,
      line: p.lines.find(['project'], 'name')
    })
  }
  return out
}

/**
 * The findings at the levels `rules` sets: an `off` rule's findings are dropped, a `warning`
 * rule's no longer fail the step, an `error` rule's do. Other findings keep their severity.
 */
function atLevels(findings: Finding[], levels: Levels): Finding[] {
  if (!levels.size) return findings
  const out: Finding[] = []
  for (const f of findings) {
    const level = f.code === undefined ? undefined : levels.get(f.code)
    if (level === undefined || level === f.severity) out.push(f)
    else if (level !== 'off') out.push({ ...f, severity: level })
  }
  return out
}

/**
 * Moves findings silenced by `[tool.<table>.suppress]` aside (they are listed with their reason,
 * not dropped), and warns about suppressions that name an unknown package or code or that
 * silenced nothing, so the list cannot quietly outlive the problem it excused.
 */
function applySuppressions(
  repo: RepoBase,
  validated: ReadonlySet<string>,
  findings: Finding[],
  levels: Levels = new Map()
): { kept: Finding[]; suppressed: Suppressed[]; warnings: Finding[] } {
  const root = repo.rootPyproject
  const table = repo.settings.table
  const where = (pkg: string) => ({
    file: root?.file ?? 'pyproject.toml',
    line:
      root?.lines.find(['tool', table, 'suppress'], pkg) ??
      root?.lines.find(['tool', table, 'suppress', pkg]) ??
      root?.lines.find(['tool', table, 'suppress'])
  })
  const warnings: Finding[] = []
  const rules = new Map<string, Map<string, { reason: string; used: boolean; as: string }>>()
  for (const [pkg, codes] of Object.entries(repo.settings.suppress)) {
    if (!validated.has(pkg)) {
      warnings.push({
        severity: 'warning',
        code: 'CA203',
        message: `[tool.${table}.suppress] names ${JSON.stringify(pkg)}, which is not a validated subpackage (remove it)`,
        ...where(pkg)
      })
      continue
    }
    const m = new Map<string, { reason: string; used: boolean; as: string }>()
    for (const [codeOrSlug, reason] of Object.entries(codes)) {
      const rule = resolveRule(codeOrSlug)
      if (!rule)
        warnings.push({
          severity: 'warning',
          code: 'CA203',
          package: pkg,
          message: `[tool.${table}.suppress.${pkg}] ${JSON.stringify(codeOrSlug)} is not a rule code or slug (see the validate-structure README)`,
          ...where(pkg)
        })
      else m.set(rule.code, { reason, used: false, as: codeOrSlug })
    }
    rules.set(pkg, m)
  }
  const kept: Finding[] = []
  const suppressed: Suppressed[] = []
  for (const f of findings) {
    const s = f.package && f.code ? rules.get(f.package)?.get(f.code) : undefined
    if (!s) {
      kept.push(f)
      continue
    }
    s.used = true
    suppressed.push({ ...f, reason: s.reason })
  }
  const why = (pkg: string, code: string) =>
    levels.get(code) === 'off'
      ? `${code} is off for the whole repository ([tool.${table}] rules)`
      : `${pkg} no longer breaks ${code}`
  for (const [pkg, m] of rules)
    for (const [code, s] of m)
      if (!s.used)
        warnings.push({
          severity: 'warning',
          code: 'CA203',
          package: pkg,
          message: `[tool.${table}.suppress.${pkg}] ${s.as} silences nothing: ${why(pkg, code)} (remove the entry)`,
          ...where(pkg)
        })
  return { kept, suppressed, warnings }
}

/** The whole check, over what was read: pure. */
export function validateRepo(
  repo: RepoBase,
  ctx: PackageContext,
  contents: Contents,
  facts: RepoFacts
): Validation {
  const { packages } = contents
  const all: Finding[] = [...contents.findings]
  for (const findings of facts.folderFindings) all.push(...findings)
  all.push(...checkDuplicates(repo, packages))
  all.push(...checkRegistrations(repo, packages, facts.registrations))

  // Grandfathered paths inside a package (a legacy folder under the namespace, say) are exempt,
  // as is everything under them.
  const exempt = (f: Finding) =>
    f.file !== undefined && isGrandfathered(repo.grandfather, f.file.replace(/\/+$/, ''))
  const { kept, suppressed, warnings } = applySuppressions(
    repo,
    new Set(packages.map((p) => p.dir)),
    atLevels(
      all.filter((f) => !exempt(f)),
      ctx.levels
    ),
    ctx.levels
  )

  const extra: Finding[] = [...repo.settingsFindings]
  for (const s of facts.staleGrandfather)
    extra.push({
      severity: 'warning',
      code: 'CA202',
      message: `grandfathered path ${JSON.stringify(s.path)} no longer exists: remove it from the list`,
      file: repo.grandfather.file,
      line: s.line
    })
  // No package, or pyproject.toml files outside every package: say what was looked for.
  extra.push(
    ...packageLayoutFindings(
      repo,
      packages.map((p) => p.dir)
    )
  )
  if (!ctx.corePaths && facts.nestedBelowMirrors)
    extra.push({
      severity: 'warning',
      message: `${ctx.corePathsFile} not found: directories below mirror dirs were not checked`,
      file: ctx.corePathsFile
    })

  // Stable order: by package (code point), then by rule.
  const order = (a: Finding, b: Finding) =>
    byCodePoint(a.package ?? '', b.package ?? '') || byCodePoint(a.code ?? '', b.code ?? '')
  // Repository-level warnings (CA202, CA203) take their `rules` level too.
  const repoWide = atLevels(extra, ctx.levels)
  const fromSuppressions = atLevels(warnings, ctx.levels)
  const graded = [...repoWide, ...kept, ...fromSuppressions]
  return {
    packages: packages.map((p) => p.dir),
    violations: graded.filter((f) => f.severity === 'error').sort(order),
    warnings: graded.filter((f) => f.severity === 'warning').sort(order),
    suppressed: suppressed.sort(order)
  }
}
