/**
 * Changing files on GitHub without a clone, through the Git Data API: read the default branch's
 * head, read files at it, make one commit with new file texts on top of it, and point a branch
 * at that commit (exactly once: a lost create is looked up and adopted). bump-versions and
 * archival-sweep open their pull requests with these.
 */
import { decodeUtf8 } from '../repo-file.js'
import { statusOf } from './api-error.js'
import type { Connection } from './connect.js'

/** The repository a call is about, and the client that makes it. */
type RepoCalls = Pick<Connection, 'octokit' | 'owner' | 'repo'>
import { createOnce } from './create-once.js'

/** The default branch's head, which a bot's commit is based on. */
export interface Base {
  branch: string
  sha: string
  tree: string
}

/** A file's new text; `mode` `100755` keeps an executable bit (default `100644`). */
export interface FileChange {
  path: string
  text: string
  mode: string
}

/** The default branch and its head commit and tree. */
export async function readBase({ octokit, owner, repo }: RepoCalls): Promise<Base> {
  const { data: r } = await octokit.rest.repos.get({ owner, repo })
  const branch = r.default_branch
  const { data: b } = await octokit.rest.repos.getBranch({ owner, repo, branch })
  return { branch, sha: b.commit.sha, tree: b.commit.commit.tree.sha }
}

/**
 * A text file at `ref` (strict UTF-8, named in the error otherwise); undefined when there is no
 * such file. A folder or a symlink at the path is not a file either.
 */
export async function readTextAt(
  { octokit, owner, repo }: Connection,
  path: string,
  ref: string
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref })
    if (Array.isArray(data) || data.type !== 'file' || typeof data.content !== 'string')
      return undefined
    return decodeUtf8(Buffer.from(data.content, 'base64'), path)
  } catch (e) {
    if (statusOf(e) === 404) return undefined
    throw e
  }
}

/**
 * One commit on top of `base` with these files: a tree (texts inline) over the base tree, then
 * the commit. No author is given, so the commit is the token's own. Both POSTs name their object
 * by its content, so repeating them makes nothing twice. Returns the commit's sha.
 */
export async function commitFiles(
  { octokit, owner, repo }: RepoCalls,
  base: Pick<Base, 'sha' | 'tree'>,
  files: FileChange[],
  message: string
): Promise<string> {
  const tree = files.map((file) => ({
    path: file.path,
    mode: (file.mode === '100755' ? '100755' : '100644') as '100644' | '100755',
    type: 'blob' as const,
    content: file.text
  }))
  const { data: t } = await octokit.rest.git.createTree({ owner, repo, base_tree: base.tree, tree })
  const { data: c } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message,
    tree: t.sha,
    parents: [base.sha]
  })
  return c.sha
}

/** The head of `branch`, or undefined when there is no such branch. */
export async function branchHead(
  { octokit, owner, repo }: RepoCalls,
  branch: string
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })
    return data.object.sha
  } catch (e) {
    if (statusOf(e) === 404) return undefined
    throw e
  }
}

/** The branch at `sha`, or the branch found where it already was: the sha it points at. */
export async function createBranchOnce(
  conn: RepoCalls,
  branch: string,
  sha: string
): Promise<{ sha: string; adopted: boolean }> {
  const made = await createOnce({
    create: async () => {
      await conn.octokit.rest.git.createRef({
        owner: conn.owner,
        repo: conn.repo,
        ref: `refs/heads/${branch}`,
        sha
      })
      return sha
    },
    find: () => branchHead(conn, branch)
  })
  return { sha: made.value, adopted: made.adopted }
}

/** A text file to write on a branch, over the blob `sha` the writer read (none: it was not there). */
export interface FileWrite {
  branch: string
  path: string
  text: string
  message: string
  sha?: string
}

/**
 * One compare-and-swap write of a file through the contents API. `conflict` when another writer
 * got there first: a stale sha (409), or a file that appeared since it was read (422 "sha wasn't
 * supplied"); both also follow our own write when its answer was lost and the client retried
 * it, so the caller reads again and decides. A missing branch (404) is made once with
 * `makeBranch` and the write tried again. Any other failure is thrown as it came.
 */
export async function writeFileIfUnchanged(
  { octokit, owner, repo }: RepoCalls,
  file: FileWrite,
  makeBranch: () => Promise<void>
): Promise<'ok' | 'conflict'> {
  const put = () =>
    octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: file.path,
      branch: file.branch,
      message: file.message,
      content: Buffer.from(file.text).toString('base64'),
      ...(file.sha ? { sha: file.sha } : {})
    })
  for (let branchMade = false; ; branchMade = true) {
    try {
      await put()
      return 'ok'
    } catch (e) {
      const status = statusOf(e)
      if (status === 409 || (status === 422 && /sha/i.test((e as Error).message))) return 'conflict'
      if (status !== 404 || branchMade) throw e
      await makeBranch()
    }
  }
}

/** A pull request as listed: enough to tell whether it is still open, merged or closed. */
export interface ListedPull {
  number: number
  url: string
  state: 'open' | 'closed'
  merged: boolean
  body: string
  labels: string[]
}

/** The pull requests from `branch` of this repository into `base`, newest first. */
export async function pullsFrom(
  { octokit, owner, repo }: Connection,
  branch: string,
  base: string,
  state: 'open' | 'closed' | 'all'
): Promise<ListedPull[]> {
  const { data } = await octokit.rest.pulls.list({
    owner,
    repo,
    state,
    head: `${owner}:${branch}`,
    base,
    per_page: 100
  })
  return data.map((p) => ({
    number: p.number,
    url: p.html_url,
    state: p.state === 'open' ? 'open' : 'closed',
    merged: Boolean(p.merged_at),
    body: p.body ?? '',
    labels: p.labels.flatMap((l) => (l.name ? [l.name] : []))
  }))
}

/** A pull request as a listing gives it. */
export type PullListItem = Awaited<
  ReturnType<Connection['octokit']['rest']['pulls']['list']>
>['data'][number]

/**
 * Every open pull request into `base` whose head is a branch of this repository (every page). A
 * pull request from a fork may come from a branch named like one of ours (`archive/dspy`); it is
 * someone else's, never taken for ours: not adopted, not commented on, not closed.
 */
export async function openPullsFromHere(
  { octokit, owner, repo }: RepoCalls,
  base: string
): Promise<PullListItem[]> {
  const pulls = await octokit.paginate(octokit.rest.pulls.list, {
    owner,
    repo,
    state: 'open',
    base,
    per_page: 100
  })
  const here = `${owner}/${repo}`.toLowerCase()
  return pulls.filter((p) => p.head.repo?.full_name.toLowerCase() === here)
}
