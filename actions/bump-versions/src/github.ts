import { blobSha, decodeUtf8 } from '@contribs-actions/shared'
import type { Base, Connection, Octokit } from '@contribs-actions/shared/github'
import {
  branchHead,
  findMarkedComment,
  issueEvents,
  openPullsFromHere,
  readBase,
  readTextAt
} from '@contribs-actions/shared/github'

/** Whether a bump branch holds only our commit (and the commit it is based on), and why not. */
export type Ownership = { ours: true; parent: string } | { ours: false; why: string }

/** An open pull request as GitHub lists it: what a bump PR must carry is read from it. */
export interface PullState {
  number: number
  url: string
  author: string
  labels: string[]
  /** Users and team slugs whose review is requested now. */
  reviewers: string[]
  teams: string[]
  /** Read only when nobody is requested now: whether anyone ever was (see reviewsRequestedBefore). */
  reviewsRequestedBefore?: boolean
}

/** The fields of GitHub's pull request (as listed or as created) that make a PullState. */
interface PullJson {
  number: number
  html_url: string
  user: { login: string } | null
  labels: { name?: string }[]
  requested_reviewers?: { login: string }[] | null
  requested_teams?: { slug: string }[] | null
}

export function pullState(pull: PullJson): PullState {
  return {
    number: pull.number,
    url: pull.html_url,
    author: pull.user?.login ?? '',
    labels: pull.labels.flatMap((l) => (l.name ? [l.name] : [])),
    reviewers: (pull.requested_reviewers ?? []).map((u) => u.login),
    teams: (pull.requested_teams ?? []).map((t) => t.slug)
  }
}

/** An open pull request with the branch it comes from and that branch's head commit. */
export interface OpenPull {
  pull: PullState
  branch: string
  sha: string
}

/** A file on the default branch: its text and mode (kept as is when the file is rewritten). */
export interface RemoteFile {
  text: string
  mode: string
}

/**
 * What bump-versions reads from GitHub: the default branch, files on it, the bump branches and
 * their pull requests. Every write goes through the Writer (writer.ts).
 */
export class Remote {
  readonly octokit: Octokit
  readonly owner: string
  readonly repo: string
  private readonly conn: Connection

  constructor(conn: Connection) {
    this.conn = conn
    this.octokit = conn.octokit
    this.owner = conn.owner
    this.repo = conn.repo
  }

  private get r() {
    return { owner: this.owner, repo: this.repo }
  }

  base(): Promise<Base> {
    return readBase(this.conn)
  }

  private listing?: Promise<Map<string, { sha: string; mode: string }> | undefined>

  /** The base tree's files, path -> blob sha and mode (one request); undefined when truncated. */
  private files(base: Base) {
    this.listing ??= this.octokit.rest.git
      .getTree({ ...this.r, tree_sha: base.tree, recursive: 'true' })
      .then(({ data }) =>
        data.truncated
          ? undefined
          : new Map(
              data.tree
                .filter((e) => e.type === 'blob' && e.path && e.sha)
                .map((e) => [e.path!, { sha: e.sha!, mode: e.mode ?? '100644' }])
            )
      )
    return this.listing
  }

  /**
   * Reads files at the base commit. The tree listing gives each file's blob sha; a checkout copy
   * with the same sha is used as is (the usual case: the checkout is the default branch), and
   * only files that differ are downloaded. Missing files are absent from the map. When the
   * listing is truncated (a very large repository) the contents API is used instead.
   */
  async readFiles(
    base: Base,
    paths: string[],
    local: (path: string) => Buffer | undefined
  ): Promise<Map<string, RemoteFile>> {
    const out = new Map<string, RemoteFile>()
    const listing = await this.files(base)
    if (!listing) {
      for (const p of paths) {
        const text = await readTextAt(this.conn, p, base.sha)
        if (text !== undefined) out.set(p, { text, mode: '100644' })
      }
      return out
    }
    for (const p of paths) {
      const e = listing.get(p)
      if (!e) continue
      const mine = local(p)
      if (mine && blobSha(mine) === e.sha) {
        out.set(p, { text: decodeUtf8(mine, p), mode: e.mode })
        continue
      }
      const { data: blob } = await this.octokit.rest.git.getBlob({ ...this.r, file_sha: e.sha })
      out.set(p, { text: decodeUtf8(Buffer.from(blob.content, 'base64'), p), mode: e.mode })
    }
    return out
  }

