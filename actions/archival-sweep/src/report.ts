/** Outputs, log and job summary of a sweep, from the plan and what was applied. */
import {
  ActionResult,
  ArchivalIssueReport,
  code,
  emptyResult,
  Finding,
  Markdown,
  type Milestone,
  plural
} from '@contribs-actions/shared'
import type { Applied } from './apply.js'
import type { Entry, Plan, Step } from './plan.js'
import { stageOf } from './plan.js'

/** An item of the `issues` output: the shared definition a release action reads. */
export type IssueReport = ArchivalIssueReport

export interface ReportInput {
  plan: Plan
  applied: Applied
  milestones: Milestone[]
  dryRun: boolean
  maxOperations: number
  findings: Finding[]
  staleOn: boolean
  /** Why this run left its work to another sweep (which holds the lease). */
  deferred?: string
}

function byKey(steps: Step[]): Map<string, Step[]> {
  const m = new Map<string, Step[]>()
  for (const s of steps) m.set(s.key, [...(m.get(s.key) ?? []), s])
  return m
}

function issueReports(input: ReportInput): IssueReport[] {
  const done = byKey(input.applied.done)
  const pending = byKey(input.applied.pending)
  const failed = new Map(input.applied.failed.map((f) => [f.step.key, f.error]))
  const held = new Map(input.applied.held.map((h) => [h.step.key, h.reason]))
  return input.plan.entries.map((entry: Entry) => {
    const d = done.get(entry.key) ?? []
    const created = input.applied.created.get(entry.key)
    const report: IssueReport = {
      issue: created?.number ?? entry.issue,
      package: entry.package,
      kind: entry.kind,
      age_days: entry.ageDays,
      stage: stageOf(entry, input.milestones, d),
      actions: d.map((s) => s.action),
      pending: (pending.get(entry.key) ?? []).map((s) => s.action)
    }
    const url = created?.url ?? entry.url
    if (url) report.url = url
    if (entry.pausedSince) report.paused_since = entry.pausedSince.slice(0, 10)
    const registry = input.applied.registry.get(entry.key)
    const pull = registry?.pull ?? entry.pull
    if (pull) report.pull = pull
    const error = failed.get(entry.key)
    const hold = held.get(entry.key)
    const note = error
      ? `failed: ${error}`
      : hold
        ? `held: ${hold}`
        : (registry?.declined ?? entry.note)
    if (note) report.note = note
    return report
  })
}

export function buildResult(input: ReportInput): ActionResult {
  const result = emptyResult()
  const reports = issueReports(input)
  const { applied } = input
  const tracking = reports.filter((r) => r.kind === 'tracking').length
  const staleCount = reports.filter((r) => r.kind === 'stale' && r.stage !== 'pending').length
  const milestones = applied.done.filter((s) => s.milestone).length
  const opened = applied.done.filter((s) => s.action === 'opened').length
  const closed = applied.done.filter((s) => s.action === 'closed').length
  const archived = [
    ...new Set(
      reports.filter((r) => r.stage === 'archived' && r.package).map((r) => r.package as string)
    )
  ].sort()
  const did = [
    `${input.dryRun ? 'would post' : 'posted'} ${plural(milestones, 'milestone')}`,
    opened ? `${input.dryRun ? 'would open' : 'opened'} ${plural(opened, 'stale issue')}` : '',
    closed ? `${input.dryRun ? 'would close' : 'closed'} ${plural(closed, 'stale issue')}` : '',
    ...registryWritten(applied, input.dryRun)
  ].filter(Boolean)
  let sentence =
    `${input.dryRun ? 'dry run: ' : ''}swept ${plural(tracking, 'tracking issue')}` +
    (input.staleOn ? ` and ${plural(staleCount, 'stale issue')}` : '') +
    `; ${did.join(', ')} (${plural(applied.operations, 'write')})` +
    (archived.length ? `; archived: ${archived.join(', ')}` : '') +
    pausedText(reports)
  if (input.deferred) {
    sentence += `; ${input.deferred}`
  }
  if (applied.capped) {
    const left = applied.pending.length
    const message =
      `max-operations (${input.maxOperations}) reached: ${plural(left, 'step')} left for the next ` +
      `run (raise \`max-operations\` to do more per run)`
    sentence += `; ${message}`
    result.findings.push({ severity: 'warning', message })
  }
  if (applied.handedOver) {
    const message = `${applied.handedOver}; this run sent nothing after that`
    sentence += `; ${message}`
    result.findings.push({ severity: 'warning', message })
  }
  for (const h of applied.held) {
    if (h.warning) result.findings.push({ severity: 'warning', message: h.reason })
  }
  if (applied.failed.length) {
    result.failure =
      `${plural(applied.failed.length, 'step')} failed: ` +
      applied.failed.map((f) => `${f.step.action} on ${f.step.key}: ${f.error}`).join('; ')
    sentence += `; ${result.failure}`
  }
  result.findings.push(...input.findings)
  result.outputs = { issues: reports, archived, summary: sentence }
  result.log.push(sentence)

  const md = new Markdown().heading(`archival-sweep${input.dryRun ? ' (dry run)' : ''}`)
  md.para(sentence)
  md.table(
    ['issue', 'package', 'kind', 'age (days)', 'stage', input.dryRun ? 'would do' : 'actions'],
    reports.map((r) => [
      r.issue === null ? '(new)' : r.url ? `[#${r.issue}](${r.url})` : `#${r.issue}`,
      r.package ? code(r.package) : '?',
      r.kind,
      r.age_days ?? '—',
      r.stage,
      [
        r.actions.join(', '),
        r.pending.length ? `pending: ${r.pending.join(', ')}` : '',
        r.note ?? ''
      ]
        .filter(Boolean)
        .join('; ') || '—'
    ])
  )
  if (!reports.length) md.para('No open issue carries the tracking label.')
  result.summary = md.toString()
  return result
}

/** `; timeline paused: dspy since 2026-01-10`, or nothing when no issue is paused. */
function pausedText(reports: IssueReport[]): string {
  const paused = reports.filter((r) => r.paused_since && r.package)
  if (!paused.length) return ''
  return `; timeline paused: ${paused.map((r) => `${r.package} since ${r.paused_since}`).join(', ')}`
}

/** `opened the archive pull request for dspy`, one per registry change made (or due, dry run). */
function registryWritten(applied: Applied, dryRun: boolean): string[] {
  const out: string[] = []
  for (const step of applied.done) {
    const w = step.writes.find((x) => x.op === 'registry')
    if (w?.op !== 'registry') continue
    const outcome = applied.registry.get(step.key)
    if (!dryRun && (!outcome || outcome.adopted || outcome.declined)) continue
    const what = w.mode === 'commit' ? 'commit' : 'pull request'
    const verb = dryRun ? 'would open' : w.mode === 'commit' ? 'made' : 'opened'
    out.push(`${verb} the ${w.change.direction} ${what} for ${w.change.package}`)
  }
  return out
}
