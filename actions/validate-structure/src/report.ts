import path from 'node:path'
import {
  ActionResult,
  code,
  emptyResult,
  fileLine,
  Finding,
  Markdown,
  plural,
  RepoBase
} from '@contribs-actions/shared'
import { label } from './rules.js'
import type { Validation } from './validate.js'

/** One entry of the `violations` output. */
export interface Violation {
  package: string
  code: string
  message: string
  file: string
  line?: number
}

/** The `violations` output stays well under GitHub's 1 MiB job-output limit. */
const VIOLATIONS_OUTPUT_LIMIT = 500_000

/** Maps a root-relative path to the workspace-relative one (a folder keeps its trailing `/`). */
export type PathMap = (file: string) => string

function workspacePaths(workspace: string | undefined, root: string): PathMap {
  if (workspace === undefined || path.resolve(workspace) === root) return (f) => f
  return (f) => {
    const rel = path.relative(workspace, path.join(root, f)).split(path.sep).join('/')
    return f.endsWith('/') ? `${rel}/` : rel
  }
}

function toViolation(finding: Finding, rel: PathMap = (x) => x): Violation {
  const v: Violation = {
    package: finding.package ?? '',
    code: finding.code ?? '',
    message: finding.message,
    file: finding.file === undefined ? '' : rel(finding.file)
  }
  if (finding.line) v.line = finding.line
  return v
}

/**
 * The violations as the output's JSON. Past the limit the list is cut and ends with one marker
 * entry (`code: "truncated"`) that says how many were left out; the `count` output, the
 * annotations and the job summary still have them all. Writing the output never fails.
 */
function encodeViolations(all: Violation[], limit = VIOLATIONS_OUTPUT_LIMIT): string {
  const full = JSON.stringify(all)
  if (Buffer.byteLength(full) <= limit) return full
  const parts: string[] = []
  let size = 2 + 400 // brackets and room for the marker
  for (const v of all) {
    const s = JSON.stringify(v)
    const n = Buffer.byteLength(s) + 1
    if (size + n > limit) break
    parts.push(s)
    size += n
  }
  const left = all.length - parts.length
  const marker: Violation = {
    package: '',
    code: 'truncated',
    message: `${plural(left, 'more violation')} not listed: this output is capped at ${limit} bytes; the \`count\` output, the annotations and the job summary have all ${all.length}`,
    file: ''
  }
  parts.push(JSON.stringify(marker))
  return `[${parts.join(',')}]`
}

/** Bytes of package rows in the job summary; the rest of the summary is small. */
const SUMMARY_TABLE_BUDGET = 600_000

/** Rows of repository-wide violations in the job summary. */
const REPO_WIDE_ROWS = 50

function where(finding: Finding, rel: PathMap): string {
  return finding.file ? code(fileLine(rel(finding.file), finding.line)) : ''
}

function sentence(validation: Validation): string {
  // A violation of no package (a registration file that does not read, an entry naming no
  // package) fails the repository, not a subpackage.
  const ofPackages = validation.violations.filter((x) => x.package)
  const failing = new Set(ofPackages.map((x) => x.package)).size
  const repoWide = validation.violations.length - ofPackages.length
  const extras = [
    validation.suppressed.length ? `${validation.suppressed.length} suppressed` : '',
    validation.warnings.length ? plural(validation.warnings.length, 'warning') : ''
  ].filter(Boolean)
  const tail = extras.length ? ` (${extras.join(', ')})` : ''
  if (!validation.violations.length)
    return `all ${plural(validation.packages.length, 'subpackage')} keep the structure contract${tail}`
  if (!failing)
    return `${plural(repoWide, 'repository-wide violation')}; all ${plural(validation.packages.length, 'subpackage')} keep the structure contract${tail}`
  const more = repoWide ? ` and ${repoWide} repository-wide` : ''
  return `${plural(validation.violations.length, 'violation')} in ${failing} of ${plural(validation.packages.length, 'subpackage')}${more}${tail}`
}

/**
 * Outputs, failure and job summary. Paths in the `violations` output and the summary are relative
 * to the workspace, like the annotations, so they match the checkout (and are clickable from the
 * folder the CLI ran in); with `path: .` that is the repository root.
 */
