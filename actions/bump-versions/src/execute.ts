import { fillPattern, Finding, Logger, Settings } from '@contribs-actions/shared'
import { ensureLabel, statusOf } from '@contribs-actions/shared/github'
import { Base, NOT_PERMITTED, reasonOf, Remote, RemoteFile } from './github.js'
import { runLock } from './lock.js'
import type { Entry, Plan } from './plan.js'
import { prBody } from './pr-body.js'
import { branchName } from './version.js'

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
export interface Failed {
  package: string
  reason: string
}

export interface Outcome {
  opened: Opened[]
  skipped: Skipped[]
  failed: Failed[]
  /** Dry run: the packages a real run would open pull requests for now. */
  wouldOpen: { package: string; branch: string; existingBranch: boolean }[]
  warnings: Finding[]
  /** The "not permitted to create pull requests" refusal, turned into what to change. */
  refusal?: string
  /** package -> what happened to its lock file. */
  lockNotes: Map<string, string>
}

export interface ExecuteOptions {
  plan: Plan
  settings: Settings
  dryRun: boolean
  /** Absent when planning offline (dry run without a token). */
  remote?: { api: Remote; base: Base; files: Map<string, RemoteFile>; actionsToken: boolean }
  /** The lock command's argv, `{upstream}` filled in; undefined when turned off. */
  lockArgv?: string[]
  checkout: string
  tempRoot?: string
  log: Logger
}

export function refusalMessage(repository: string): string {
  return (
    `GitHub refused to open the pull request: "GitHub Actions is not permitted to create or approve pull requests." ` +
    `Either allow it for ${repository} (Settings -> Actions -> General -> Workflow permissions -> ` +
    `"Allow GitHub Actions to create and approve pull requests"; an organization may have to allow it first), ` +
    `or pass a GitHub App installation token as \`token\` (actions/create-github-app-token), whose pull requests also get CI.`
  )
}

type Active = Entry & { state: 'below' }

/** A package of the active tier that gets its commit, branch and PR (or its PR on an existing branch). */
interface Todo {
  e: Active
  branch: string
  existing: boolean
}

/** What every package's work needs: the options, the outcome being filled, the label. */
interface Run {
  o: ExecuteOptions
  remote: NonNullable<ExecuteOptions['remote']>
  out: Outcome
  messageOf: (e: Entry) => string
  label: string
  labelReady: boolean
}

/**
 * Works through the active tier, one package after another, each in a log group of its own: an
 * open bump PR is reported, a bump branch of ours without a PR gets its PR, a branch holding
 * someone else's commits is left alone, and every other package gets its commit (pyproject edit
 * plus refreshed lock file), branch, PR, label and reviewers. A failure costs only its own
 * package, except GitHub's refusal to let the Actions token open pull requests, which would
 * refuse every other package too.
 */
export async function execute(o: ExecuteOptions): Promise<Outcome> {
  const { plan, settings } = o
  const out: Outcome = {
    opened: [],
    skipped: [],
    failed: [],
    wouldOpen: [],
    warnings: [],
    lockNotes: new Map()
  }
  const version = plan.version
  const upstream = settings.upstream
  const active = plan.entries.filter(
    (e): e is Active => e.state === 'below' && e.tier === plan.activeTier
  )
  const branchOf = (e: Entry) => branchName(settings, version, e.id)
  const messageOf = (e: Entry) =>
    fillPattern(settings.bump_commit, { upstream, version, package: e.id })

  if (!o.remote) {
    for (const e of active)
      out.wouldOpen.push({ package: e.id, branch: branchOf(e), existingBranch: false })
    return out
  }
  const todo = await sortBranches(o, o.remote, active, branchOf, messageOf, out)
  if (o.dryRun) {
    for (const t of todo)
      out.wouldOpen.push({ package: t.e.id, branch: t.branch, existingBranch: t.existing })
    return out
  }

  const label = fillPattern(settings.bump_label, { upstream, version })
  const run: Run = { o, remote: o.remote, out, messageOf, label, labelReady: false }
  for (let k = 0; k < todo.length; k++) {
    const t = todo[k]
    const refused = await o.log.withGroup(
      `${t.e.id}: ${t.e.current ?? '(no version)'} -> ${version}`,
      () => bumpOne(run, t)
    )
    if (!refused) continue
    for (const rest of todo.slice(k + 1))
      out.failed.push({
        package: rest.e.id,
        reason: 'not attempted: GitHub refuses pull requests from this token'
      })
    break
  }
  return out
}

