import { ApiError, validationFailed } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import { nodeId } from '../ids.js'
import { getIssue, touch } from '../model/issues.js'
import type { Comment } from '../model/types.js'
import { comment as commentJson, issueEvent, timeline } from '../serialize/issues.js'
import { bodyObject, checkBodyLength, issueNumber } from './input.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

function listComments(ctx: Ctx): Reply {
  const n = issueNumber(ctx)
  getIssue(ctx.repo, n)
  const since = ctx.query.get('since')
  const all = ctx.repo.comments.filter(
    (c) => c.issueNumber === n && (!since || c.updatedAt >= since)
  )
  const page = paginate(all, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((c) => commentJson(ctx.core, ctx.repo, c)),
    headers: page.link ? { link: page.link } : {}
  }
}

function commentBody(ctx: Ctx): string {
  const body = bodyObject(ctx)
  if (typeof body.body !== 'string' || body.body === '') {
    throw validationFailed({ resource: 'IssueComment', code: 'missing_field', field: 'body' })
  }
  checkBodyLength(body.body, 'IssueComment')
  return body.body
}

function createComment(ctx: Ctx): Reply {
  const { core, repo, token } = ctx
  const issue = getIssue(repo, issueNumber(ctx))
  const text = commentBody(ctx)
  const id = core.ids.next('comment')
  const c: Comment = {
    id,
    nodeId: nodeId('comment', id),
    seq: core.ids.nextSeq(),
    issueNumber: issue.number,
    body: text,
    user: token.login,
    createdAt: core.now(),
    updatedAt: core.now()
  }
  repo.comments.push(c)
  touch(core, repo, issue)
  const out = commentJson(core, repo, c)
  return {
    status: 201,
    body: out,
    headers: { location: String(out.url) },
    events: ['issue_comment.created']
  }
}

function findComment(ctx: Ctx): Comment {
  const raw = ctx.params.comment_id
  const c = /^\d+$/.test(raw) ? ctx.repo.comments.find((x) => x.id === Number(raw)) : undefined
  if (!c) throw new ApiError(404, 'Not Found')
  return c
}

function getComment(ctx: Ctx): Reply {
  return { status: 200, body: commentJson(ctx.core, ctx.repo, findComment(ctx)) }
}

function updateComment(ctx: Ctx): Reply {
  const c = findComment(ctx)
  c.body = commentBody(ctx)
  c.updatedAt = ctx.core.now()
  return { status: 200, body: commentJson(ctx.core, ctx.repo, c), events: ['issue_comment.edited'] }
}

function deleteComment(ctx: Ctx): Reply {
  const c = findComment(ctx)
  ctx.repo.comments = ctx.repo.comments.filter((x) => x.id !== c.id)
  return { status: 204, events: ['issue_comment.deleted'] }
}

function listEvents(ctx: Ctx): Reply {
  const n = issueNumber(ctx)
  getIssue(ctx.repo, n)
  const all = ctx.repo.events.filter((e) => e.issueNumber === n).sort((a, b) => a.seq - b.seq)
  const page = paginate(all, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((e) => issueEvent(ctx.core, ctx.repo, e)),
    headers: page.link ? { link: page.link } : {}
  }
}

function listTimeline(ctx: Ctx): Reply {
  const n = issueNumber(ctx)
  getIssue(ctx.repo, n)
  const page = paginate(timeline(ctx.core, ctx.repo, n), ctx.query, ctx.url)
  return { status: 200, body: page.items, headers: page.link ? { link: page.link } : {} }
}

export const commentRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', listComments),
  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', createComment),
  route('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}', getComment),
  route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', updateComment),
  route('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}', deleteComment),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/events', listEvents),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/timeline', listTimeline)
]
