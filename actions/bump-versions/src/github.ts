import { createHash } from 'node:crypto'
import type { Connection, Octokit } from '@contribs-actions/shared/github'
import { statusOf } from '@contribs-actions/shared/github'
import { decodeUtf8, type Owners } from '@contribs-actions/shared'

/** The default branch's head, which every bump commit is based on. */
export interface Base {
  branch: string
  sha: string
  tree: string
}

/** A file on the default branch: its text and mode (kept as is when the file is rewritten). */
export interface RemoteFile {
  text: string
  mode: string
}

export class Remote {
  readonly octokit: Octokit
  readonly owner: string
  readonly repo: string

  constructor(conn: Connection) {
    this.octokit = conn.octokit
    this.owner = conn.owner
    this.repo = conn.repo
  }

  private get r() {
    return { owner: this.owner, repo: this.repo }
  }

  async base(): Promise<Base> {
    const { data: repo } = await this.octokit.rest.repos.get(this.r)
    const branch = repo.default_branch
    const { data: b } = await this.octokit.rest.repos.getBranch({ ...this.r, branch })
    return { branch, sha: b.commit.sha, tree: b.commit.commit.tree.sha }
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
        const text = await this.readContent(p, base.sha)
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
      // Strictly: text that is not UTF-8 would be written back with U+FFFD in place of its bytes.
      const bytes = Buffer.from(blob.content, 'base64')
      out.set(p, { text: decodeUtf8(bytes, p), mode: e.mode })
    }
    return out
  }

  private async readContent(file: string, ref: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.r, path: file, ref })
      if (Array.isArray(data) || data.type !== 'file') return undefined
      return decodeUtf8(Buffer.from((data as { content: string }).content, 'base64'), file)
    } catch (e) {
      if (statusOf(e) === 404) return undefined
      throw e
    }
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

  /** The open pull request from `branch` of this repository, if any. */
  async openPull(
    branch: string,
    base: string
  ): Promise<{ number: number; url: string } | undefined> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.r,
      state: 'open',
      head: `${this.owner}:${branch}`,
      base,
      per_page: 10
    })
    const pr = data[0]
    return pr ? { number: pr.number, url: pr.html_url } : undefined
  }

  /**
   * Whether a bump branch holds only our work: its head is one commit with our message whose
   * parent is on the default branch (searched along first parents, where merges of earlier tiers
   * land). Anything else (a human's fix-up, a rebase onto something else) is never overwritten.
   */
  async ownership(
    branchSha: string,
    message: string,
    base: Base,
    depth = 50
  ): Promise<{ ours: true } | { ours: false; why: string }> {
    const { data: c } = await this.octokit.rest.git.getCommit({ ...this.r, commit_sha: branchSha })
    if (c.message.trim() !== message.trim())
      return {
        ours: false,
        why: `its head commit ${branchSha.slice(0, 7)} ("${c.message.split('\n')[0]}") is not a bump commit`
      }
    if (c.parents.length !== 1)
      return { ours: false, why: `its head commit ${branchSha.slice(0, 7)} is a merge` }
    const parent = c.parents[0].sha
    let sha: string | undefined = base.sha
    for (let k = 0; sha && k < depth; k++) {
      if (sha === parent) return { ours: true }
      const walked: { parents: { sha: string }[] } = (
        await this.octokit.rest.git.getCommit({ ...this.r, commit_sha: sha })
      ).data
      sha = walked.parents[0]?.sha
    }
    return {
      ours: false,
      why: `its commit is based on ${parent.slice(0, 7)}, which is not among the last ${depth} commits of ${base.branch}`
    }
  }

  /**
   * One commit on top of the base with the given files, made through the Git Data API: a tree
   * (file texts inline) over the base tree, then the commit. No author is given, so the commit is
   * the token's own (an App's commits made this way show as verified).
   */
  async commit(
    base: Base,
    files: { path: string; text: string; mode: string }[],
    message: string
  ): Promise<string> {
    const tree = files.map((f) => ({
      path: f.path,
      mode: (f.mode === '100755' ? '100755' : '100644') as '100644' | '100755',
      type: 'blob' as const,
      content: f.text
    }))
    const { data: t } = await this.octokit.rest.git.createTree({
      ...this.r,
      base_tree: base.tree,
      tree
    })
    const { data: c } = await this.octokit.rest.git.createCommit({
      ...this.r,
      message,
      tree: t.sha,
      parents: [base.sha]
    })
    return c.sha
  }

  async createBranch(branch: string, sha: string): Promise<void> {
    await this.octokit.rest.git.createRef({ ...this.r, ref: `refs/heads/${branch}`, sha })
  }

  async createPull(p: {
    branch: string
    base: string
    title: string
    body: string
  }): Promise<{ number: number; url: string; author: string }> {
    const { data } = await this.octokit.rest.pulls.create({
      ...this.r,
      head: p.branch,
      base: p.base,
      title: p.title,
      body: p.body,
      maintainer_can_modify: true
    })
    return { number: data.number, url: data.html_url, author: data.user?.login ?? '' }
  }

  async addLabel(number: number, label: string): Promise<void> {
    await this.octokit.rest.issues.addLabels({ ...this.r, issue_number: number, labels: [label] })
  }

  /**
   * Requests reviews from OWNERS: users as reviewers (minus the PR author), `@org/team` entries
   * as team reviewers (teams of other organisations cannot review here). One request for all; when
   * GitHub refuses it (422: a non-collaborator, a team the token cannot see), each is retried
   * alone, so one bad entry does not cost the others. Never throws for a refusal.
   */
  async requestReviews(
    number: number,
    author: string,
    owners: Owners | undefined
  ): Promise<{ requested: string[]; refused: { who: string; why: string }[] }> {
    const refused: { who: string; why: string }[] = []
    const users = (owners?.users ?? []).filter((u) => u.toLowerCase() !== author.toLowerCase())
    const teams: string[] = []
    for (const t of owners?.teams ?? []) {
      const [org, slug] = t.split('/')
      if (org.toLowerCase() === this.owner.toLowerCase()) teams.push(slug)
      else refused.push({ who: `@${t}`, why: `the team is not in the ${this.owner} organization` })
    }
    const asked = [...users.map((u) => `@${u}`), ...teams.map((s) => `@${this.owner}/${s}`)]
    if (!users.length && !teams.length) return { requested: [], refused }
    const ask = (reviewers: string[], team_reviewers: string[]) =>
      this.octokit.rest.pulls.requestReviewers({
        ...this.r,
        pull_number: number,
        reviewers,
        team_reviewers
      })
    try {
      await ask(users, teams)
      return { requested: asked, refused }
    } catch (e) {
      if (statusOf(e) !== 422) {
        for (const who of asked) refused.push({ who, why: reasonOf(e) })
        return { requested: [], refused }
      }
    }
    const requested: string[] = []
    const one = async (who: string, call: () => Promise<unknown>) => {
      try {
        await call()
        requested.push(who)
      } catch (e) {
        refused.push({ who, why: reasonOf(e) })
      }
    }
    for (const u of users) await one(`@${u}`, () => ask([u], []))
    for (const s of teams) await one(`@${this.owner}/${s}`, () => ask([], [s]))
    return { requested, refused }
  }
}

/** The git blob sha of some bytes, as GitHub's tree listing gives it. */
export function blobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

/** An API error's message without the documentation link. */
export function reasonOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e)
  return m.replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '').trim()
}

export const NOT_PERMITTED = /GitHub Actions is not permitted to create or approve pull requests/i