/**
 * One listing of the bump branches, then only branches that exist get a closer look: an open PR
 * or a branch that is not ours is skipped (and says why); the rest are to do.
 */
async function sortBranches(
  o: ExecuteOptions,
  { api, base }: NonNullable<ExecuteOptions['remote']>,
  active: Active[],
  branchOf: (e: Entry) => string,
  messageOf: (e: Entry) => string,
  out: Outcome
): Promise<Todo[]> {
  const { upstream } = o.settings
  const prefix = fillPattern(o.settings.bump_branch, {
    upstream,
    version: o.plan.version,
    package: '\u0000'
  }).split('\u0000')[0]
  const branches = await api.branches(prefix)
  const todo: Todo[] = []
  for (const e of active) {
    const branch = branchOf(e)
    const sha = branches.get(branch)
    if (sha === undefined) {
      todo.push({ e, branch, existing: false })
      continue
    }
    const pr = await api.openPull(branch, base.branch)
    if (pr) {
      o.log.info(`${e.id}: bump PR #${pr.number} is open; waiting for it to be merged`)
      out.skipped.push({
        package: e.id,
        reason: `bump PR #${pr.number} is open`,
        number: pr.number,
        url: pr.url
      })
      continue
    }
    const own = await api.ownership(sha, messageOf(e), base)
    if (!own.ours) {
      const reason = `branch ${branch} exists without an open PR and ${own.why}; it is never overwritten (finish the bump there, or delete the branch to have it recreated)`
      out.skipped.push({ package: e.id, reason })
      out.warnings.push({ severity: 'warning', package: e.id, message: `${e.id}: ${reason}` })
      continue
    }
    o.log.debug(`${e.id}: ${branch} exists and holds only the bump commit: its PR is opened`)
    todo.push({ e, branch, existing: true })
  }
  return todo
}

/** One package's commit (unless its branch exists), PR, label and reviewers. True when GitHub refuses PRs from this token. */
async function bumpOne(r: Run, t: Todo): Promise<boolean> {
  const { e, branch } = t
  if (!t.existing) {
    if (!(await commitBump(r, t))) return false
  } else r.out.lockNotes.set(e.id, `branch ${branch} already holds the bump commit`)
  await ensureBumpLabel(r)
  const pr = await openPull(r, t)
  if (pr === 'refused') return true
  if (!pr) return false
  const { out, o } = r
  out.opened.push({ package: e.id, branch, number: pr.number, url: pr.url })
  o.log.info(`${e.id}: opened #${pr.number} ${pr.url}`)
  try {
    await r.remote.api.addLabel(pr.number, r.label)
  } catch (err) {
    out.warnings.push({
      severity: 'warning',
      package: e.id,
      message: `${e.id}: could not add label ${r.label} to #${pr.number} (${reasonOf(err)}); add it by hand, or merging the PR will not open the next tier`
    })
  }
  await requestReviews(r, e, pr)
  return false
}

