import {
  ActionResult,
  code,
  emptyResult,
  fileLine,
  Finding,
  Markdown,
  plural
} from '@contribs-actions/shared'
import { ACTIONS_TOKEN_WARNING } from '@contribs-actions/shared/github'
import type { Failed, Outcome, Skipped } from './outcome.js'
import type { Entry, Plan } from './plan.js'

export interface ReportInput {
  plan: Plan
  outcome: Outcome
  dryRun: boolean
  /** Where the version came from, for the reason line. */
  from: string
  /** Planned from the checkout alone (dry run without a token). */
  offline: boolean
  actionsToken: boolean
  root: string
}

/** Packages the plan itself skips, whatever happens on GitHub. */
function planSkips(plan: Plan): Skipped[] {
  return plan.entries.flatMap((entry): Skipped[] =>
    entry.state === 'dynamic'
      ? [
          {
            package: entry.id,
            reason:
              'the version is dynamic (`dynamic = ["version"]`); bump it where the build backend reads it'
          }
        ]
      : entry.state === 'missing' && entry.text === undefined
        ? [
            {
              package: entry.id,
              reason: `no ${entry.file}${entry.root ? '' : ' on the default branch'}`
            }
          ]
        : []
  )
}

/**
 * The `plan` output is kept within this many bytes: GitHub caps a job's outputs at 1 MiB in all,
 * and 5,000 packages' diffs alone come to about 2 MB. Waves, what waits and every edit's package and file are
 * always there; diffs are filled in, in plan order, while they fit, and the rest carry
 * `diff: null, truncated: true`. The job summary shows the diffs up to its own size cap.
 */
const PLAN_OUTPUT_BUDGET = 700 * 1024

export interface PlanEdit {
  package: string
  file: string
  diff: string | null
  truncated?: true
}

export function planOutput(plan: Plan, budget = PLAN_OUTPUT_BUDGET) {
  const below = plan.entries.flatMap((e) => (e.state === 'below' ? [e] : []))
  const edits: PlanEdit[] = below.map((e) => ({
    package: e.id,
    file: e.file,
    diff: null,
    truncated: true
  }))
  const out = {
    version: plan.version,
    waves: plan.waves,
    ready: plan.ready,
    waits_for: Object.fromEntries(plan.waitsFor),
    edits
  }
  let left = budget - Buffer.byteLength(JSON.stringify(out))
  below.forEach((e, i) => {
    // Replacing `null,"truncated":true` by the quoted diff changes the size by about this much.
    const cost = Buffer.byteLength(JSON.stringify(e.edit.diff)) - 20
    if (cost > left) return
    left -= cost
    edits[i] = { package: e.id, file: e.file, diff: e.edit.diff }
  })
  return out
}

function statusOf(entry: Entry, plan: Plan, outcome: Outcome, dryRun: boolean): string {
  const opened = outcome.opened.find((x) => x.package === entry.id)
  if (opened) return `opened [#${opened.number}](${opened.url})`
  const failed = outcome.failed.find((x) => x.package === entry.id)
  if (failed) return `**failed**: ${failed.reason}`
  const skipped = outcome.skipped.find((x) => x.package === entry.id)
  if (skipped)
    return skipped.url ? `[#${skipped.number}](${skipped.url}) open` : `skipped: ${skipped.reason}`
  const would = outcome.wouldOpen.find((x) => x.package === entry.id)
  if (would)
    return `would open ${code(would.branch)}${would.existingBranch ? ' (branch exists)' : ''}`
  switch (entry.state) {
    case 'at':
      return 'at version'
    case 'ahead':
      return `ahead (${entry.current})`
    case 'dynamic':
      return 'skipped: dynamic version'
    case 'missing':
      return 'skipped: no pyproject.toml'
    case 'below':
      return plan.waitsFor.has(entry.id)
        ? `waits for ${plan.waitsFor.get(entry.id)!.map(code).join(', ')}`
        : dryRun
          ? 'planned'
          : 'pending'
  }
}

