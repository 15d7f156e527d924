import {
  ActionResult,
  code,
  emptyResult,
  fileLine,
  listNames,
  Markdown,
  plural
} from '@contribs-actions/shared'
import type { Why } from './affected.js'
import type { SortedChanges } from './classify.js'
import type { Discovery } from './discover.js'

/** The summary lists at most this many packages and files; the outputs hold everything. */
const MAX_ROWS = 500
const MAX_FILES_PER_PACKAGE = 20
const MAX_FILES = 1000

function whyText(why: Why): string {
  switch (why.kind) {
    case 'changed':
      return 'changed'
    case 'dependent':
      return why.via === why.root
        ? `dependent of ${code(why.root)}${throughText(why)}`
        : `dependent of ${code(why.via)}${throughText(why)} (which depends on ${code(why.root)})`
    case 'deleted-dependent':
      return why.via === why.root
        ? `depends on ${code(why.root)}${throughText(why)}, deleted by this change`
        : `dependent of ${code(why.via)}${throughText(why)} (which depends on ${code(why.root)}, deleted)`
    case 'unreadable':
      return `its pyproject.toml does not parse and names ${code(why.mentions)}: it may depend on it`
    case 'all':
      return why.because
  }
}

/** How a package depends on a sibling when only the root distribution names it. */
const throughText = (why: { through?: string }) =>
  why.through === undefined ? '' : ` through ${code(why.through)}`

/**
 * One debug line per package that runs, saying why: the changed file, the package it depends on
 * (and through which one), the glob or rule that runs everything. When every package runs for
 * the same rule, one line says so instead of thousands.
 */
export function whyLines(run: Map<string, Why>): string[] {
  const lines: string[] = []
  for (const [p, why] of run) {
    if (why.kind === 'all') return [`every subpackage runs: ${why.because}`]
    if (why.kind === 'changed' && why.files.length) {
      const more = why.files.length - 1
      lines.push(`${p} runs: changed ${why.files[0]}${more > 0 ? ` and ${more} more` : ''}`)
    } else lines.push(`${p} runs: ${whyText(why).replace(/`/g, '')}`)
  }
  return lines
}

const short = (sha: string) => sha.slice(0, 7)

/** What was compared, for the log and the summary (Markdown code spans). */
export function rangeText(range: Discovery['range'], changedCount: number | undefined): string {
  if (range.kind === 'all') return `No diff: ${range.verdict.detail}.`
  const n = changedCount ?? 0
  return `Compared ${code(short(range.base))}..${code(short(range.head))}, from ${range.how}: ${plural(n, 'changed file')}.`
}

export function buildResult(discovery: Discovery, maxLegs: number): ActionResult {
  const result = emptyResult()
  result.root = discovery.repo.root
  result.findings = discovery.findings
  const errors = discovery.findings.filter((f) => f.severity === 'error')
  const sharded = discovery.legs.length > maxLegs
  if (discovery.legs.length > 0 && discovery.legs.length >= 0.9 * maxLegs && !sharded)
    result.findings.push({
      severity: 'warning',
      message: `${discovery.legs.length} matrix legs, close to the limit of ${maxLegs} (max-legs); above it they are split into shards and only the \`shards\` output holds them`
    })
  if (sharded)
    result.findings.push({
      severity: 'warning',
      message: `${discovery.legs.length} matrix legs exceed max-legs (${maxLegs}): split into ${discovery.shards.length} shards; use the \`shards\` output (\`include\` is empty because one matrix cannot hold them)`
    })

  const changedCount = discovery.changes ? discovery.changes.files.length : ''
  if (errors.length) {
    const shown = errors.slice(0, 10).map((e) => `${fileLine(e.file ?? '', e.line)}: ${e.message}`)
    if (errors.length > shown.length) shown.push(`and ${errors.length - shown.length} more`)
    result.failure = `${plural(errors.length, 'invalid CI setting')} in the packages to test: ${shown.join('; ')}`
    result.outputs = { reason: result.failure }
  } else {
    result.outputs = {
      matrix: discovery.matrix,
      include: sharded ? [] : discovery.legs,
      any: discovery.matrix.length > 0,
      'template-smoke': discovery.decision.templateSmoke,
      shards: discovery.shards,
      skipped: discovery.skipped.map((s) => ({
        package: s.package,
        reason: s.reason,
        ...(s.issue ? { issue: s.issue } : {})
      })),
      reason: reasonWithSkips(discovery),
      'changed-count': changedCount
    }
  }

  const range = rangeText(discovery.range, discovery.changes?.files.length)
  result.log.push(`reason: ${result.outputs.reason}`)
  result.log.push(
    `${discovery.matrix.length} of ${discovery.packages.length} subpackages run (${discovery.legs.length} legs${discovery.shards.length > 1 ? ` in ${discovery.shards.length} shards` : ''}); template smoke: ${discovery.decision.templateSmoke}`
  )
  result.summary = summary(discovery, range, String(result.outputs.reason), errors.length > 0)
  return result
}