/** The lock refresh, the commit and the branch. False when the package stops here (failed or skipped). */
async function commitBump(r: Run, { e, branch }: Todo): Promise<boolean> {
  const { o, out } = r
  const { api, base, files } = r.remote
  const lockFile = files.get(e.lockFile)
  const changes = [{ path: e.file, text: e.edit.text, mode: files.get(e.file)?.mode ?? '100644' }]
  if (!o.lockArgv) out.lockNotes.set(e.id, 'lock refresh turned off (`lock-command: ""`)')
  else if (!lockFile)
    out.lockNotes.set(e.id, `no ${e.lockFile} on ${base.branch}; nothing to refresh`)
  else {
    const overrides = new Map<string, string>()
    for (const [p, f] of files) if (p.endsWith('pyproject.toml')) overrides.set(p, f.text)
    overrides.set(e.file, e.edit.text)
    overrides.set(e.lockFile, lockFile.text)
    const lock = await runLock({
      argv: o.lockArgv,
      checkout: o.checkout,
      dir: e.dir,
      files: overrides,
      lockFile: e.lockFile,
      tempRoot: o.tempRoot
    })
    if (!lock.ok) {
      out.failed.push({
        package: e.id,
        reason: `lock refresh failed, so no branch or PR: ${lock.reason}`
      })
      return false
    }
    if (lock.text === lockFile.text)
      out.lockNotes.set(e.id, `\`${o.lockArgv.join(' ')}\`: ${e.lockFile} already current`)
    else {
      changes.push({ path: e.lockFile, text: lock.text, mode: lockFile.mode })
      out.lockNotes.set(e.id, `\`${o.lockArgv.join(' ')}\`: ${e.lockFile} refreshed`)
    }
  }
  o.log.debug(`${e.id}: ${out.lockNotes.get(e.id)!.replace(/`/g, '')}`)
  try {
    const sha = await api.commit(base, changes, r.messageOf(e))
    await api.createBranch(branch, sha)
    o.log.info(`${e.id}: committed ${sha.slice(0, 7)} on ${branch}`)
    return true
  } catch (err) {
    if (statusOf(err) === 422 && /Reference already exists/i.test(reasonOf(err))) {
      // Another run (two bump PRs merged at once) got there first; it opens the PR.
      out.skipped.push({ package: e.id, reason: `${branch} was just created by another run` })
      return false
    }
    out.failed.push({ package: e.id, reason: `could not create ${branch}: ${reasonOf(err)}` })
    return false
  }
}

/** The bump label, made once per run; adding it to a PR creates it anyway (without colour or description). */
async function ensureBumpLabel(r: Run): Promise<void> {
  if (r.labelReady) return
  const { upstream } = r.o.settings
  try {
    await ensureLabel(r.remote.api.octokit, r.remote.api.owner, r.remote.api.repo, {
      name: r.label,
      color: 'c2e0c6',
      description: `Bump to ${upstream} ${r.o.plan.version} (contribs-actions bump-versions)`
    })
  } catch (err) {
    r.o.log.info(`could not create label ${r.label}: ${reasonOf(err)}`)
  }
  r.labelReady = true
}

async function openPull(
  r: Run,
  { e, branch }: Todo
): Promise<{ number: number; url: string; author: string } | 'refused' | undefined> {
  const { o, out } = r
  const { api, base } = r.remote
  try {
    return await api.createPull({
      branch,
      base: base.branch,
      title: r.messageOf(e),
      body: prBody({
        entry: e,
        plan: o.plan,
        settings: o.settings,
        lockNote: out.lockNotes.get(e.id)
      })
    })
  } catch (err) {
    const why = reasonOf(err)
    if (statusOf(err) === 403 && NOT_PERMITTED.test(why)) {
      out.refusal = refusalMessage(`${api.owner}/${api.repo}`)
      out.failed.push({
        package: e.id,
        reason: `${why} (branch ${branch} is kept; the next run opens its PR)`
      })
      return 'refused'
    }
    if (statusOf(err) === 422 && /already exists/i.test(why)) {
      out.skipped.push({ package: e.id, reason: `a PR for ${branch} already exists (${why})` })
      return undefined
    }
    out.failed.push({ package: e.id, reason: `could not open the PR from ${branch}: ${why}` })
    return undefined
  }
}

async function requestReviews(
  r: Run,
  e: Active,
  pr: { number: number; author: string }
): Promise<void> {
  const reviews = await r.remote.api.requestReviews(pr.number, pr.author, e.owners)
  if (reviews.requested.length)
    r.o.log.info(`${e.id}: review requested from ${reviews.requested.join(', ')}`)
  if (!reviews.refused.length) return
  const teamHint =
    r.remote.actionsToken && reviews.refused.some((x) => x.who.includes('/'))
      ? ' Teams need a token that can read the organization (a GitHub App token with Members: read); the default GITHUB_TOKEN cannot.'
      : ''
  // One clause per reason: "@a, @b (not collaborators); @org/t (...)".
  const byWhy = new Map<string, string[]>()
  for (const x of reviews.refused) byWhy.set(x.why, [...(byWhy.get(x.why) ?? []), x.who])
  const clauses = [...byWhy].map(([why, who]) => `${who.join(', ')} (${why})`)
  r.out.warnings.push({
    severity: 'warning',
    package: e.id,
    message: `${e.id}: #${pr.number} is open, but review could not be requested from ${clauses.join('; ')}.${teamHint}`
  })
}