/** Why no bump PR opens: every package at the version, or some skipped (not bumped here). */
function nothingToOpen(plan: ReportInput['plan'], version: string): string {
  const skipped = plan.entries.filter((e) => e.state === 'dynamic' || e.state === 'missing')
  if (!skipped.length) return `every package is at ${version}; nothing to open`
  const rest = plan.entries.length - skipped.length
  return `nothing to open for ${version}: ${plural(skipped.length, 'package')} skipped (a dynamic version or no pyproject.toml)${rest ? `, ${plural(rest, 'package')} at the version or ahead` : ''}`
}

function reasonLine(input: ReportInput, failed: Failed[]): string {
  const { plan, outcome: o } = input
  const V = `${plan.version} (version from ${input.from})`
  const parts: string[] = []
  if (!plan.ready.length && !plan.waitsFor.size) parts.push(nothingToOpen(plan, V))
  else parts.push(actionClause(input, V))

  if (o.rebuilt.length)
    parts.push(
      `${input.dryRun ? 'would rebuild' : 'rebuilt'} ${plural(o.rebuilt.length, 'bump branch', 'bump branches')} on the default branch's head (${o.rebuilt.map((x) => x.package).join(', ')})`
    )
  const closed = o.superseded.filter((x) => x.action === 'closed')
  const flagged = o.superseded.filter((x) => x.action === 'commented')
  const would = input.dryRun ? 'would close' : 'closed'
  if (closed.length)
    parts.push(
      `${would} ${plural(closed.length, 'superseded bump PR')} (${closed.map((x) => `${x.package} ${x.version}`).join(', ')})`
    )
  if (flagged.length)
    parts.push(
      `${input.dryRun ? 'would mark' : 'marked'} ${plural(flagged.length, 'superseded bump PR')} carrying other commits (${flagged.map((x) => `${x.package} ${x.version}`).join(', ')})`
    )
  const open = o.skipped.filter((s) => s.url)
  if (open.length)
    parts.push(
      `${plural(open.length, 'bump PR')} still open (${open.map((s) => s.package).join(', ')})`
    )
  if (failed.length)
    parts.push(
      `${plural(failed.length, 'package')} failed (${failed.map((f) => f.package).join(', ')})`
    )
  if (plan.waitsFor.size)
    parts.push(
      `${plan.waitsFor.size === 1 ? '1 package waits' : `${plan.waitsFor.size} packages wait`} for siblings still below ${plan.version}: ` +
        [...plan.waitsFor].map(([id, deps]) => `${id} (${deps.join(', ')})`).join(', ')
    )
  return parts.join('; ')
}

/** What the run opened (or, on a dry run, would open). */
function actionClause(input: ReportInput, V: string): string {
  const o = input.outcome
  if (input.dryRun)
    return (
      `dry run for ${V}${input.offline ? ', planned from the checkout alone' : ''}: ` +
      (o.wouldOpen.length
        ? `would open ${plural(o.wouldOpen.length, 'PR')} (${o.wouldOpen.map((w) => w.package).join(', ')})`
        : 'nothing new to open') +
      '; nothing was written'
    )
  if (o.opened.length)
    return `${V}: opened ${plural(o.opened.length, 'bump PR')}: ${o.opened.map((x) => x.package).join(', ')}`
  return `${V}: nothing new to open`
}

/** The dependency graph as waves: wave 1 waits for nothing, each later one for earlier ones. */
function waveLines(plan: Plan): string[] {
  return plan.waves.map((ids, k) => `wave ${k + 1}: ${ids.join(', ') || '(none)'}`)
}