export function buildResult(
  repo: RepoBase,
  validation: Validation,
  workspace?: string
): ActionResult {
  const rel = workspacePaths(workspace, repo.root)
  const result = emptyResult()
  result.root = repo.root
  result.findings = [...validation.violations, ...validation.warnings]
  const summary = sentence(validation)
  const violations = validation.violations.map((f) => toViolation(f, rel))
  result.outputs = {
    violations: encodeViolations(violations),
    ok: validation.violations.length === 0,
    count: validation.violations.length,
    summary
  }
  if (validation.violations.length) result.failure = `validate-structure: ${summary}`
  result.log.push(
    `validate-structure: ${validation.violations.length ? 'FAIL' : 'PASS'}: ${summary}`
  )
  result.summary = renderSummary(repo, validation, summary, rel)
  return result
}

function renderSummary(
  repo: RepoBase,
  validation: Validation,
  summary: string,
  rel: PathMap = (x) => x,
  budget = SUMMARY_TABLE_BUDGET
): string {
  const byPkg = new Map<string, Finding[]>()
  for (const f of validation.violations) {
    const list = byPkg.get(f.package ?? '') ?? []
    list.push(f)
    byPkg.set(f.package ?? '', list)
  }
  const md = new Markdown()
    .heading('validate-structure')
    .para(`**${validation.violations.length ? 'FAIL' : 'PASS'}**: ${summary}.`)
  repoWideViolations(md, byPkg.get('') ?? [], rel)
  packageTable(md, validation.packages, byPkg, rel, budget)
  if (validation.suppressed.length)
    md.heading('Suppressed', 3).table(
      ['package', 'rule', 'reason', 'silenced'],
      validation.suppressed.map((suppressed) => [
        code(suppressed.package ?? ''),
        label(suppressed.code ?? ''),
        suppressed.reason,
        `${suppressed.message} ${where(suppressed, rel)}`.trim()
      ])
    )
  if (validation.warnings.length)
    md.heading('Warnings', 3).list(
      validation.warnings.map((w) =>
        [where(w, rel), w.code ? `**${label(w.code)}**` : '', w.message].filter(Boolean).join(' ')
      )
    )
  const g = repo.grandfather.paths
  if (g.length)
    md.para(
      `Grandfathered (exempt, listed in ${code(repo.grandfather.file)}): ${g.map(code).join(', ')}`
    )
  return md.toString()
}

/** Repository-wide violations come first: few, unless a registration file lists many non-packages. */
function repoWideViolations(md: Markdown, repoWide: Finding[], rel: PathMap): void {
  if (repoWide.length)
    md.table(
      ['repository-wide', 'violation'],
      repoWide
        .slice(0, REPO_WIDE_ROWS)
        .map((f) => [`**${label(f.code ?? '')}**`, `${f.message} ${where(f, rel)}`.trim()])
    )
  if (repoWide.length > REPO_WIDE_ROWS)
    md.para(
      `…and ${plural(repoWide.length - REPO_WIDE_ROWS, 'more repository-wide violation')}: the annotations and the \`violations\` output list them.`
    )
}

/**
 * One row a package. A handful of packages reads best as one table; thousands of passing rows
 * would bury the failing ones, so past 50 the passing packages fold away. Failing rows stop at a
 * byte budget (GitHub refuses summaries over 1 MiB), with a line saying what was left out.
 */
function packageTable(
  md: Markdown,
  packages: string[],
  byPkg: Map<string, Finding[]>,
  rel: PathMap,
  budget: number
): void {
  const failing = packages.filter((p) => byPkg.has(p))
  const passing = packages.filter((p) => !byPkg.has(p))
  const row = (p: string) => {
    const fs = byPkg.get(p) ?? []
    return [
      code(p),
      fs.length ? `❌ fail (${fs.length})` : '✅ pass',
      fs
        .map((f) => `**${label(f.code ?? '')}** ${f.message} ${where(f, rel)}`.trim())
        .join('<br>') || '—'
    ]
  }
  const shown = packages.length <= 50 ? packages : failing
  const rows: string[][] = []
  let size = 0
  for (const p of shown) {
    const r = row(p)
    size += r.join(' ').length
    if (size > budget) break
    rows.push(r)
  }
  md.table(['package', 'result', 'violations'], rows)
  const cut = shown.length - rows.length
  if (cut)
    md.para(
      `…and ${plural(cut, 'more subpackage')} not shown here (summary size limit): the annotations and the \`violations\` output list them.`
    )
  if (shown !== packages && passing.length)
    md.details(
      `${plural(passing.length, 'subpackage')} pass`,
      passing.map((p) => code(p)).join(', ')
    )
}
