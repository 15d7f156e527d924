/**
 * Carries out a run's tasks through the Writer, one package after another, each in a log group
 * of its own: a commit and branch where there is none, the PR where there is none, and then
 * whatever the PR lacks (the version label, review requests), also on a PR an earlier run left
 * incomplete. A failure costs only its own package and fails the step, so the next run finds the
 * package where it stopped and finishes it; GitHub's refusal to let the Actions token open pull
 * requests stops the rest, which it would refuse too.
 */
import type { Logger, Settings } from '@contribs-actions/shared'
import type { Base } from '@contribs-actions/shared/github'
import { NOT_PERMITTED, PullState, reasonOf, Remote, RemoteFile } from './github.js'
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

export async function applyWork(work: Work, context: ApplyContext): Promise<Outcome> {
  const out = emptyOutcome()
  for (const t of work.tasks) if (!writes(t)) noteUntouched(t, out, context.log)
  const todo = work.tasks.filter((t): t is Writing => writes(t))
  const labelProblem = await ensureVersionLabel(work, todo, context)
  if (labelProblem) {
    for (const t of todo)
      out.failed.push({ package: t.entry.id, reason: `not attempted: ${labelProblem}` })
    return out
  }
  for (let k = 0; k < todo.length; k++) {
    const t = todo[k]
    const refused = await context.log.withGroup(
      `${t.entry.id}: ${t.entry.current ?? '(no version)'} -> ${context.plan.version}`,
      () => runTask(t, work, context, out)
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
  context: ApplyContext
): Promise<string | undefined> {
  const needs = (t: Writing) =>
    t.kind === 'complete' || t.kind === 'rebuild' ? t.missing.label : true
  if (!todo.some(needs)) return undefined
  try {
    await context.writer.ensureLabel({
      name: work.label,
      color: 'c2e0c6',
      description: `Bump to ${context.settings.upstream} ${context.plan.version} (contribs-actions bump-versions)`
    })
    return undefined
  } catch (err) {
    return `could not create the label ${work.label} (${reasonOf(err)}); the next run tries again`
  }
}

/** One package's work. True when GitHub refuses pull requests from this token. */
async function runTask(
  writing: Writing,
  work: Work,
  context: ApplyContext,
  out: Outcome
): Promise<boolean> {
  const id = writing.entry.id
  if (writing.kind === 'complete' || writing.kind === 'rebuild') {
    if (writing.kind === 'rebuild' && !(await rebuildBranch(writing, context, out))) return false
    const problem = await completePull(
      writing,
      writing.pull,
      writing.missing,
      work.label,
      context,
      out
    )
    if (problem) out.failed.push({ package: id, reason: problem })
    else
      out.skipped.push({
        package: id,
        reason: `bump PR #${writing.pull.number} is open (${writing.kind === 'rebuild' ? 'rebuilt' : 'completed'})`,
        number: writing.pull.number,
        url: writing.pull.url
      })
    return false
  }
  if (writing.kind === 'bump' && !(await commitAndBranch(writing, context, out))) return false
  if (writing.kind === 'open')
    out.lockNotes.set(
      id,
      context.lockArgv ? `branch ${writing.branch} already holds the bump commit` : LOCK_OFF
    )
  const pull = await openPull(writing, context, out)
  if (pull === 'refused') return true
  if (!pull) return false
  const missing = missingOf(pull, work.label, writing.entry.owners, context.remote.owner)
  const problem = await completePull(writing, pull, missing, work.label, context, out)
  if (problem) out.failed.push({ package: id, reason: problem })
  else out.opened.push({ package: id, branch: writing.branch, number: pull.number, url: pull.url })
  return false
}

/** The files of the bump commit on the default branch's head; undefined when the lock failed. */
async function commitFiles(writing: Writing, context: ApplyContext, out: Outcome, stops: string) {
  const id = writing.entry.id
  const files = await bumpFiles(writing.entry, {
    files: context.files,
    baseBranch: context.base.branch,
    lockArgv: context.lockArgv,
    checkout: context.checkout,
    tempRoot: context.tempRoot
  })
  if (!files.ok) {
    out.failed.push({ package: id, reason: `lock refresh failed, so ${stops}: ${files.reason}` })
    return undefined
  }
  out.lockNotes.set(id, files.note)
  context.log.debug(`${id}: ${files.note.replace(/`/g, '')}`)
  return files.changes
}

/**
 * An open bump PR's branch made again on the default branch's head: the same commit message,
 * the edit and the locks as they come out on the head, the branch moved only if it still points
 * at the commit that was read. False when the package stops here.
 */
async function rebuildBranch(
  rebuild: Rebuild,
  context: ApplyContext,
  out: Outcome
): Promise<boolean> {
  const id = rebuild.entry.id
  const changes = await commitFiles(rebuild, context, out, `${rebuild.branch} was not rebuilt`)
  if (!changes) return false
  try {
    const sha = await context.writer.commit(changes, rebuild.message)
    if ((await context.writer.moveBranch(rebuild.branch, rebuild.sha, sha)) === 'moved') {
      const message = `${id}: ${rebuild.branch} moved while it was rebuilt (someone pushed to it), so it is left as it is`
      out.warnings.push({ severity: 'warning', package: id, message })
      return false
    }
    context.log.info(
      `${id}: rebuilt ${rebuild.branch} on ${context.base.branch} at ${context.base.sha.slice(0, 7)}`
    )
    out.rebuilt.push({ package: id, number: rebuild.pull.number, url: rebuild.pull.url })
    return true
  } catch (err) {
    out.failed.push({
      package: id,
      reason: `could not rebuild ${rebuild.branch}: ${reasonOf(err)}`
    })
    return false
  }
}

/** The lock refresh, the commit and the branch. False when the package stops here. */
async function commitAndBranch(
  writing: Writing,
  context: ApplyContext,
  out: Outcome
): Promise<boolean> {
  const id = writing.entry.id
  const changes = await commitFiles(writing, context, out, 'no branch or PR')
  if (!changes) return false
  let sha: string
  try {
    sha = await context.writer.commit(changes, writing.message)
    const branch = await context.writer.createBranch(writing.branch, sha)
    if (branch.sha !== sha) return await adoptBranch(writing, branch.sha, context, out)
  } catch (err) {
    out.failed.push({ package: id, reason: `could not create ${writing.branch}: ${reasonOf(err)}` })
    return false
  }
  context.log.info(`${id}: committed ${sha.slice(0, 7)} on ${writing.branch}`)
  return true
}

/**
 * The branch appeared at another commit while this run made its own (a second run bumping at
 * the same moment): it is used when it holds only that run's bump commit, and left alone when not.
 */
async function adoptBranch(writing: Writing, sha: string, context: ApplyContext, out: Outcome) {
  const id = writing.entry.id
  const own = await context.remote.ownership(sha, writing.message, context.base)
  if (own.ours) {
    context.log.info(
      `${id}: ${writing.branch} was just made by another run at ${sha.slice(0, 7)}; using it`
    )
    out.lockNotes.set(
      id,
      context.lockArgv ? `branch ${writing.branch} already holds the bump commit` : LOCK_OFF
    )
    return true
  }
  noteUntouched({ ...writing, kind: 'foreign', why: own.why }, out, context.log)
  return false
}

/** The PR, created or found from the branch. */
async function openPull(
  writing: Writing,
  context: ApplyContext,
  out: Outcome
): Promise<PullState | 'refused' | undefined> {
  const id = writing.entry.id
  const body = prBody({
    entry: writing.entry,
    plan: context.plan,
    settings: context.settings,
    lockNote: out.lockNotes.get(id)
  })
  try {
    const { pull, adopted } = await context.writer.createPull({
      branch: writing.branch,
      title: writing.message,
      body
    })
    const found = adopted ? ' (found after its creation failed or raced another run)' : ''
    context.log.info(`${id}: opened #${pull.number} ${pull.url}${found}`)
    return pull
  } catch (err) {
    const why = reasonOf(err)
    if (NOT_PERMITTED.test(why)) {
      out.refusal = refusalMessage(`${context.remote.owner}/${context.remote.repo}`)
      out.failed.push({
        package: id,
        reason: `${why} (branch ${writing.branch} is kept; the next run opens its PR)`
      })
      return 'refused'
    }
    out.failed.push({ package: id, reason: `could not open the PR from ${writing.branch}: ${why}` })
    return undefined
  }
}