/** Outputs, summary and log of a run that got past the pre-flight checks. */
export function buildReport(input: ReportInput): ActionResult {
  const { plan, outcome: o } = input
  const result = emptyResult()
  result.root = input.root
  const skipped = [...planSkips(plan), ...o.skipped]
  const failed = o.failed
  const reason = o.refusal ?? reasonLine(input, failed)
  const tokenWarning: Finding[] = input.actionsToken
    ? [{ severity: 'warning', message: ACTIONS_TOKEN_WARNING }]
    : []
  result.findings = [...tokenWarning, ...o.warnings]
  result.outputs = {
    version: plan.version,
    opened: o.opened,
    skipped,
    waiting: [...plan.waitsFor.keys()],
    superseded: o.superseded,
    rebuilt: o.rebuilt,
    failed,
    done: plan.done,
    plan: planOutput(plan),
    reason
  }
  if (o.refusal) result.failure = o.refusal
  else if (failed.length)
    result.failure = `${plural(failed.length, 'package')} could not be bumped: ${failed.map((f) => `${f.package}: ${f.reason}`).join('; ')}`

  // The log ends with the reason and the waves (run() logged the work and, on a dry run, the diffs).
  result.log.push(reason, ...waveLines(plan))

  const md = new Markdown().heading(`bump-versions: ${plan.version}`).para(reason)
  if (input.actionsToken) md.para(`> [!WARNING]\n> ${ACTIONS_TOKEN_WARNING}`)
  if (o.refusal) md.para(`> [!CAUTION]\n> ${o.refusal}`)
  md.para(
    plan.waves
      .map((ids, k) => `**Wave ${k + 1}**: ${ids.map(code).join(', ') || '(none)'}`)
      .join('<br>\n')
  )
  md.table(
    ['wave', 'package', 'waits for', 'version', 'status'],
    plan.entries.map((entry) => [
      String(entry.wave),
      code(entry.id),
      entry.dependsOn.map(code).join(', '),
      entry.state === 'below'
        ? `${entry.current ?? '(none)'} -> ${plan.version}`
        : 'current' in entry
          ? entry.current
          : '',
      statusOf(entry, plan, o, input.dryRun)
    ])
  )
  if (o.superseded.length)
    md.heading('Superseded bump PRs', 3).list(
      o.superseded.map(
        (x) =>
          `[#${x.number}](${x.url}) ${code(x.package)} ${x.version}: ${x.action === 'closed' ? (input.dryRun ? 'would be closed, its branch deleted' : 'closed, its branch deleted') : input.dryRun ? 'carries other commits; would get a comment' : 'carries other commits; commented, left open'}`
      )
    )
  if (o.warnings.length) md.heading('Warnings', 3).list(o.warnings.map((w) => w.message))
  const edits = plan.entries.filter((e): e is Entry & { state: 'below' } => e.state === 'below')
  if (edits.length) {
    const diffs = new Markdown()
    for (const e of edits) diffs.code(e.edit.diff, 'diff')
    if (input.dryRun) md.heading('Diffs', 3).para(diffs.toString())
    else md.details(`diffs for every package below ${plan.version}`, diffs.toString())
  }
  result.summary = md.toString()
  return result
}

/** A run stopped by the pre-flight checks: every problem on its line, nothing written. */
export function preflightFailure(plan: Plan, root: string): ActionResult {
  const result = emptyResult()
  result.root = root
  result.findings = plan.problems
  // A problem of the whole run (not of one file) has no place to name.
  const where = (f: Finding) => (f.file ? fileLine(f.file, f.line) : '')
  const placed = (f: Finding) => (f.file ? `${where(f)}: ${f.message}` : f.message)
  const reason =
    `pre-flight check failed, nothing was written: ` + plan.problems.map(placed).join('; ')
  result.failure = reason
  result.outputs = {
    version: plan.version,
    opened: [],
    skipped: [],
    waiting: [],
    superseded: [],
    rebuilt: [],
    // Problems of one package; one of the whole run is in `reason` only.
    failed: plan.problems.flatMap((f) =>
      f.package ? [{ package: f.package, reason: placed(f) }] : []
    ),
    done: false,
    plan: planOutput(plan),
    reason
  }
  result.summary = new Markdown()
    .heading(`bump-versions: ${plan.version}`)
    .para('**Pre-flight check failed; nothing was written.** Fix these lines and re-run:')
    .table(
      ['package', 'where', 'problem'],
      plan.problems.map((finding) => [
        finding.package ? code(finding.package) : '',
        finding.file ? code(where(finding)) : '',
        finding.message
      ])
    )
    .toString()
  return result
}

/** The event asks for nothing (a PR closed unmerged, a merged PR that is not a bump). */
export function nothingToDo(reason: string): ActionResult {
  const result = emptyResult()
  // `done` stays unset: nothing was looked at.
  result.outputs = {
    opened: [],
    skipped: [],
    waiting: [],
    superseded: [],
    rebuilt: [],
    failed: [],
    reason
  }
  result.log.push(reason)
  result.summary = new Markdown()
    .heading('bump-versions')
    .para(`Nothing to do: ${reason}.`)
    .toString()
  return result
}
