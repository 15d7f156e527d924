/**
 * Carries out a run's tasks through the Writer, one package after another, each in a log group
 * of its own: a commit and branch where there is none, the PR where there is none, and then
 * whatever the PR lacks (the version label, review requests), also on a PR an earlier run left
 * incomplete. A failure costs only its own package and fails the step, so the next run finds the
 * package where it stopped and finishes it; GitHub's refusal to let the Actions token open pull
 * requests stops the rest, which it would refuse too.
 */
import type { Logger, Settings } from '@contribs-actions/shared'
import { Base, NOT_PERMITTED, PullState, reasonOf, Remote, RemoteFile } from './github.js'
import { bumpFiles, LOCK_OFF } from './lock.js'
import { emptyOutcome, noteUntouched, Outcome, refusalMessage, writes } from './outcome.js'
import type { Plan } from './plan.js'
import { prBody } from './pr-body.js'
import { Missing, missingOf, reviewersFor, Task, Work } from './work.js'
import type { Writer } from './writer.js'

export interface ApplyContext {
  plan: Plan
  settings: Settings
  writer: Writer
  /** Reads, for a branch that appeared while this run made its own. */
  remote: Remote
  base: Base
  /** The default branch's files read for the run (pyprojects, the tier's lock files). */
  files: Map<string, RemoteFile>
  /** The lock command's argv, `{upstream}` filled in; undefined when turned off. */
  lockArgv?: string[]
  checkout: string
  tempRoot?: string
  actionsToken: boolean
  log: Logger
}

type Writing = Exclude<Task, { kind: 'wait' | 'foreign' | 'newer' }>
type Rebuild = Extract<Task, { kind: 'rebuild' }>

export async function applyWork(work: Work, c: ApplyContext): Promise<Outcome> {
  const out = emptyOutcome()
  for (const t of work.tasks) if (!writes(t)) noteUntouched(t, out, c.log)
  const todo = work.tasks.filter((t): t is Writing => writes(t))
  const labelProblem = await ensureVersionLabel(work, todo, c)
  if (labelProblem) {
    for (const t of todo)
      out.failed.push({ package: t.entry.id, reason: `not attempted: ${labelProblem}` })
    return out
  }
  for (let k = 0; k < todo.length; k++) {
    const t = todo[k]
    const refused = await c.log.withGroup(
      `${t.entry.id}: ${t.entry.current ?? '(no version)'} -> ${c.plan.version}`,
      () => runTask(t, work, c, out)
    )
    if (!refused) continue
    for (const rest of todo.slice(k + 1))
      out.failed.push({
        package: rest.entry.id,
        reason: 'not attempted: GitHub refuses pull requests from this token'
      })
    break
  }
  return out
}

/**
 * The version label, made before the first PR that needs it: it is what starts the next run when
 * a bump PR is merged, so no PR is opened without it. Returns why it could not be made.
 */
async function ensureVersionLabel(
  work: Work,
  todo: Writing[],
  c: ApplyContext
): Promise<string | undefined> {
  const needs = (t: Writing) =>
    t.kind === 'complete' || t.kind === 'rebuild' ? t.missing.label : true
  if (!todo.some(needs)) return undefined
  try {
    await c.writer.ensureLabel({
      name: work.label,
      color: 'c2e0c6',
      description: `Bump to ${c.settings.upstream} ${c.plan.version} (contribs-actions bump-versions)`
    })
    return undefined
  } catch (err) {
    return `could not create the label ${work.label} (${reasonOf(err)}); the next run tries again`
  }
}

