/**
 * What a run does on GitHub, decided from plain data before the first write: for each ready
 * package, what its bump branch and pull request hold now (read by read-branches.ts) gives
 * one task. A dry run reports the tasks; a real run carries them out through the Writer
 * (apply.ts). Nothing here makes a request.
 */
import { fillPattern, Owners, Settings } from '@contribs-actions/shared'
import type { Ownership, PullState } from './github.js'
import type { Entry, Plan } from './plan.js'
import { branchName } from './version.js'

/** A package below the version that waits for nothing: the ones a run works on. */
export type Ready = Entry & { state: 'below' }

/** What GitHub holds for one package's bump branch. */
export interface BranchState {
  /** The branch head; undefined when there is no such branch. */
  sha?: string
  /** Its open pull request into the default branch. */
  pull?: PullState
  /** Whether the branch holds only our commit, and on which commit of the default branch. */
  ownership?: Ownership
}

/** Who is asked to review a package's bump PR, from its OWNERS. */
export interface Reviewers {
  users: string[]
  /** Team slugs of the repository's organization. */
  teams: string[]
  /** `@org/team` entries of other organizations: they cannot review here (a warning). */
  outside: string[]
}

/** What an open bump PR still lacks: the version label, its review requests. */
export interface Missing {
  label: boolean
  users: string[]
  teams: string[]
}

interface TaskBase {
  entry: Ready
  branch: string
  /** The commit message, which is also the PR title. */
  message: string
}

/**
 * One package's work. `bump`: no branch yet, so commit, branch, PR, label, review requests.
 * `open`: our branch without a PR (an earlier run stopped there), so PR, label, review requests.
 * `complete`: an open PR lacking its label or review requests, which are added. `rebuild`: an
 * open PR whose branch holds only our commit on an older commit of the default branch (behind,
 * maybe conflicting), so the commit is made again on the tip (its lock refreshed there) and the
 * branch moved to it, then whatever the PR lacks is added. `wait`: an open
 * PR with everything, waiting to be merged. `foreign`: a branch with someone else's commits and
 * no PR, never overwritten. `newer`: the bumps to a newer version are under way (one of its
 * bump PRs is open), so this version is superseded and nothing of it is opened: this happens when
 * a release arrives late, or when an older bump PR someone kept is merged and re-runs the workflow.
 */
export type Task = TaskBase &
  (
    | { kind: 'bump' }
    | { kind: 'open' }
    | { kind: 'complete'; pull: PullState; missing: Missing }
    | { kind: 'rebuild'; pull: PullState; missing: Missing; sha: string }
    | { kind: 'wait'; pull: PullState }
    | { kind: 'foreign'; why: string }
    | { kind: 'newer'; newer: { version: string; pull: PullState } }
  )

export interface Work {
  /** The version label every bump PR carries; merging a PR with it starts the next run. */
  label: string
  tasks: Task[]
}

/** The packages a run works on: below the version, nothing they wait for below it. */
function readyEntries(plan: Plan): Ready[] {
  const ready = new Set(plan.ready)
  return plan.entries.filter((e): e is Ready => e.state === 'below' && ready.has(e.id))
}

/** The part of every bump branch name before the package: one listing finds them all. */
export function branchPrefix(settings: Settings, version: string): string {
  const { upstream } = settings
  return fillPattern(settings.bump_branch, { upstream, version, package: '\u0000' }).split(
    '\u0000'
  )[0]
}

/** Each ready package's branch and commit message. */
export function taskBases(plan: Plan, settings: Settings): TaskBase[] {
  const { upstream } = settings
  const version = plan.version
  return readyEntries(plan).map((entry) => ({
    entry,
    branch: branchName(settings, version, entry.id),
    message: fillPattern(settings.bump_commit, { upstream, version, package: entry.id })
  }))
}

/**
 * The tasks of a run. `branches` is what GitHub holds (package id -> branch state); without it
 * (planning offline) every package is to be bumped. `org` is the repository's owner, whose teams
 * can review.
 */
export function planWork(
  plan: Plan,
  settings: Settings,
  branches?: {
    states: Map<string, BranchState>
    org: string
    /** The default branch's head: a branch of ours on an older commit is rebuilt on it. */
    base: string
    /** The newest open bump PR of a newer version. */
    newer?: { version: string; pull: PullState }
  }
): Work {
  const label = fillPattern(settings.bump_label, {
    upstream: settings.upstream,
    version: plan.version
  })
  const tasks = taskBases(plan, settings).map((base): Task => {
    const state = branches?.states.get(base.entry.id)
    const newer = branches?.newer
    if (newer && !state?.pull) return { ...base, kind: 'newer', newer }
    if (!state?.sha) return { ...base, kind: 'bump' }
    if (state.pull) {
      const missing = missingOf(state.pull, label, base.entry.owners, branches!.org)
      const own = state.ownership
      if (own?.ours && own.parent !== branches!.base)
        return { ...base, kind: 'rebuild', pull: state.pull, missing, sha: state.sha }
      return lacksNothing(missing)
        ? { ...base, kind: 'wait', pull: state.pull }
        : { ...base, kind: 'complete', pull: state.pull, missing }
    }
    if (state.ownership && !state.ownership.ours)
      return { ...base, kind: 'foreign', why: state.ownership.why }
    return { ...base, kind: 'open' }
  })
  return { label, tasks }
}

/**
 * OWNERS as review requests: users (never the PR's author, whom GitHub refuses), `@org/team`
 * entries of the repository's organization as team slugs; other organizations' teams cannot
 * review here.
 */
export function reviewersFor(owners: Owners | undefined, author: string, org: string): Reviewers {
  const users = (owners?.users ?? []).filter((u) => u.toLowerCase() !== author.toLowerCase())
  const teams: string[] = []
  const outside: string[] = []
  for (const t of owners?.teams ?? []) {
    const [teamOrg, slug] = t.split('/')
    if (teamOrg.toLowerCase() === org.toLowerCase()) teams.push(slug)
    else outside.push(`@${t}`)
  }
  return { users, teams, outside }
}

/**
 * What an open bump PR lacks. Label names compare without case, as GitHub's do. Reviews count as
 * requested once anybody is or ever was asked: GitHub drops a request when its review is in, and
 * asking again would notify people who already reviewed.
 */
export function missingOf(
  pull: PullState,
  label: string,
  owners: Owners | undefined,
  org: string
): Missing {
  const labelled = pull.labels.some((l) => l.toLowerCase() === label.toLowerCase())
  const asked = pull.reviewers.length > 0 || pull.teams.length > 0 || pull.reviewsRequestedBefore
  const { users, teams } = asked ? { users: [], teams: [] } : reviewersFor(owners, pull.author, org)
  return { label: !labelled, users, teams }
}

function lacksNothing(missing: Missing): boolean {
  return !missing.label && missing.users.length === 0 && missing.teams.length === 0
}
