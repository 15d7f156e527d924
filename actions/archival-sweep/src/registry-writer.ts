/**
 * The registry change's writes (archive, unarchive), exactly once. A pull request is found by
 * its branch before anything is made: an open one is the change already proposed (re-runs and
 * overlapping runs write nothing), one a maintainer closed with this change's marker is their
 * decision and is not reopened. The branch and the pull request are created with createOnce, so
 * a create answered 5xx (but made) is adopted, not made twice.
 */
import {
  Base,
  branchHead,
  commitFiles,
  Connection,
  createBranchOnce,
  createOnce,
  ensureLabel,
  ListedPull,
  pullsFrom,
  statusOf
} from '@contribs-actions/shared/github'
import type { RegistryOutcome } from './apply.js'
import type { RegistryChange } from './registry.js'

const toOutcome = (listed: ListedPull, adopted: boolean): RegistryOutcome => ({
  pull: { number: listed.number, url: listed.url },
  adopted
})

/** Opens the change's pull request, or finds it proposed or decided already. */
export async function openRegistryPull(
  conn: Connection,
  base: Base,
  change: RegistryChange,
  label: string
): Promise<RegistryOutcome> {
  const { octokit, owner, repo } = conn
  const open = (await pullsFrom(conn, change.branch, base.branch, 'open'))[0]
  if (open) {
    await labelPull(conn, open, label)
    return toOutcome(open, true)
  }
  const decided = (await pullsFrom(conn, change.branch, base.branch, 'closed')).find((p) =>
    p.body.includes(change.marker)
  )
  if (decided?.merged) return toOutcome(decided, true)
  if (decided)
    return {
      ...toOutcome(decided, true),
      declined: `#${decided.number} proposing it was closed without merging: not proposed again (merge or change the files by hand)`
    }
  const sha = await commitFiles(conn, base, change.files, change.message)
  const head = await branchHead(conn, change.branch)
  // A branch left from an earlier change of this package, whose pull request is closed: the
  // branch name is the sweep's own, so it is moved to the new commit.
  if (head === undefined) await createBranchOnce(conn, change.branch, sha)
  else if (head !== sha)
    await octokit.rest.git.updateRef({
      owner,
      repo,
      ref: `heads/${change.branch}`,
      sha,
      force: true
    })
  const made = await createOnce({
    create: async () => {
      const { data } = await octokit.rest.pulls.create({
        owner,
        repo,
        head: change.branch,
        base: base.branch,
        title: change.title,
        body: change.body,
        maintainer_can_modify: true
      })
      return { number: data.number, url: data.html_url, labels: [] as string[] }
    },
    find: async () => (await pullsFrom(conn, change.branch, base.branch, 'open'))[0]
  })
  await labelPull(conn, made.value, label)
  return { pull: { number: made.value.number, url: made.value.url }, adopted: made.adopted }
}

/** Puts the label on a pull request that lacks it (made first when the repository lacks it). */
async function labelPull(
  { octokit, owner, repo }: Connection,
  pull: { number: number; labels: string[] },
  label: string
): Promise<void> {
  if (pull.labels.some((l) => l.toLowerCase() === label.toLowerCase())) return
  await ensureLabel(octokit, owner, repo, {
    name: label,
    color: '6a737d',
    description: 'Archives or unarchives a package (contribs-actions archival-sweep)'
  })
  await octokit.rest.issues.addLabels({ owner, repo, issue_number: pull.number, labels: [label] })
}

/**
 * Commits the change straight onto the default branch, without force: when the branch moved
 * since it was read, GitHub refuses and the next run plans again from the new head.
 */
export async function commitRegistryChange(
  conn: Connection,
  base: Base,
  change: RegistryChange
): Promise<RegistryOutcome> {
  const { octokit, owner, repo } = conn
  const sha = await commitFiles(conn, base, change.files, change.message)
  try {
    await octokit.rest.git.updateRef({
      owner,
      repo,
      ref: `heads/${base.branch}`,
      sha,
      force: false
    })
  } catch (e) {
    if (statusOf(e) === 422)
      throw new Error(
        `${base.branch} moved while the sweep ran (the commit is no fast-forward): the next run commits on the new head`,
        { cause: e }
      )
    throw e
  }
  return { adopted: false }
}
