import type { Settings } from '@contribs-actions/shared'
import type { Base, Remote } from './github.js'
import type { Plan } from './plan.js'
import { BranchState, branchPrefix, reviewersFor, taskBases } from './work.js'

/**
 * What GitHub holds for each active package's bump branch: one listing of the bump branches,
 * then a closer look only at branches that exist (their open PR; for a branch without one,
 * whether it holds only our commit). Reads only.
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
    // Nobody asked now: ask again only if nobody ever was (their reviews may be in).
    const wanted = reviewersFor(entry.owners, pull.author, remote.owner)
    if (!pull.reviewers.length && !pull.teams.length && wanted.users.length + wanted.teams.length)
      pull.reviewsRequestedBefore = await remote.reviewsRequestedBefore(pull.number)
    states.set(entry.id, { sha, pull })
  }
  return states
}