/** One package's work. True when GitHub refuses pull requests from this token. */
async function runTask(t: Writing, work: Work, c: ApplyContext, out: Outcome): Promise<boolean> {
  const id = t.entry.id
  if (t.kind === 'complete' || t.kind === 'rebuild') {
    if (t.kind === 'rebuild' && !(await rebuildBranch(t, c, out))) return false
    const problem = await completePull(t, t.pull, t.missing, work.label, c, out)
    if (problem) out.failed.push({ package: id, reason: problem })
    else
      out.skipped.push({
        package: id,
        reason: `bump PR #${t.pull.number} is open (${t.kind === 'rebuild' ? 'rebuilt' : 'completed'})`,
        number: t.pull.number,
        url: t.pull.url
      })
    return false
  }
  if (t.kind === 'bump' && !(await commitAndBranch(t, c, out))) return false
  if (t.kind === 'open')
    out.lockNotes.set(
      id,
      c.lockArgv ? `branch ${t.branch} already holds the bump commit` : LOCK_OFF
    )
  const pull = await openPull(t, c, out)
  if (pull === 'refused') return true
  if (!pull) return false
  const missing = missingOf(pull, work.label, t.entry.owners, c.remote.owner)
  const problem = await completePull(t, pull, missing, work.label, c, out)
  if (problem) out.failed.push({ package: id, reason: problem })
  else out.opened.push({ package: id, branch: t.branch, number: pull.number, url: pull.url })
  return false
}

/** The files of the bump commit on the default branch's head; undefined when the lock failed. */
async function commitFiles(t: Writing, c: ApplyContext, out: Outcome, stops: string) {
  const id = t.entry.id
  const files = await bumpFiles(t.entry, {
    files: c.files,
    baseBranch: c.base.branch,
    lockArgv: c.lockArgv,
    checkout: c.checkout,
    tempRoot: c.tempRoot
  })
  if (!files.ok) {
    out.failed.push({ package: id, reason: `lock refresh failed, so ${stops}: ${files.reason}` })
    return undefined
  }
  out.lockNotes.set(id, files.note)
  c.log.debug(`${id}: ${files.note.replace(/`/g, '')}`)
  return files.changes
}

/**
 * An open bump PR's branch made again on the default branch's head: the same commit message,
 * the edit and the locks as they come out on the head, the branch moved only if it still points
 * at the commit that was read. False when the package stops here.
 */
async function rebuildBranch(t: Rebuild, c: ApplyContext, out: Outcome): Promise<boolean> {
  const id = t.entry.id
  const changes = await commitFiles(t, c, out, `${t.branch} was not rebuilt`)
  if (!changes) return false
  try {
    const sha = await c.writer.commit(changes, t.message)
    if ((await c.writer.moveBranch(t.branch, t.sha, sha)) === 'moved') {
      const message = `${id}: ${t.branch} moved while it was rebuilt (someone pushed to it), so it is left as it is`
      out.warnings.push({ severity: 'warning', package: id, message })
      return false
    }
    c.log.info(`${id}: rebuilt ${t.branch} on ${c.base.branch} at ${c.base.sha.slice(0, 7)}`)
    out.rebuilt.push({ package: id, number: t.pull.number, url: t.pull.url })
    return true
  } catch (err) {
    out.failed.push({ package: id, reason: `could not rebuild ${t.branch}: ${reasonOf(err)}` })
    return false
  }
}

/** The lock refresh, the commit and the branch. False when the package stops here. */
async function commitAndBranch(t: Writing, c: ApplyContext, out: Outcome): Promise<boolean> {
  const id = t.entry.id
  const changes = await commitFiles(t, c, out, 'no branch or PR')
  if (!changes) return false
  let sha: string
  try {
    sha = await c.writer.commit(changes, t.message)
    const branch = await c.writer.createBranch(t.branch, sha)
    if (branch.sha !== sha) return await adoptBranch(t, branch.sha, c, out)
  } catch (err) {
    out.failed.push({ package: id, reason: `could not create ${t.branch}: ${reasonOf(err)}` })
    return false
  }
  c.log.info(`${id}: committed ${sha.slice(0, 7)} on ${t.branch}`)
  return true
}

/**
 * The branch appeared at another commit while this run made its own (a second run bumping at
 * the same moment): it is used when it holds only that run's bump commit, and left alone when not.
 */
async function adoptBranch(t: Writing, sha: string, c: ApplyContext, out: Outcome) {
  const id = t.entry.id
  const own = await c.remote.ownership(sha, t.message, c.base)
  if (own.ours) {
    c.log.info(`${id}: ${t.branch} was just made by another run at ${sha.slice(0, 7)}; using it`)
    out.lockNotes.set(
      id,
      c.lockArgv ? `branch ${t.branch} already holds the bump commit` : LOCK_OFF
    )
    return true
  }
  noteUntouched({ ...t, kind: 'foreign', why: own.why }, out, c.log)
  return false
}

/** The PR, created or found from the branch. */
async function openPull(
  t: Writing,
  c: ApplyContext,
  out: Outcome
): Promise<PullState | 'refused' | undefined> {
  const id = t.entry.id
  const body = prBody({
    entry: t.entry,
    plan: c.plan,
    settings: c.settings,
    lockNote: out.lockNotes.get(id)
  })
  try {
    const { pull, adopted } = await c.writer.createPull({
      branch: t.branch,
      title: t.message,
      body
    })
    const found = adopted ? ' (found after its creation failed or raced another run)' : ''
    c.log.info(`${id}: opened #${pull.number} ${pull.url}${found}`)
    return pull
  } catch (err) {
    const why = reasonOf(err)
    if (NOT_PERMITTED.test(why)) {
      out.refusal = refusalMessage(`${c.remote.owner}/${c.remote.repo}`)
      out.failed.push({
        package: id,
        reason: `${why} (branch ${t.branch} is kept; the next run opens its PR)`
      })
      return 'refused'
    }
    out.failed.push({ package: id, reason: `could not open the PR from ${t.branch}: ${why}` })
    return undefined
  }
}