  /** Branches whose names start with `prefix`, name -> head sha (one request). */
  async branches(prefix: string): Promise<Map<string, string>> {
    const refs = await this.octokit.paginate(this.octokit.rest.git.listMatchingRefs, {
      ...this.r,
      ref: `heads/${prefix}`,
      per_page: 100
    })
    return new Map(refs.map((r) => [r.ref.replace(/^refs\/heads\//, ''), r.object.sha]))
  }

  /** The head of `branch`, or undefined when there is no such branch. */
  branchSha(branch: string): Promise<string | undefined> {
    return branchHead(this.conn, branch)
  }

  /** The open pull request from `branch` of this repository into `base`, if any. */
  async openPull(branch: string, base: string): Promise<PullState | undefined> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.r,
      state: 'open',
      head: `${this.owner}:${branch}`,
      base,
      per_page: 10
    })
    return data[0] ? pullState(data[0]) : undefined
  }

  /**
   * Every open pull request into `base` from a branch of this repository, with its branch and
   * head commit (every page: the bump PRs of other versions are found among them).
   */
  async openPulls(base: string): Promise<OpenPull[]> {
    const pulls = await openPullsFromHere(this.conn, base)
    return pulls.map((p) => ({ pull: pullState(p), branch: p.head.ref, sha: p.head.sha }))
  }

  /** Whether a comment carrying `marker` is on the issue or pull request already. */
  async hasComment(number: number, marker: string): Promise<boolean> {
    const target = { octokit: this.octokit, owner: this.owner, repo: this.repo, issue: number }
    return (await findMarkedComment(target, marker)) !== undefined
  }

  /**
   * Whether reviews were ever requested on a pull request: GitHub drops a request from the
   * pull request once that review is in, but the issue's `review_requested` event stays.
   */
  async reviewsRequestedBefore(number: number): Promise<boolean> {
    const events = await issueEvents(this.octokit, this.owner, this.repo, number)
    return events.some((e) => e.event === 'review_requested')
  }

  /**
   * Whether a bump branch holds only our work: its head is one commit with our message whose
   * parent is on the default branch (searched along first parents, where merges of other
   * bumps land). Anything else (a human's fix-up, a rebase onto something else) is never overwritten.
   */
  async ownership(branchSha: string, message: string, base: Base, depth = 50): Promise<Ownership> {
    const { data: c } = await this.octokit.rest.git.getCommit({ ...this.r, commit_sha: branchSha })
    if (c.message.trim() !== message.trim())
      return {
        ours: false,
        why: `its head commit ${branchSha.slice(0, 7)} ("${c.message.split('\n')[0]}") is not a bump commit`
      }
    if (c.parents.length !== 1)
      return { ours: false, why: `its head commit ${branchSha.slice(0, 7)} is a merge` }
    const parent = c.parents[0].sha
    if (await this.onDefaultBranch(parent, base, depth)) return { ours: true, parent }
    return {
      ours: false,
      why: `its commit is based on ${parent.slice(0, 7)}, which is not among the last ${depth} commits of ${base.branch}`
    }
  }

  /** The default branch's first-parent commits read so far, newest first; shared by every check. */
  private walked?: { shas: string[]; ended: boolean }

  /** Whether `sha` is among the default branch's last `depth` first-parent commits. */
  private async onDefaultBranch(sha: string, base: Base, depth: number): Promise<boolean> {
    const w = (this.walked ??= { shas: [base.sha], ended: false })
    for (let k = 0; k < depth; k++) {
      if (k === w.shas.length) {
        if (w.ended) return false
        const { data } = await this.octokit.rest.git.getCommit({
          ...this.r,
          commit_sha: w.shas[k - 1]
        })
        const parent = data.parents[0]?.sha
        if (!parent) w.ended = true
        else w.shas.push(parent)
        if (!parent) return false
      }
      if (w.shas[k] === sha) return true
    }
    return false
  }
}

/** An API error's message without the documentation link. */
export function reasonOf(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error)
  return m.replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '').trim()
}

export const NOT_PERMITTED = /GitHub Actions is not permitted to create or approve pull requests/i
