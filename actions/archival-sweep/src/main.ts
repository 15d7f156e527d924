import {
  ActionResult,
  Finding,
  Inputs,
  loadRepo,
  mapLimit,
  parseTrackingMarker,
  RunContext
} from '@contribs-actions/shared'
import { connect } from '@contribs-actions/shared/github'
import { applyPlan } from './apply.js'
import { readMinimum, upstreamFloors } from './floor.js'
import { parseOptions } from './options.js'
import { planSweep, StaleInput } from './plan.js'
import { ListedIssue, listOpenLabelled, readSweptIssue } from './read-issues.js'
import { buildResult } from './report.js'
import { DEFAULT_TEXTS, floorText, IssueKind } from './texts.js'
import { milestonesFor } from './timeline.js'
import { octokitWriter } from './writer.js'

export async function run(inputs: Inputs, ctx: RunContext): Promise<ActionResult> {
  // Everything the user gives is checked before the first request.
  const options = parseOptions(inputs, ctx)
  const repo = await loadRepo(options.root, {
    table: options.table,
    overrides: { archival_days: options.archivalDays }
  })
  const settings = repo.settings
  const minimum = readMinimum(repo, options.minimumUpstreamVersion)
  const milestones = milestonesFor(settings.archival_days)
  const labels = {
    tracking: settings.tracking_label,
    archive: settings.archive_label,
    stale: settings.stale_label
  }
  const log: string[] = []
  const conn = connect(inputs, ctx, (m) => log.push(`warning: ${m}`))
  const { octokit, owner, repo: name } = conn

  const tracking = await listOpenLabelled(octokit, owner, name, labels.tracking)
  const stale = minimum ? await listOpenLabelled(octokit, owner, name, labels.stale) : undefined
  const toRead: { issue: ListedIssue; kind: IssueKind; label: string }[] = []
  const seen = new Set<number>()
  for (const issue of tracking.issues) {
    seen.add(issue.number)
    const staleMarked =
      stale?.issues.some((s) => s.number === issue.number) &&
      parseTrackingMarker(issue.body)?.kind === 'stale'
    toRead.push(
      staleMarked
        ? { issue, kind: 'stale', label: labels.stale }
        : { issue, kind: 'tracking', label: labels.tracking }
    )
  }
  for (const issue of stale?.issues ?? []) {
    if (!seen.has(issue.number)) toRead.push({ issue, kind: 'stale', label: labels.stale })
  }
  // GitHub's clock, not the runner's: ages are measured against the event timestamps it wrote.
  const nowMs = tracking.serverNowMs ?? Date.now()
  const clock = { nowMs, firstDay: milestones[0].day }
  const issues = await mapLimit(toRead, 8, (x) =>
    readSweptIssue(octokit, owner, name, x.issue, x.kind, x.label, clock)
  )

  const findings: Finding[] = [...repo.settingsFindings]
  let staleInput: StaleInput | undefined
  if (minimum) {
    const floors = upstreamFloors(repo, minimum)
    for (const f of floors.values()) {
      if (!f.below) continue
      findings.push({
        severity: 'warning',
        package: f.package,
        file: f.file,
        line: f.line,
        message: `\`${f.requirement}\`: ${settings.upstream} floor ${floorText(f)} is below the minimum ${minimum} (minimum_upstream_version)`
      })
    }
    staleInput = {
      minimum,
      floors,
      packages: new Set(repo.packages.map((p) => p.dir)),
      owners: new Map(
        repo.packages.map((p) => [p.dir, [...(p.owners?.users ?? []), ...(p.owners?.teams ?? [])]])
      )
    }
  }

  const plan = planSweep({
    nowMs,
    issues,
    milestones,
    labels,
    texts: { ...DEFAULT_TEXTS, ...options.texts },
    upstream: settings.upstream,
    table: settings.table,
    stale: staleInput
  })
  const issueOf = new Map(plan.entries.map((e) => [e.key, e.issue]))
  const applied = await applyPlan(
    plan,
    (key) => issueOf.get(key) ?? null,
    options.maxOperations,
    options.dryRun ? undefined : octokitWriter(conn, labels)
  )
  const result = buildResult({
    plan,
    applied,
    milestones,
    dryRun: options.dryRun,
    maxOperations: options.maxOperations,
    findings,
    staleOn: minimum !== undefined
  })
  result.log.unshift(...log)
  result.root = repo.root
  return result
}
