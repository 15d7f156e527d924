import { ApiError, validationFailed } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import { diffStat } from '../git/bare-repo.js'
import { nodeId } from '../ids.js'
import { getIssue, recordEvent, setState, touch } from '../model/issues.js'
import { pushEvents } from '../model/push.js'
import { tokenSignature } from '../model/signature.js'
import type { Issue } from '../model/types.js'
import { pullFull, pullSimple, type PullShas } from '../serialize/pulls.js'
import { bodyObject, checkBodyLength, issueNumber, optString, optStringArray } from './input.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

const ACTIONS_FORBIDDEN = 'GitHub Actions is not permitted to create or approve pull requests.'

function getPull(ctx: Ctx): Issue {
  const issue = getIssue(ctx.repo, issueNumber(ctx, 'pull_number'))
  if (!issue.pull) throw new ApiError(404, 'Not Found')
  return issue
}

/** Live branch shas while open; the shas frozen at close/merge afterwards. */
async function shasOf(ctx: Ctx, issue: Issue): Promise<PullShas> {
  const p = issue.pull!
  const git = ctx.repo.git
  const head =
    p.headSha && issue.state === 'closed'
      ? p.headSha
      : ((await liveHeadSha(ctx, issue)) ?? p.headSha ?? '')
  const base =
    p.baseSha && issue.state === 'closed'
      ? p.baseSha
      : ((await git.branchSha(p.base)) ?? p.baseSha ?? '')
  return { head, base }
}

async function fullJson(ctx: Ctx, issue: Issue): Promise<Record<string, unknown>> {
  const shas = await shasOf(ctx, issue)
  const git = ctx.repo.git
  const ok = shas.head !== '' && shas.base !== ''
  const stat = ok
    ? await diffStat(git, shas.base, shas.head)
    : { files: 0, additions: 0, deletions: 0 }
  const commits = ok ? await git.countAhead(shas.base, shas.head) : 0
  const mergeable =
    ok && issue.state === 'open' ? (await git.mergeTree(shas.base, shas.head)) !== null : null
  return pullFull(ctx.core, ctx.repo, issue, shas, { mergeable, commits, ...stat })
}

/**
 * The head branch's sha now. A fork's branch is fetched into this repository as
 * `refs/pull/<number>/head` whenever it moved, so diffs and merges find its commits here.
 */
async function liveHeadSha(ctx: Ctx, issue: Issue): Promise<string | null> {
  const p = issue.pull!
  if (!p.headRepo) return ctx.repo.git.branchSha(p.head)
  const [owner, name] = p.headRepo.split('/')
  const fork = ctx.core.repo(owner, name)
  const sha = fork ? await fork.git.branchSha(p.head) : null
  if (!fork || !sha) return null
  const ref = `refs/pull/${issue.number}/head`
  if ((await ctx.repo.git.refSha(ref)) === sha) return sha
  try {
    await ctx.repo.git.fetchRef(fork.git.gitDir, `refs/heads/${p.head}`, ref)
  } catch (e) {
    // Reads are not serialised: two at once may both fetch, and git refuses the second's lock.
    if ((await ctx.repo.git.refSha(ref)) !== sha) throw e
  }
  return sha
}

/** Where a pull request's head is: a branch of this repository or of a fork. */
interface HeadRef {
  branch: string
  /** `owner/name` of the fork; undefined for this repository. */
  fork?: string
  /** The repository the branch is in. */
  repo: Ctx['repo']
}

/**
 * `head` as GitHub reads it: `branch`, or `owner:branch` where `owner` is this repository's owner
 * or the owner of a fork of it (a repository of the same name; the emulator's forks are seeded
 * repositories under another owner). Null when `owner` has no such repository.
 */