/**
 * The decision's reason, then the archived packages skipped, then the layout's warning: an empty
 * or short matrix because packages were not found must say so where the reason is read.
 */
function reasonWithSkips(discovery: Discovery): string {
  const parts = [discovery.decision.reason]
  if (discovery.skipped.length)
    parts.push(`skipped (archived): ${listNames(discovery.skipped.map((s) => s.package))}`)
  for (const f of discovery.repo.layoutFindings) parts.push(`warning: ${f.message}`)
  return parts.join('; ')
}

function summary(discovery: Discovery, range: string, reason: string, failed: boolean): string {
  const md = new Markdown().heading('discover')
  md.para(`${failed ? '**Failed:**' : '**Reason:**'} ${failed ? reason : code(reason)}`)
  md.para(range)
  md.para(
    `**${discovery.matrix.length}** of ${discovery.packages.length} subpackages run, ${plural(discovery.legs.length, 'matrix leg')}` +
      `${discovery.shards.length > 1 ? ` in ${discovery.shards.length} shards` : ''}; template smoke: **${discovery.decision.templateSmoke ? 'yes' : 'no'}**.`
  )
  const byPackage = discovery.changes?.byPackage
  const rows = discovery.matrix.slice(0, MAX_ROWS).map((p) => {
    const why = discovery.decision.run.get(p)!
    return [code(p), whyText(why), byPackage?.get(p)?.length ?? 0]
  })
  md.table(['package', 'why it runs', 'changed files'], rows)
  if (discovery.matrix.length > MAX_ROWS)
    md.para(
      `_…and ${discovery.matrix.length - MAX_ROWS} more; the \`matrix\` output lists them all._`
    )

  if (discovery.skipped.length) {
    md.heading('Skipped', 3)
    md.table(
      ['package', 'why'],
      discovery.skipped.map((s) => [
        code(s.package),
        s.issue ? `${s.reason}: ${s.issue}` : s.reason
      ])
    )
  }
  if (discovery.changes && discovery.changes.files.length) {
    const lines = changedFileLines(discovery, discovery.changes)
    md.details(`Changed files (${discovery.changes.files.length})`, lines.join('\n'))
  }
  return md.toString()
}

/**
 * The changed files by group (package, deleted package, docs, ...), at most MAX_FILES_PER_PACKAGE
 * per group and MAX_FILES in all. Groups are produced one at a time and only until the budget
 * runs out: a change touching 5,000 packages lists about fifty of them, and the rest are only
 * counted.
 */
export function changedFileLines(discovery: Discovery, changes: SortedChanges): string[] {
  const deleted = new Set(discovery.deleted.map((g) => g.dir))
  const outside = [...changes.other]
  for (const [dir, files] of changes.gone) if (!deleted.has(dir)) outside.push(...files)
  const rest: [string, string[]][] = [
    ['docs', changes.docs],
    ['template', changes.template],
    ['legacy (grandfathered)', changes.legacy],
    ['outside every subpackage', outside]
  ]
  function* groups(): Generator<[string, string[]]> {
    for (const [p, files] of changes.byPackage) yield [code(p), files]
    for (const g of discovery.deleted)
      yield [`${code(g.dir)} (deleted)`, changes.gone.get(g.dir) ?? []]
    yield* rest
  }
  let listed = 0
  for (const files of changes.byPackage.values()) if (files.length) listed++
  for (const g of discovery.deleted) if (changes.gone.get(g.dir)?.length) listed++
  for (const [, files] of rest) if (files.length) listed++

  let budget = MAX_FILES
  const lines: string[] = []
  for (const [label, files] of groups()) {
    if (!files.length) continue
    if (budget <= 0) {
      lines.push(`- …and ${listed - lines.length} more groups; \`changed-count\` counts them all`)
      break
    }
    const shown = files.slice(0, Math.min(MAX_FILES_PER_PACKAGE, budget))
    budget -= shown.length
    const more = files.length - shown.length
    lines.push(
      `- ${label} (${files.length}): ${shown.map(code).join(', ')}${more ? ` and ${more} more` : ''}`
    )
  }
  return lines
}
