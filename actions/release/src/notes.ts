import type { ReleasePlan, Straggler } from './plan.js'

export interface NotesContext {
  /** The upstream distribution the repository tracks (`mellea`). */
  upstream: string
  /** The upstream version this release tracks: the release's own version unless told otherwise. */
  upstreamVersion: string
}

const issueRef = (i: { number: number; url: string }): string => `[#${i.number}](${i.url})`

function stragglerLine(straggler: Straggler): string {
  const tracking = straggler.issue
    ? `tracking issue ${issueRef(straggler.issue)}`
    : 'no open tracking issue'
  return `- \`${straggler.dir}\`: ${straggler.why}; ${tracking}`
}

/**
 * The release notes, in the CHANGELOG conventions of a coordinated release: the upstream version
 * tracked, the packages that shipped, a "Skipped" section naming every straggler with its tracking
 * issue, and the packages at risk of archival. The same plan always gives the same text, so a
 * re-run finds nothing to update.
 */
export function releaseNotes(plan: ReleasePlan, ctx: NotesContext): string {
  const lines = [
    `Tracks \`${ctx.upstream}\` ${ctx.upstreamVersion}.`,
    '',
    '### Included',
    '',
    ...(plan.meta ? [`- \`${plan.meta.name}\` ${plan.version} (meta-package)`] : []),
    ...plan.included.map((p) => `- \`${p.dir}\`: \`${p.name}\` ${plan.version}`)
  ]
  if (!plan.included.length) lines.push('- no subpackage')
  if (plan.stragglers.length)
    lines.push('', '### Skipped', '', ...plan.stragglers.map(stragglerLine))
  if (plan.atRisk.length) {
    lines.push('', '### At risk', '')
    for (const r of plan.atRisk) {
      const what =
        r.stage === 'archived'
          ? 'archived: red past the archival timeline'
          : 'broken past the archival notice: it is archived if it stays red'
      lines.push(`- \`${r.dir}\`: ${what} (${issueRef(r.issue)})`)
    }
  }
  if (plan.meta)
    lines.push(
      '',
      '### Install',
      '',
      '```',
      `pip install "${plan.meta.name}[<extra>] @ ${plan.meta.wheelUrl}"`,
      '```'
    )
  return `${lines.join('\n')}\n`
}
