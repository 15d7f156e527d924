/**
 * bump-versions' writes to GitHub, one method each (the Writer seam of apply.ts). The two that
 * create an object, the branch and the pull request, are made exactly once: GitHub sometimes
 * carries out such a POST and then answers 5xx or drops the connection, and a second run may
 * create the same branch or PR at the same moment; either way the object is looked up and
 * adopted (createOnce), and the caller completes what an adopted PR may lack. A comment carries
 * a hidden marker and is looked up the same way. Closing a PR and deleting a branch end in the
 * same state however often they are sent.
 */
import {
  commentOnce,
  Base,
  commitFiles,
  Connection,
  createBranchOnce,
  createOnce,
  ensureLabel,
  FileChange,
  LabelSpec,
  statusOf
} from '@contribs-actions/shared/github'
import { pullState, PullState, reasonOf, Remote } from './github.js'

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
  /** A comment ending in `marker`, unless one with it is found after a lost answer. */
  comment(issue: number, body: string, marker: string): Promise<{ posted: boolean }>
  closePull(pull: number): Promise<void>
  /**
   * Deletes `branch` if it still points at `expected` (read just before: GitHub's delete takes
   * no expected sha). `moved`: someone pushed to it, so it is kept; `gone`: already deleted.
   */
  deleteBranch(branch: string, expected: string): Promise<'deleted' | 'gone' | 'moved'>
  /**
   * Points `branch` at `sha` if it still points at `expected`, read just before the forced update
   * (the new commit does not descend from the old one). `moved`: someone pushed to it meanwhile,
   * so it is left as it is.
   */
  moveBranch(branch: string, expected: string, sha: string): Promise<'moved' | 'updated'>
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
    requestReviews: (pull, users, teams) => requestReviews(conn, pull, users, teams),
    async comment(issue, body, marker) {
      const made = await commentOnce({
        octokit,
        owner,
        repo,
        issue,
        body,
        marker,
        lookFirst: false
      })
      return { posted: made.posted }
    },
    async closePull(pull) {
      await octokit.rest.pulls.update({ ...r, pull_number: pull, state: 'closed' })
    },
    moveBranch: (branch, expected, sha) => moveBranch(conn, remote, { branch, expected, sha }),
    async deleteBranch(branch, expected) {
      const sha = await remote.branchSha(branch)
      if (sha === undefined) return 'gone'
      if (sha !== expected) return 'moved'
      try {
        await octokit.rest.git.deleteRef({ ...r, ref: `heads/${branch}` })
        return 'deleted'
      } catch (err) {
        // 422 "Reference does not exist": an earlier attempt deleted it and its answer was lost.
        if (statusOf(err) === 422 && (await remote.branchSha(branch)) === undefined) return 'gone'
        throw err
      }
    }
  }
}

/**
 * The compare-and-swap of moveBranch. A forced update whose answer is lost is checked by reading
 * the branch again: pointing at `sha` already means it was made.
 */
async function moveBranch(
  { octokit, owner, repo }: Connection,
  remote: Remote,
  move: { branch: string; expected: string; sha: string }
): Promise<'moved' | 'updated'> {
  const now = await remote.branchSha(move.branch)
  if (now === move.sha) return 'updated'
  if (now !== move.expected) return 'moved'
  try {
    await octokit.rest.git.updateRef({
      owner,
      repo,
      ref: `heads/${move.branch}`,
      sha: move.sha,
      force: true
    })
  } catch (err) {
    if ((await remote.branchSha(move.branch)) !== move.sha) throw err
  }
  return 'updated'
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

function refusal(who: string, error: unknown): ReviewResult['refused'][number] {
  return { who, why: reasonOf(error), lasting: statusOf(error) === 422 }
}
