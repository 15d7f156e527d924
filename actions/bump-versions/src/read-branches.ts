import { fillPattern, Settings } from '@contribs-actions/shared'
import type { Base } from '@contribs-actions/shared/github'
import type { Remote } from './github.js'
import type { Plan } from './plan.js'
import { isOlder, OlderBump, OtherBump, otherBumps, supersededMarker } from './supersede.js'
import { BranchState, branchPrefix, reviewersFor, taskBases } from './work.js'

/**
 * What GitHub holds for each ready package's bump branch: one listing of the bump branches,
 * then a closer look only at branches that exist (their open PR, and whether the branch holds
 * only our commit and on which commit of the default branch). Reads only.
 */
export async function readBranches(
  remote: Remote,
  base: Base,
  plan: Plan,
  settings: Settings
): Promise<Map<string, BranchState>> {
  const heads = await remote.branches(branchPrefix(settings, plan.version))
  const states = new Map<string, BranchState>()
  for (const { entry, branch, message } of taskBases(plan, settings)) {
    const sha = heads.get(branch)
    if (sha === undefined) {
      states.set(entry.id, {})
      continue
    }
    const pull = await remote.openPull(branch, base.branch)
    if (!pull) {
      states.set(entry.id, { sha, ownership: await remote.ownership(sha, message, base) })
      continue
    }
    const ownership = await remote.ownership(sha, message, base)
    // Nobody asked now: ask again only if nobody ever was (their reviews may be in).
    const wanted = reviewersFor(entry.owners, pull.author, remote.owner)
    if (!pull.reviewers.length && !pull.teams.length && wanted.users.length + wanted.teams.length)
      pull.reviewsRequestedBefore = await remote.reviewsRequestedBefore(pull.number)
    states.set(entry.id, { sha, pull, ownership })
  }
  return states
}

/** The open bump PRs of other versions: older ones (to supersede) with what decides their fate. */
export interface OtherBumps {
  older: OlderBump[]
  /** The newest open bump PR of a newer version: while there is one, the run opens nothing. */
  newer?: OtherBump
}

/**
 * Every open bump PR of another version (one listing of the open PRs), and for each older one
 * whether its branch holds only our commit and whether our comment is on it. Reads only.
 */
export async function readOtherBumps(
  remote: Remote,
  base: Base,
  plan: Plan,
  settings: Settings
): Promise<OtherBumps> {
  const ids = plan.entries.map((e) => e.id)
  const others = otherBumps(await remote.openPulls(base.branch), plan.version, settings, ids)
  const older: OlderBump[] = []
  let newer: OtherBump | undefined
  for (const bump of others) {
    if (!isOlder(bump, plan.version)) {
      if (!newer || isOlder(newer, bump.version)) newer = bump
      continue
    }
    const message = fillPattern(settings.bump_commit, {
      upstream: settings.upstream,
      version: bump.version,
      package: bump.package
    })
    const ownership = await remote.ownership(bump.sha, message, base)
    const marker = supersededMarker(bump.package, bump.version, plan.version)
    older.push({ ...bump, ownership, commented: await remote.hasComment(bump.pull.number, marker) })
  }
  return { older, newer }
}
