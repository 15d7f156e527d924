import { ActionResult, code, emptyResult, Markdown, plural } from '@contribs-actions/shared'
import type { PackageOutcome, Report, Step } from './report.js'

function stepText(outcome: PackageOutcome, threshold: number): string {
  const n = outcome.failures
  const texts: Record<Step, string> = {
    'no-signal': 'no signal (cancelled, skipped or unfinished legs)',
    duplicate: 'already counted (same run and attempt)',
    unchanged: 'green',
    reset: 'green again below the threshold: counters reset',
    recover: 'green again: recovered',
    count: `red: ${n} of ${threshold} before an issue`,
    rerun: 'red again in a re-run of a counted run: not counted twice',
    open: 'red: tracking issue',
    comment: 'red: commented'
  }
  return texts[outcome.step]
}

const ICON = { red: '🔴 red', green: '🟢 green', none: '⚪ no signal' }

export interface ResultInput {
  report: Report
  mode: 'aggregate' | 'record'
  run: string
  threshold: number
  stateBranch: string
  ignoredJobs: { job: string; reason: string }[]
}

export function buildResult(input: ResultInput): ActionResult {
  const { report, threshold } = input
  const result = emptyResult()
  const red = report.packages.filter((p) => p.signal === 'red').map((p) => p.package)
  const green = report.packages.filter((p) => p.signal === 'green').map((p) => p.package)
  const none = report.packages.filter((p) => p.signal === 'none').length
  const acts: string[] = []
  const list = (verb: string, xs: Report['opened']) => {
    if (xs.length) acts.push(`${verb} ${xs.map((x) => `#${x.issue} (${x.package})`).join(', ')}`)
  }
  list('opened', report.opened)
  list('commented on', report.commented)
  list('recovered', report.recovered)
  const prefix = report.dryRun ? 'dry run, nothing written: ' : ''
  let sentence =
    `${prefix}run ${input.run}: ${red.length} red, ${green.length} green` +
    (none ? `, ${none} without signal` : '') +
    (acts.length ? `; ${acts.join('; ')}` : '')
  if (!report.packages.length) sentence = `${prefix}run ${input.run}: no smoke legs found`
  for (const r of report.rejected)
    sentence += `; could not assign ${r.logins.map((l) => `@${l}`).join(', ')} on the ${r.package} issue`
  result.outputs = {
    red,
    green,
    opened: report.opened,
    commented: report.commented,
    recovered: report.recovered,
    summary: sentence
  }
  if (report.errors.length) result.failure = report.errors.join('; ')
  for (const message of report.warnings) result.findings.push({ severity: 'warning', message })

  const md = new Markdown().heading(`smoke-reporter (${input.mode})`).para(sentence)
  md.table(
    ['package', 'this run', 'consecutive failures', 'tracking issue', 'what happened'],
    report.packages.map((outcome) => [
      code(outcome.package),
      ICON[outcome.signal],
      outcome.failures,
      outcome.issue ? `[#${outcome.issue.number}](${outcome.issue.url})` : '—',
      [stepText(outcome, threshold), ...outcome.notes].join('; ')
    ])
  )
  if (report.errors.length) md.heading('Errors', 3).list(report.errors)
  if (report.warnings.length) md.heading('Warnings', 3).list(report.warnings)
  if (input.ignoredJobs.length)
    md.details(
      `${plural(input.ignoredJobs.length, 'job')} not counted`,
      input.ignoredJobs.map((j) => `- ${code(j.job)}: ${j.reason}`).join('\n')
    )
  md.para(
    `Threshold: ${threshold} consecutive red runs. State: branch ${code(input.stateBranch)}` +
      (report.dryRun ? '' : `, ${plural(report.writes, 'write')}`) +
      (report.conflicts ? `, ${plural(report.conflicts, 'lost race')} re-applied` : '') +
      '.'
  )
  result.summary = md.toString()
  for (const p of report.packages)
    result.log.push(
      `${p.package}: ${p.signal}; ${[stepText(p, threshold), ...p.notes].join('; ')}${p.issue ? ` (#${p.issue.number})` : ''}`
    )
  result.log.push(sentence)
  return result
}
