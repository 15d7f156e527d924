/**
 * bump-versions' writes to GitHub, one method each (the Writer seam of apply.ts). The two that
 * create an object, the branch and the pull request, are made exactly once: GitHub sometimes
 * carries out such a POST and then answers 5xx or drops the connection, and a second run may
 * create the same branch or PR at the same moment; either way the object is looked up and
 * adopted (createOnce), and the caller completes what an adopted PR may lack.
 */
import {
  commitFiles,
  Connection,
  createBranchOnce,
  createOnce,
  ensureLabel,
  FileChange,
  LabelSpec,
  statusOf
} from '@contribs-actions/shared/github'
import { Base, pullState, PullState, reasonOf, Remote } from './github.js'

export type { FileChange } from '@contribs-actions/shared/github'

export interface ReviewResult {
  requested: string[]
  /**
   * Who could not be asked, with GitHub's reason. `lasting` when GitHub checked the request and
   * refused it (422: not a collaborator, a team the token cannot see), which a re-run would not
   * change; anything else (5xx, a lost connection, a rate limit, a permission) fails the step.
   */
  refused: { who: string; why: string; lasting: boolean }[]
}

export interface Writer {
  /** The version label in the repository (with its colour), made unless it is there. */
  ensureLabel(label: LabelSpec): Promise<void>
  /** One commit on top of the default branch with these files; returns its sha. */
  commit(files: FileChange[], message: string): Promise<string>
  /** The branch at `sha`, or the branch found where it already was: the sha it points at. */
  createBranch(branch: string, sha: string): Promise<{ sha: string; adopted: boolean }>
  /** The PR from `branch`, or the open one found from it (as GitHub lists it). */
  createPull(p: {
    branch: string
    title: string
    body: string
  }): Promise<{ pull: PullState; adopted: boolean }>
  addLabel(pull: number, label: string): Promise<void>
  requestReviews(pull: number, users: string[], teams: string[]): Promise<ReviewResult>
}

export function octokitWriter(conn: Connection, remote: Remote, base: Base): Writer {
  const { octokit, owner, repo } = conn
  const r = { owner, repo }
  return {
    async ensureLabel(label) {
      await ensureLabel(octokit, owner, repo, label)
    },
    commit: (files, message) => commitFiles(conn, base, files, message),
    createBranch: (branch, sha) => createBranchOnce(conn, branch, sha),
    async createPull(p) {
      const made = await createOnce({
        what: `pull request from ${p.branch}`,
        create: async () => {
          const { data } = await octokit.rest.pulls.create({
            ...r,
            head: p.branch,
            base: base.branch,
            title: p.title,
            body: p.body,
            maintainer_can_modify: true
          })
          return pullState(data)
        },
        find: () => remote.openPull(p.branch, base.branch)
      })
      return { pull: made.value, adopted: made.adopted }
    },
    async addLabel(pull, label) {
      await octokit.rest.issues.addLabels({ ...r, issue_number: pull, labels: [label] })
    },
    requestReviews: (pull, users, teams) => requestReviews(conn, pull, users, teams)
  }
}

/**
 * One request for every reviewer; when GitHub refuses it (422: a non-collaborator, a team the
 * token cannot see), each is asked alone, so one bad entry does not cost the others. Asking twice
 * leaves one request, so the client may repeat it. Never throws.
 */
async function requestReviews(
  { octokit, owner, repo }: Connection,
  pull: number,
  users: string[],
  teams: string[]
): Promise<ReviewResult> {
  const out: ReviewResult = { requested: [], refused: [] }
  const names = (u: string[], t: string[]) => [
    ...u.map((x) => `@${x}`),
    ...t.map((s) => `@${owner}/${s}`)
  ]
  const ask = async (reviewers: string[], team_reviewers: string[]) => {
    try {
      await octokit.rest.pulls.requestReviewers({
        owner,
        repo,
        pull_number: pull,
        reviewers,
        team_reviewers
      })
      out.requested.push(...names(reviewers, team_reviewers))
      return undefined
    } catch (e) {
      return e
    }
  }
  if (!users.length && !teams.length) return out
  const all = await ask(users, teams)
  if (all === undefined) return out
  if (statusOf(all) !== 422) {
    for (const who of names(users, teams)) out.refused.push(refusal(who, all))
    return out
  }
  for (const u of users) {
    const e = await ask([u], [])
    if (e !== undefined) out.refused.push(refusal(`@${u}`, e))
  }
  for (const s of teams) {
    const e = await ask([], [s])
    if (e !== undefined) out.refused.push(refusal(`@${owner}/${s}`, e))
  }
  return out
}

function refusal(who: string, e: unknown): ReviewResult['refused'][number] {
  return { who, why: reasonOf(e), lasting: statusOf(e) === 422 }
}
