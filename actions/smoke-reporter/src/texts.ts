/**
 * What the reporter writes on GitHub. The tracking marker ties an issue to its package (shared
 * contract with archival-sweep); the effect markers name the pending effect that wrote an issue
 * or comment, so a run can tell whether an earlier one already wrote it.
 */
import { trackingMarker, trackingTitle } from '@contribs-actions/shared'
import { hiddenMarker } from '@contribs-actions/shared/github'
import type { Effect } from './state.js'

/** The hidden line that identifies what one pending effect writes. */
export function effectMarker(pkg: string, effect: Effect): string {
  if (effect.kind === 'open') return hiddenMarker('smoke-opened', { package: pkg, run: effect.run })
  if (effect.kind === 'comment')
    return hiddenMarker('smoke-red', { package: pkg, failure: effect.failure, run: effect.run })
  return hiddenMarker('smoke-green', { package: pkg, run: effect.run })
}

/** A reused issue gets the still-red comment of the effect that would have opened it. */
export function reuseMarker(pkg: string, effect: Effect & { kind: 'open' }): string {
  return hiddenMarker('smoke-red', { package: pkg, failure: effect.failure, run: effect.run })
}

export function issueTitle(label: string, pkg: string, since: string): string {
  return trackingTitle(label, pkg, `smoke red since ${since}`)
}

export function stillRedComment(runUrl: string, failure: number): string {
  return `Still red after run ${runUrl} (consecutive failure #${failure})`
}

export function recoveryComment(date: string, sha: string | undefined, label: string): string {
  const head = sha
    ? `smoke green again on ${date}, fixed in ${sha}`
    : `smoke green again on ${date}`
  return (
    `${head}\n\n` +
    `The \`${label}\` label is removed, so the archival timeline stops. ` +
    'This issue stays open for a human to close (or to keep for the record).'
  )
}

/** What archival-sweep will do, in the order of `archival_days` (last: archive; before it: release-notes notice; earlier: reminders). */
export function timelineText(days: number[], label: string, archiveLabel: string): string {
  const sorted = [...days].sort((a, b) => a - b)
  const steps: string[] = []
  sorted.forEach((d, i) => {
    if (i === sorted.length - 1)
      steps.push(`on day ${d} the package is labelled \`${archiveLabel}\``)
    else if (i === sorted.length - 2)
      steps.push(`on day ${d} a notice that the package will be named in the next release notes`)
    else steps.push(`on day ${d} a reminder`)
  })
  return (
    `**What happens next.** While this issue is open with the \`${label}\` label, archival-sweep ` +
    `counts days from when the label was applied: ${steps.join('; ')}. ` +
    `When the smoke test passes again, smoke-reporter comments here and removes \`${label}\`, ` +
    'which stops the clock; the issue stays open for you to close.'
  )
}

export interface BodyInput {
  package: string
  upstream: string
  failures: number
  threshold: number
  since: string
  runUrl: string
  upstreamRef?: string
  upstreamSha?: string
  users: string[]
  teams: string[]
  rejected: string[]
  /** Owners beyond GitHub's 10 assignees: mentioned, not assigned. */
  overflow: string[]
  label: string
  archiveLabel: string
  archivalDays: number[]
  /** The effect marker of the open that writes this body. */
  marker: string
}

function upstreamText(upstream: string, ref?: string, sha?: string): string {
  if (ref && sha) return `\`${upstream}\` \`${ref}\` at \`${sha}\``
  if (sha) return `\`${upstream}\` at \`${sha}\``
  if (ref) return `\`${upstream}\` \`${ref}\` (commit not recorded)`
  return `\`${upstream}\` (ref and commit not recorded; pass \`upstream-ref\` and \`upstream-sha\` to smoke-reporter)`
}

export function issueBody(bodyInput: BodyInput): string {
  const owners = [...bodyInput.users.map((u) => `@${u}`), ...bodyInput.teams.map((t) => `@${t}`)]
  const lines = [
    `The smoke test of \`${bodyInput.package}\` against the upstream has been red in ${bodyInput.failures} consecutive runs (threshold ${bodyInput.threshold}), since ${bodyInput.since}.`,
    '',
    `- Failing run: ${bodyInput.runUrl}`,
    `- Upstream tested: ${upstreamText(bodyInput.upstream, bodyInput.upstreamRef, bodyInput.upstreamSha)}`,
    `- Owners: ${owners.length ? owners.join(' ') : `none found (no \`${bodyInput.package}/OWNERS\` in the checkout)`}`,
    ''
  ]
  if (bodyInput.rejected.length)
    lines.push(
      `> [!NOTE]\n> Could not assign ${bodyInput.rejected.map((u) => `@${u}`).join(', ')}: GitHub rejected them as assignees ` +
        '(an assignee needs access to this repository). They are mentioned above instead.',
      ''
    )
  if (bodyInput.overflow.length)
    lines.push(
      `GitHub allows at most 10 assignees; ${bodyInput.overflow.map((u) => `@${u}`).join(', ')} are mentioned, not assigned.`,
      ''
    )
  lines.push(
    timelineText(bodyInput.archivalDays, bodyInput.label, bodyInput.archiveLabel),
    '',
    trackingMarker(bodyInput.package),
    bodyInput.marker
  )
  return lines.join('\n')
}