/**
 * Adds what a bump PR lacks: the version label and the review requests. Returns why the PR is
 * still incomplete (the step fails, and the next run adds what is missing); a reviewer GitHub
 * refuses for good (not a collaborator, a team the token cannot see) is only a warning.
 */
async function completePull(
  writing: Writing,
  pull: PullState,
  missing: Missing,
  label: string,
  context: ApplyContext,
  out: Outcome
): Promise<string | undefined> {
  const id = writing.entry.id
  const problems: string[] = []
  if (missing.label) {
    try {
      await context.writer.addLabel(pull.number, label)
      if (writing.kind === 'complete' || writing.kind === 'rebuild')
        context.log.info(`${id}: added the label ${label} to #${pull.number}`)
    } catch (err) {
      problems.push(`the label ${label} could not be added (${reasonOf(err)})`)
    }
  }
  const asking = missing.users.length + missing.teams.length > 0
  const review = await context.writer.requestReviews(pull.number, missing.users, missing.teams)
  if (review.requested.length)
    context.log.info(`${id}: review requested from ${review.requested.join(', ')}`)
  const outside = (writing.kind !== 'complete' && writing.kind !== 'rebuild') || asking
  const lasting = [
    ...(outside
      ? reviewersFor(writing.entry.owners, pull.author, context.remote.owner).outside
      : []
    ).map((who) => ({ who, why: `the team is not in the ${context.remote.owner} organization` })),
    ...review.refused.filter((x) => x.lasting)
  ]
  if (lasting.length) warnRefusedReviews(id, pull.number, lasting, context, out)
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
  context: ApplyContext,
  out: Outcome
): void {
  const teamHint =
    context.actionsToken && refused.some((x) => x.who.includes('/'))
      ? ' Teams need a token that can read the organization (a GitHub App token with Members: read); the default GITHUB_TOKEN cannot.'
      : ''
  out.warnings.push({
    severity: 'warning',
    package: id,
    message: `${id}: #${number} is open, but review could not be requested from ${clauses(refused)}.${teamHint}`
  })
}
