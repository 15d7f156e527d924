import { validationFailed } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import { nodeId } from '../ids.js'
import {
  addLabels,
  checkAssignees,
  getIssue,
  labelById,
  recordEvent,
  setLabels,
  setState,
  touch
} from '../model/issues.js'
import type { Issue } from '../model/types.js'
import { issue as issueJson } from '../serialize/issues.js'
import { bodyObject, checkBodyLength, issueNumber, optString, optStringArray } from './input.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

function assigneesOf(body: Record<string, unknown>): string[] | undefined {
  const list = optStringArray(body, 'assignees', 'Issue')
  if (list) return list
  if (typeof body.assignee === 'string') return [body.assignee]
  if (body.assignee === null) return []
  return undefined
}

async function createIssue(ctx: Ctx): Promise<Reply> {
  const { core, repo, token } = ctx
  const body = bodyObject(ctx)
  const title = body.title
  if (typeof title !== 'string' && typeof title !== 'number') {
    throw validationFailed({ resource: 'Issue', code: 'missing_field', field: 'title' })
  }
  const text = optString(body, 'body', 'Issue') ?? null
  checkBodyLength(text, 'Issue')
  let labels = optStringArray(body, 'labels', 'Issue') ?? []
  let assignees = assigneesOf(body) ?? []
  if (!core.hasPush(repo, token) && repo.dropTriageWithoutPush) {
    // GitHub silently drops triage fields from users without push access.
    labels = []
    assignees = []
  }
  checkAssignees(core, repo, assignees)
  const id = core.ids.next('issue')
  const issue: Issue = {
    number: repo.nextNumber++,
    id,
    nodeId: nodeId('issue', id),
    title: String(title),
    body: text,
    state: 'open',
    stateReason: null,
    labels: [],
    assignees: [...new Set(assignees)],
    user: token.login,
    createdAt: core.now(),
    updatedAt: core.now(),
    closedAt: null,
    closedBy: null,
    search: []
  }
  repo.issues.set(issue.number, issue)
  // Labels given at creation are recorded as `labeled` events too.
  addLabels(core, repo, issue, token, labels)
  for (const a of issue.assignees)
    recordEvent(core, repo, issue, token, 'assigned', { assignee: a })
  touch(core, repo, issue)
  const out = issueJson(core, repo, issue)
  return {
    status: 201,
    body: out,
    headers: { location: String(out.url) },
    events: ['issues.opened', ...(labels.length ? ['issues.labeled'] : [])]
  }
}

function getOne(ctx: Ctx): Reply {
  const issue = getIssue(ctx.repo, issueNumber(ctx))
  return { status: 200, body: issueJson(ctx.core, ctx.repo, issue) }
}

async function updateIssue(ctx: Ctx): Promise<Reply> {
  const { core, repo, token } = ctx
  const issue = getIssue(repo, issueNumber(ctx))
  const body = bodyObject(ctx)
  const events: string[] = []
  const kind = issue.pull ? 'pull_request' : 'issues'
  if (body.title !== undefined) {
    if (typeof body.title !== 'string')
      throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'title' })
    if (body.title !== issue.title) {
      recordEvent(core, repo, issue, token, 'renamed', {
        rename: { from: issue.title, to: body.title }
      })
      issue.title = body.title
      events.push(`${kind}.edited`)
    }
  }
  if (body.body !== undefined) {
    const text = body.body === null ? null : optString(body, 'body', 'Issue')!
    checkBodyLength(text, 'Issue')
    issue.body = text
    events.push(`${kind}.edited`)
  }
  const hasPush = core.hasPush(repo, token)
  const labels = optStringArray(body, 'labels', 'Issue')
  if (labels && hasPush && setLabels(core, repo, issue, token, labels))
    events.push(`${kind}.labeled`)
  const assignees = assigneesOf(body)
  if (assignees && hasPush) {
    checkAssignees(core, repo, assignees)
    for (const a of assignees) {
      if (!issue.assignees.includes(a))
        recordEvent(core, repo, issue, token, 'assigned', { assignee: a })
    }
    for (const a of issue.assignees) {
      if (!assignees.includes(a))
        recordEvent(core, repo, issue, token, 'unassigned', { assignee: a })
    }
    issue.assignees = [...new Set(assignees)]
    events.push(`${kind}.assigned`)
  }
  if (body.state !== undefined) {
    if (body.state !== 'open' && body.state !== 'closed') {
      throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state' })
    }
    if (body.state === 'open' && issue.pull?.merged) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: 'state cannot be changed. The pull request has been merged.'
      })
    }
    const reason = typeof body.state_reason === 'string' ? body.state_reason : null
    if (setState(core, repo, issue, token, body.state, reason)) {
      events.push(`${kind}.${body.state === 'closed' ? 'closed' : 'reopened'}`)
    }
  }
  touch(core, repo, issue)
  return { status: 200, body: issueJson(core, repo, issue), events: [...new Set(events)] }
}

function listIssues(ctx: Ctx): Reply {
  const { core, repo, query } = ctx
  const state = query.get('state') ?? 'open'
  const wanted = (query.get('labels') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  const creator = query.get('creator')?.toLowerCase()
  const assignee = query.get('assignee')?.toLowerCase()
  const since = query.get('since')
  const sort = query.get('sort') ?? 'created'
  const direction = query.get('direction') ?? 'desc'
  let all = [...repo.issues.values()].filter((issue) => {
    if (state !== 'all' && issue.state !== state) return false
    if (creator && issue.user.toLowerCase() !== creator) return false
    if (assignee === 'none' && issue.assignees.length > 0) return false
    if (
      assignee &&
      assignee !== '*' &&
      assignee !== 'none' &&
      !issue.assignees.some((a) => a.toLowerCase() === assignee)
    )
      return false
    if (assignee === '*' && issue.assignees.length === 0) return false
    if (since && issue.updatedAt < since) return false
    const names = issue.labels.map((id) => labelById(repo, id)?.name.toLowerCase())
    return wanted.every((w) => names.includes(w))
  })
  const commentCount = (n: number): number =>
    repo.comments.filter((c) => c.issueNumber === n).length
  const key = (i: Issue): string | number =>
    sort === 'updated' ? i.updatedAt : sort === 'comments' ? commentCount(i.number) : i.createdAt
  all = all.sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    const c = ka < kb ? -1 : ka > kb ? 1 : a.number - b.number
    return direction === 'asc' ? c : -c
  })
  const page = paginate(all, query, ctx.url)
  return {
    status: 200,
    body: page.items.map((i) => issueJson(core, repo, i)),
    headers: page.link ? { link: page.link } : {}
  }
}

export const issueRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/issues', listIssues),
  route('POST', '/repos/{owner}/{repo}/issues', createIssue),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}', getOne),
  route('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', updateIssue)
]