/**
 * Adds what a bump PR lacks: the version label and the review requests. Returns why the PR is
 * still incomplete (the step fails, and the next run adds what is missing); a reviewer GitHub
 * refuses for good (not a collaborator, a team the token cannot see) is only a warning.
 */
async function completePull(
  t: Writing,
  pull: PullState,
  missing: Missing,
  label: string,
  c: ApplyContext,
  out: Outcome
): Promise<string | undefined> {
  const id = t.entry.id
  const problems: string[] = []
  if (missing.label) {
    try {
      await c.writer.addLabel(pull.number, label)
      if (t.kind === 'complete' || t.kind === 'rebuild')
        c.log.info(`${id}: added the label ${label} to #${pull.number}`)
    } catch (err) {
      problems.push(`the label ${label} could not be added (${reasonOf(err)})`)
    }
  }
  const asking = missing.users.length + missing.teams.length > 0
  const review = await c.writer.requestReviews(pull.number, missing.users, missing.teams)
  if (review.requested.length)
    c.log.info(`${id}: review requested from ${review.requested.join(', ')}`)
  const outside = (t.kind !== 'complete' && t.kind !== 'rebuild') || asking
  const lasting = [
    ...(outside ? reviewersFor(t.entry.owners, pull.author, c.remote.owner).outside : []).map(
      (who) => ({ who, why: `the team is not in the ${c.remote.owner} organization` })
    ),
    ...review.refused.filter((x) => x.lasting)
  ]
  if (lasting.length) warnRefusedReviews(id, pull.number, lasting, c, out)
  const failed = review.refused.filter((x) => !x.lasting)
  if (failed.length) problems.push(`review could not be requested from ${clauses(failed)}`)
  if (!problems.length) return undefined
  return `#${pull.number} is open, but ${problems.join(', and ')}; the next run adds what is missing`
}

/** `@a, @b (why); @org/t (why)`: one clause per reason. */
function clauses(refused: { who: string; why: string }[]): string {
  const byWhy = new Map<string, string[]>()
  for (const x of refused) byWhy.set(x.why, [...(byWhy.get(x.why) ?? []), x.who])
  return [...byWhy].map(([why, who]) => `${who.join(', ')} (${why})`).join('; ')
}

function warnRefusedReviews(
  id: string,
  number: number,
  refused: { who: string; why: string }[],
  c: ApplyContext,
  out: Outcome
): void {
  const teamHint =
    c.actionsToken && refused.some((x) => x.who.includes('/'))
      ? ' Teams need a token that can read the organization (a GitHub App token with Members: read); the default GITHUB_TOKEN cannot.'
      : ''
  out.warnings.push({
    severity: 'warning',
    package: id,
    message: `${id}: #${number} is open, but review could not be requested from ${clauses(refused)}.${teamHint}`
  })
}
