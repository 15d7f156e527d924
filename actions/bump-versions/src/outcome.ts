import type { Finding, Logger } from '@contribs-actions/shared'
import type { SupersedeTask } from './supersede.js'
import type { Task, Work } from './work.js'

export interface Opened {
  package: string
  branch: string
  number: number
  url: string
}
export interface Skipped {
  package: string
  reason: string
  number?: number
  url?: string
}
/** A bump PR of an older version this run dealt with (or, on a dry run, would). */
export interface Superseded {
  package: string
  /** The older version it bumped to. */
  version: string
  number: number
  url: string
  /** `closed`: closed and its branch deleted; `commented`: left open (someone else's commits). */
  action: 'closed' | 'commented'
}
export interface Failed {
  package: string
  reason: string
}

/** What a run did (or, on a dry run, would do), for the report. */
export interface Outcome {
  opened: Opened[]
  skipped: Skipped[]
  failed: Failed[]
  /** Dry run: the packages a real run would open pull requests for now. */
  wouldOpen: { package: string; branch: string; existingBranch: boolean }[]
  superseded: Superseded[]
  /** Open bump PRs whose branch was (or, on a dry run, would be) rebuilt on the default branch's tip. */
  rebuilt: { package: string; number: number; url: string }[]
  warnings: Finding[]
  /** The "not permitted to create pull requests" refusal, turned into what to change. */
  refusal?: string
  /** package -> what happened to its lock file. */
  lockNotes: Map<string, string>
}

export function emptyOutcome(): Outcome {
  return {
    opened: [],
    skipped: [],
    failed: [],
    wouldOpen: [],
    superseded: [],
    rebuilt: [],
    warnings: [],
    lockNotes: new Map()
  }
}

export function refusalMessage(repository: string): string {
  return (
    `GitHub refused to open the pull request: "GitHub Actions is not permitted to create or approve pull requests." ` +
    `Either allow it for ${repository} (Settings -> Actions -> General -> Workflow permissions -> ` +
    `"Allow GitHub Actions to create and approve pull requests"; an organization may have to allow it first), ` +
    `or pass a GitHub App installation token as \`token\` (actions/create-github-app-token), whose pull requests also get CI.`
  )
}

/** Whether a task writes: the others only report. */
export function writes(task: Task): boolean {
  return (
    task.kind === 'bump' ||
    task.kind === 'open' ||
    task.kind === 'complete' ||
    task.kind === 'rebuild'
  )
}

/** A task that writes nothing (an open PR with everything, someone else's branch), reported. */
export function noteUntouched(task: Task, out: Outcome, log: Logger): void {
  const id = task.entry.id
  if (task.kind === 'wait') {
    log.info(`${id}: bump PR #${task.pull.number} is open; waiting for it to be merged`)
    out.skipped.push({
      package: id,
      reason: `bump PR #${task.pull.number} is open`,
      number: task.pull.number,
      url: task.pull.url
    })
  } else if (task.kind === 'newer') {
    const { pull, version } = task.newer
    const reason = `the bumps to the newer ${version} are under way (#${pull.number} is open), so nothing older is opened`
    log.info(`${id}: ${reason}`)
    out.skipped.push({ package: id, reason })
  } else if (task.kind === 'foreign') {
    const reason = `branch ${task.branch} exists without an open PR and ${task.why}; it is never overwritten (finish the bump there, or delete the branch to have it recreated)`
    out.skipped.push({ package: id, reason })
    out.warnings.push({ severity: 'warning', package: id, message: `${id}: ${reason}` })
  }
}

/** A dry run: the tasks as they stand, nothing written, no lock command run. */
export function dryOutcome(work: Work, log: Logger, supersede: SupersedeTask[] = []): Outcome {
  const out = emptyOutcome()
  for (const t of supersede)
    if (t.kind !== 'flagged')
      out.superseded.push({
        package: t.package,
        version: t.version,
        number: t.pull.number,
        url: t.pull.url,
        action: t.kind === 'close' ? 'closed' : 'commented'
      })
  for (const t of work.tasks) {
    if (t.kind === 'bump' || t.kind === 'open')
      out.wouldOpen.push({
        package: t.entry.id,
        branch: t.branch,
        existingBranch: t.kind === 'open'
      })
    else if (t.kind === 'rebuild')
      out.rebuilt.push({ package: t.entry.id, number: t.pull.number, url: t.pull.url })
    else if (t.kind === 'complete') {
      const what = [
        ...(t.missing.label ? [`the label ${work.label}`] : []),
        ...(t.missing.users.length + t.missing.teams.length ? ['its review requests'] : [])
      ].join(' and ')
      out.skipped.push({
        package: t.entry.id,
        reason: `bump PR #${t.pull.number} is open; a real run adds ${what}`,
        number: t.pull.number,
        url: t.pull.url
      })
    } else noteUntouched(t, out, log)
  }
  return out
}