function headRef(ctx: Ctx, head: string): HeadRef | null {
  const colon = head.indexOf(':')
  if (colon < 0) return { branch: head, repo: ctx.repo }
  const owner = head.slice(0, colon)
  const branch = head.slice(colon + 1)
  if (owner.toLowerCase() === ctx.repo.owner.toLowerCase()) return { branch, repo: ctx.repo }
  const fork = ctx.core.repo(owner, ctx.repo.name)
  return fork ? { branch, fork: fork.fullName, repo: fork } : null
}

/** Whether a pull request's head is `ref` (the same branch of the same repository). */
const headIs = (i: Issue, ref: HeadRef): boolean =>
  i.pull!.head === ref.branch &&
  (i.pull!.headRepo ?? '').toLowerCase() === (ref.fork ?? '').toLowerCase()

/** What a create request asks for, refused as GitHub refuses a missing field. */
interface PullRequestAsk {
  /** `head` as written (`branch` or `owner:branch`). */
  headParam: string
  base: string
  title?: string
  text: string | null
  draft: boolean
  maintainerCanModify: boolean
}

function pullRequestAsk(ctx: Ctx): PullRequestAsk {
  const body = bodyObject(ctx)
  const headParam = optString(body, 'head', 'PullRequest')
  const base = optString(body, 'base', 'PullRequest')
  if (headParam === undefined)
    throw validationFailed({ resource: 'PullRequest', code: 'missing_field', field: 'head' })
  if (base === undefined)
    throw validationFailed({ resource: 'PullRequest', code: 'missing_field', field: 'base' })
  const title = optString(body, 'title', 'PullRequest')
  if (title === undefined && body.issue === undefined) {
    throw validationFailed({ resource: 'PullRequest', code: 'missing_field', field: 'title' })
  }
  const text = optString(body, 'body', 'PullRequest') ?? null
  checkBodyLength(text, 'PullRequest')
  return {
    headParam,
    base,
    title,
    text,
    draft: body.draft === true,
    maintainerCanModify: body.maintainer_can_modify !== false
  }
}

/**
 * The head and base a new pull request is between, refused as GitHub refuses them: a branch
 * that does not exist, an open pull request between the same two already, no commits between.
 * Returns the number the new pull request gets when it is a fork's (see below).
 */
