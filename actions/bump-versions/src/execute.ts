import { fillPattern, Finding, Settings } from '@contribs-actions/shared'
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
  log: (line: string) => void
}

export function refusalMessage(repository: string): string {
  return (
    `GitHub refused to open the pull request: "GitHub Actions is not permitted to create or approve pull requests." ` +
    `Either allow it for ${repository} (Settings -> Actions -> General -> Workflow permissions -> ` +
    `"Allow GitHub Actions to create and approve pull requests"; an organization may have to allow it first), ` +
    `or pass a GitHub App installation token as \`token\` (actions/create-github-app-token), whose pull requests also get CI.`
  )
}

/**
 * Works through the active tier, one package after another: an open bump PR is reported, a bump
 * branch of ours without a PR gets its PR, a branch holding someone else's commits is left alone,
 * and every other package gets its commit (pyproject edit plus refreshed lock file), branch, PR,
 * label and reviewers. A failure costs only its own package, except GitHub's refusal to let the
 * Actions token open pull requests, which would refuse every other package too.
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
    (e): e is Entry & { state: 'below' } => e.state === 'below' && e.tier === plan.activeTier
  )
  const branchOf = (e: Entry) => branchName(settings, version, e.id)
  const messageOf = (e: Entry) =>
    fillPattern(settings.bump_commit, { upstream, version, package: e.id })

  if (!o.remote) {
    for (const e of active)
      out.wouldOpen.push({ package: e.id, branch: branchOf(e), existingBranch: false })
    return out
  }
  const { api, base, files } = o.remote

  // One listing of the bump branches, then only branches that exist need a closer look.
  const prefix = fillPattern(settings.bump_branch, { upstream, version, package: '\u0000' }).split(
    '\u0000'
  )[0]
  const branches = await api.branches(prefix)
  const todo: { e: Entry & { state: 'below' }; branch: string; existing: boolean }[] = []
  for (const e of active) {
    const branch = branchOf(e)
    const sha = branches.get(branch)
    if (sha === undefined) {
      todo.push({ e, branch, existing: false })
      continue
    }
    const pr = await api.openPull(branch, base.branch)
    if (pr) {
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
    todo.push({ e, branch, existing: true })
  }

  if (o.dryRun) {
    for (const t of todo)
      out.wouldOpen.push({ package: t.e.id, branch: t.branch, existingBranch: t.existing })
    return out
  }

  const label = fillPattern(settings.bump_label, { upstream, version })
  let labelReady = false
  for (let k = 0; k < todo.length; k++) {
    const { e, branch, existing } = todo[k]
    const lockFile = files.get(e.lockFile)
    if (!existing) {
      const changes = [
        { path: e.file, text: e.edit.text, mode: files.get(e.file)?.mode ?? '100644' }
      ]
      if (!o.lockArgv) out.lockNotes.set(e.id, 'lock refresh turned off (`lock-command: ""`)')
      else if (!lockFile)
        out.lockNotes.set(e.id, `no ${e.lockFile} on ${base.branch}; nothing to refresh`)
      else {
        const overrides = new Map<string, string>()
        for (const [p, f] of files) if (p.endsWith('pyproject.toml')) overrides.set(p, f.text)
        overrides.set(e.file, e.edit.text)
        overrides.set(e.lockFile, lockFile.text)
        const r = await runLock({
          argv: o.lockArgv,
          checkout: o.checkout,
          dir: e.dir,
          files: overrides,
          lockFile: e.lockFile,
          tempRoot: o.tempRoot
        })
        if (!r.ok) {
          out.failed.push({
            package: e.id,
            reason: `lock refresh failed, so no branch or PR: ${r.reason}`
          })
          continue
        }
        if (r.text === lockFile.text)
          out.lockNotes.set(e.id, `\`${o.lockArgv.join(' ')}\`: ${e.lockFile} already current`)
        else {
          changes.push({ path: e.lockFile, text: r.text, mode: lockFile.mode })
          out.lockNotes.set(e.id, `\`${o.lockArgv.join(' ')}\`: ${e.lockFile} refreshed`)
        }
      }
      try {
        const sha = await api.commit(base, changes, messageOf(e))
        await api.createBranch(branch, sha)
        o.log(`${e.id}: committed ${sha.slice(0, 7)} on ${branch}`)
      } catch (err) {
        if (statusOf(err) === 422 && /Reference already exists/i.test(reasonOf(err))) {
          // Another run (two bump PRs merged at once) got there first; it opens the PR.
          out.skipped.push({ package: e.id, reason: `${branch} was just created by another run` })
          continue
        }
        out.failed.push({ package: e.id, reason: `could not create ${branch}: ${reasonOf(err)}` })
        continue
      }
    } else {
      out.lockNotes.set(e.id, `branch ${branch} already holds the bump commit`)
    }

    if (!labelReady) {
      try {
        await ensureLabel(api.octokit, api.owner, api.repo, {
          name: label,
          color: 'c2e0c6',
          description: `Bump to ${upstream} ${version} (contribs-actions bump-versions)`
        })
      } catch (err) {
        // Adding the label to the PR below creates it anyway (without colour or description).
        o.log(`could not create label ${label}: ${reasonOf(err)}`)
      }
      labelReady = true
    }

    let pr: { number: number; url: string; author: string }
    try {
      pr = await api.createPull({
        branch,
        base: base.branch,
        title: messageOf(e),
        body: prBody({ entry: e, plan, settings, lockNote: out.lockNotes.get(e.id) })
      })
    } catch (err) {
      const why = reasonOf(err)
      if (statusOf(err) === 403 && NOT_PERMITTED.test(why)) {
        out.refusal = refusalMessage(`${api.owner}/${api.repo}`)
        out.failed.push({
          package: e.id,
          reason: `${why} (branch ${branch} is kept; the next run opens its PR)`
        })
        for (const rest of todo.slice(k + 1))
          out.failed.push({
            package: rest.e.id,
            reason: 'not attempted: GitHub refuses pull requests from this token'
          })
        break
      }
      if (statusOf(err) === 422 && /already exists/i.test(why)) {
        out.skipped.push({ package: e.id, reason: `a PR for ${branch} already exists (${why})` })
        continue
      }
      out.failed.push({ package: e.id, reason: `could not open the PR from ${branch}: ${why}` })
      continue
    }
    out.opened.push({ package: e.id, branch, number: pr.number, url: pr.url })
    o.log(`${e.id}: opened #${pr.number} ${pr.url}`)

    try {
      await api.addLabel(pr.number, label)
    } catch (err) {
      out.warnings.push({
        severity: 'warning',
        package: e.id,
        message: `${e.id}: could not add label ${label} to #${pr.number} (${reasonOf(err)}); add it by hand, or merging the PR will not open the next tier`
      })
    }

    const reviews = await api.requestReviews(pr.number, pr.author, e.owners)
    if (reviews.requested.length)
      o.log(`${e.id}: review requested from ${reviews.requested.join(', ')}`)
    if (reviews.refused.length) {
      const teamHint =
        o.remote.actionsToken && reviews.refused.some((r) => r.who.includes('/'))
          ? ' Teams need a token that can read the organization (a GitHub App token with Members: read); the default GITHUB_TOKEN cannot.'
          : ''
      // One clause per reason: "@a, @b (not collaborators); @org/t (...)".
      const byWhy = new Map<string, string[]>()
      for (const r of reviews.refused) byWhy.set(r.why, [...(byWhy.get(r.why) ?? []), r.who])
      const clauses = [...byWhy].map(([why, who]) => `${who.join(', ')} (${why})`)
      out.warnings.push({
        severity: 'warning',
        package: e.id,
        message: `${e.id}: #${pr.number} is open, but review could not be requested from ${clauses.join('; ')}.${teamHint}`
      })
    }
  }
  return out
}