async function checkOpenable(
  ctx: Ctx,
  ask: PullRequestAsk
): Promise<{ head: HeadRef; forkNumber?: number }> {
  const { repo } = ctx
  const head = headRef(ctx, ask.headParam)
  const headSha = head === null ? null : await head.repo.git.branchSha(head.branch)
  if (!head || !headSha)
    throw validationFailed({ resource: 'PullRequest', field: 'head', code: 'invalid' })
  const baseSha = await repo.git.branchSha(ask.base)
  if (!baseSha) throw validationFailed({ resource: 'PullRequest', field: 'base', code: 'invalid' })
  for (const i of repo.issues.values()) {
    if (i.pull && i.state === 'open' && headIs(i, head) && i.pull.base === ask.base) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${head.repo.owner}:${head.branch}.`
      })
    }
  }
  // A fork's commits are fetched under the number the pull request gets, taken before the fetch
  // so that no request made meanwhile takes it (a fork's pull request refused for having no
  // commits leaves that number unused).
  const forkNumber = head.fork ? repo.nextNumber++ : undefined
  if (forkNumber !== undefined)
    await repo.git.fetchRef(
      head.repo.git.gitDir,
      `refs/heads/${head.branch}`,
      `refs/pull/${forkNumber}/head`
    )
  if ((await repo.git.countAhead(baseSha, headSha)) === 0) {
    throw validationFailed({
      resource: 'PullRequest',
      code: 'custom',
      message: `No commits between ${ask.base} and ${ask.headParam}`
    })
  }
  return { head, forkNumber }
}

async function createPull(ctx: Ctx): Promise<Reply> {
  const { core, repo, token } = ctx
  if (token.kind === 'actions' && !repo.actionsCanCreatePullRequests)
    throw new ApiError(403, ACTIONS_FORBIDDEN)
  const ask = pullRequestAsk(ctx)
  const { head, forkNumber } = await checkOpenable(ctx, ask)
  const id = core.ids.next('issue')
  const pullId = core.ids.next('pull')
  const issue: Issue = {
    number: forkNumber ?? repo.nextNumber++,
    id,
    nodeId: nodeId('issue', id),
    title: ask.title ?? '',
    body: ask.text,
    state: 'open',
    stateReason: null,
    labels: [],
    assignees: [],
    user: token.login,
    createdAt: core.now(),
    updatedAt: core.now(),
    closedAt: null,
    closedBy: null,
    search: [],
    pull: {
      id: pullId,
      nodeId: nodeId('pull', pullId),
      head: head.branch,
      ...(head.fork ? { headRepo: head.fork } : {}),
      base: ask.base,
      draft: ask.draft,
      maintainerCanModify: ask.maintainerCanModify,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      requestedReviewers: [],
      requestedTeams: []
    }
  }
  repo.issues.set(issue.number, issue)
  touch(core, repo, issue)
  const out = await fullJson(ctx, issue)
  return {
    status: 201,
    body: out,
    headers: { location: String(out.url) },
    events: ['pull_request.opened']
  }
}

async function listPulls(ctx: Ctx): Promise<Reply> {
  const { repo, query } = ctx
  const state = query.get('state') ?? 'open'
  const headQ = query.get('head')
  const head = headQ ? headRef(ctx, headQ) : undefined
  const base = query.get('base')
  const sort = query.get('sort') ?? 'created'
  const direction = query.get('direction') ?? (sort === 'created' ? 'desc' : 'desc')
  let all = [...repo.issues.values()].filter((issue) => {
    if (!issue.pull) return false
    if (state !== 'all' && issue.state !== state) return false
    if (headQ && (!head || !headIs(issue, head))) return false
    if (base && issue.pull.base !== base) return false
    return true
  })
  const key = (i: Issue): string => (sort === 'updated' ? i.updatedAt : i.createdAt)
  all = all.sort((a, b) => {
    const c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number
    return direction === 'asc' ? c : -c
  })
  const page = paginate(all, query, ctx.url)
  const body = []
  for (const i of page.items) body.push(pullSimple(ctx.core, repo, i, await shasOf(ctx, i)))
  return { status: 200, body, headers: page.link ? { link: page.link } : {} }
}

async function getOne(ctx: Ctx): Promise<Reply> {
  return { status: 200, body: await fullJson(ctx, getPull(ctx)) }
}

async function freeze(ctx: Ctx, issue: Issue): Promise<void> {
  const shas = await shasOf(ctx, issue)
  issue.pull!.headSha = shas.head
  issue.pull!.baseSha = shas.base
}

/**
 * GitHub closes every open pull request whose head branch is deleted (it cannot be reopened until
 * the branch is back), keeping the head commit it had. Called before the ref goes, while its sha
 * can still be read.
 */
export async function closePullsFromBranch(ctx: Ctx, branch: string): Promise<string[]> {
  const events: string[] = []
  for (const i of ctx.repo.issues.values()) {
    if (!i.pull || i.state !== 'open' || i.pull.headRepo || i.pull.head !== branch) continue
    await freeze(ctx, i)
    if (setState(ctx.core, ctx.repo, i, ctx.token, 'closed', null)) {
      touch(ctx.core, ctx.repo, i)
      events.push('pull_request.closed')
    }
  }
  return events
}

async function updatePull(ctx: Ctx): Promise<Reply> {
  const { core, repo, token } = ctx
  const i = getPull(ctx)
  const body = bodyObject(ctx)
  const events: string[] = []
  const title = optString(body, 'title', 'PullRequest')
  if (title !== undefined && title !== i.title) {
    recordEvent(core, repo, i, token, 'renamed', { rename: { from: i.title, to: title } })
    i.title = title
    events.push('pull_request.edited')
  }
  if (body.body !== undefined) {
    const text = body.body === null ? null : optString(body, 'body', 'PullRequest')!
    checkBodyLength(text, 'PullRequest')
    i.body = text
    events.push('pull_request.edited')
  }
  const base = optString(body, 'base', 'PullRequest')
  if (base !== undefined && base !== i.pull!.base) {
    if (!(await repo.git.branchSha(base)))
      throw validationFailed({ resource: 'PullRequest', field: 'base', code: 'invalid' })
    i.pull!.base = base
    events.push('pull_request.edited')
  }
  if (typeof body.maintainer_can_modify === 'boolean')
    i.pull!.maintainerCanModify = body.maintainer_can_modify
  if (body.state !== undefined) {
    if (body.state !== 'open' && body.state !== 'closed') {
      throw validationFailed({ resource: 'PullRequest', code: 'invalid', field: 'state' })
    }
    if (body.state === 'open' && i.pull!.merged) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: 'state cannot be changed. The pull request has been merged.'
      })
    }
    if (body.state === 'closed' && i.state === 'open') await freeze(ctx, i)
    if (setState(core, repo, i, token, body.state, null)) {
      events.push(body.state === 'closed' ? 'pull_request.closed' : 'pull_request.reopened')
    }
  }
  touch(core, repo, i)
  return { status: 200, body: await fullJson(ctx, i), events: [...new Set(events)] }
}

async function mergePull(ctx: Ctx): Promise<Reply> {
  const { core, repo, token } = ctx
  const i = getPull(ctx)
  const p = i.pull!
  const body = bodyObject(ctx)
  if (i.state !== 'open' || p.merged) throw new ApiError(405, 'Pull Request is not mergeable')
  const git = repo.git
  const shas = await shasOf(ctx, i)
  if (!shas.head || !shas.base) throw new ApiError(405, 'Pull Request is not mergeable')
  if (typeof body.sha === 'string' && body.sha !== shas.head) {
    throw new ApiError(409, 'Head branch was modified. Review and try the merge again.')
  }
  const method = typeof body.merge_method === 'string' ? body.merge_method : 'merge'
  if (!['merge', 'squash', 'rebase'].includes(method)) {
    throw validationFailed({ resource: 'PullRequest', code: 'invalid', field: 'merge_method' })
  }
  const sig = tokenSignature(core, token)
  const committer = { name: 'GitHub', email: 'noreply@github.com', date: core.now() }
  let sha: string
  if (method === 'rebase') {
    // Approximation: only a fast-forward is emulated; GitHub would replay the commits.
    if (!(await git.isAncestor(shas.base, shas.head)))
      throw new ApiError(405, 'Pull Request is not mergeable')
    sha = shas.head
  } else {
    const tree = await git.mergeTree(shas.base, shas.head)
    if (!tree) throw new ApiError(405, 'Pull Request is not mergeable')
    const title =
      typeof body.commit_title === 'string'
        ? body.commit_title
        : method === 'squash'
          ? `${i.title} (#${i.number})`
          : `Merge pull request #${i.number} from ${(p.headRepo ?? repo.fullName).split('/')[0]}/${p.head}`
    const extra =
      typeof body.commit_message === 'string'
        ? body.commit_message
        : method === 'merge'
          ? i.title
          : ''
    sha = await git.commitTree({
      tree,
      parents: method === 'squash' ? [shas.base] : [shas.base, shas.head],
      message: extra ? `${title}\n\n${extra}` : title,
      author: sig,
      committer
    })
  }
  if (!(await git.updateRef(`refs/heads/${p.base}`, sha, shas.base))) {
    throw new ApiError(409, 'Base branch was modified. Review and try the merge again.')
  }
  p.headSha = shas.head
  p.baseSha = sha
  p.merged = true
  p.mergedAt = core.now()
  p.mergedBy = token.login
  p.mergeCommitSha = sha
  recordEvent(core, repo, i, token, 'merged', { commitId: sha })
  setState(core, repo, i, token, 'closed', null)
  touch(core, repo, i)
  return {
    status: 200,
    body: { sha, merged: true, message: 'Pull Request successfully merged' },
    events: [...pushEvents(core, repo, p.base).filter((e) => e === 'push'), 'pull_request.closed'],
    merged: true
  }
}

function checkMerged(ctx: Ctx): Reply {
  const i = getPull(ctx)
  if (!i.pull!.merged) throw new ApiError(404, 'Not Found')
  return { status: 204 }
}

async function requestReviewers(ctx: Ctx): Promise<Reply> {
  const { core, repo, token } = ctx
  const i = getPull(ctx)
  const body = bodyObject(ctx)
  const reviewers = optStringArray(body, 'reviewers', 'PullRequest') ?? []
  const teams = optStringArray(body, 'team_reviewers', 'PullRequest') ?? []
  if (reviewers.some((r) => r.toLowerCase() === i.user.toLowerCase())) {
    throw new ApiError(422, 'Review cannot be requested from pull request author.')
  }
  if (teams.length > 0 && token.kind === 'actions') {
    // GITHUB_TOKEN cannot read the organization, so the team lookup fails in GraphQL.
    throw new ApiError(
      422,
      'Validation Failed',
      teams.map(
        (t) =>
          `Could not resolve to a node with the global id of '${core.team(repo.owner, t)?.nodeId ?? `T_kw${Buffer.from(t).toString('base64url')}`}'.`
      )
    )
  }
  const badUser = reviewers.some(
    (r) => !core.isCollaborator(repo, r) || core.user(r).type === 'Organization'
  )
  const badTeam = teams.some((t) => !core.team(repo.owner, t))
  if (badUser || badTeam) {
    throw new ApiError(
      422,
      `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.fullName} repository.`
    )
  }
  const p = i.pull!
  for (const r of reviewers) {
    if (!p.requestedReviewers.some((x) => x.toLowerCase() === r.toLowerCase())) {
      p.requestedReviewers.push(r)
      recordEvent(core, repo, i, token, 'review_requested')
    }
  }
  for (const t of teams) if (!p.requestedTeams.includes(t)) p.requestedTeams.push(t)
  touch(core, repo, i)
  return {
    status: 201,
    body: pullSimple(core, repo, i, await shasOf(ctx, i)),
    events: reviewers.length + teams.length > 0 ? ['pull_request.review_requested'] : []
  }
}

async function removeReviewers(ctx: Ctx): Promise<Reply> {
  const i = getPull(ctx)
  const body = bodyObject(ctx)
  const reviewers = (optStringArray(body, 'reviewers', 'PullRequest') ?? []).map((r) =>
    r.toLowerCase()
  )
  const teams = optStringArray(body, 'team_reviewers', 'PullRequest') ?? []
  const p = i.pull!
  p.requestedReviewers = p.requestedReviewers.filter((r) => !reviewers.includes(r.toLowerCase()))
  p.requestedTeams = p.requestedTeams.filter((t) => !teams.includes(t))
  return {
    status: 200,
    body: pullSimple(ctx.core, ctx.repo, i, await shasOf(ctx, i)),
    events: ['pull_request.review_request_removed']
  }
}

async function listRequestedReviewers(ctx: Ctx): Promise<Reply> {
  const i = getPull(ctx)
  const simple = pullSimple(ctx.core, ctx.repo, i, await shasOf(ctx, i))
  return { status: 200, body: { users: simple.requested_reviewers, teams: simple.requested_teams } }
}

export const pullRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/pulls', listPulls),
  route('POST', '/repos/{owner}/{repo}/pulls', createPull),
  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', getOne),
  route('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', updatePull),
  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', checkMerged),
  route('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', mergePull, {
    permission: { scope: 'contents', level: 'write' }
  }),
  route(
    'GET',
    '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    listRequestedReviewers
  ),
  route('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', requestReviewers),
  route('DELETE', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', removeReviewers)
]
