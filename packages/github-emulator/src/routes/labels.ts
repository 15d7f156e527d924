import { ApiError, validationFailed } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import {
  addLabels,
  createLabel,
  findLabel,
  getIssue,
  removeLabel,
  setLabels,
  touch
} from '../model/issues.js'
import { issueLabels, label as labelJson } from '../serialize/issues.js'
import { bodyObject, issueNumber, optStringArray } from './input.js'
import type { PermissionLevel } from '../model/types.js'
import { route, type Ctx, type Reply, type RouteDef, type RoutePermission } from './types.js'

const COLOR = /^[0-9a-fA-F]{6}$/

function checkColorAndDescription(color: unknown, description: unknown): void {
  if (color !== undefined && (typeof color !== 'string' || !COLOR.test(color))) {
    throw validationFailed({ resource: 'Label', code: 'invalid', field: 'color' })
  }
  if (description !== undefined && description !== null) {
    if (typeof description !== 'string' || description.length > 100) {
      throw validationFailed({ resource: 'Label', code: 'invalid', field: 'description' })
    }
  }
}

function listRepoLabels(ctx: Ctx): Reply {
  const page = paginate(ctx.repo.labels, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((l) => labelJson(ctx.core, ctx.repo, l)),
    headers: page.link ? { link: page.link } : {}
  }
}

function createRepoLabel(ctx: Ctx): Reply {
  const body = bodyObject(ctx)
  if (typeof body.name !== 'string' || body.name.trim() === '') {
    throw validationFailed({ resource: 'Label', code: 'missing_field', field: 'name' })
  }
  checkColorAndDescription(body.color, body.description)
  if (findLabel(ctx.repo, body.name)) {
    throw validationFailed({ resource: 'Label', code: 'already_exists', field: 'name' })
  }
  const l = createLabel(
    ctx.core,
    ctx.repo,
    body.name,
    typeof body.color === 'string' ? body.color : 'ededed',
    typeof body.description === 'string' ? body.description : null
  )
  const out = labelJson(ctx.core, ctx.repo, l)
  return {
    status: 201,
    body: out,
    headers: { location: String(out.url) },
    events: ['label.created']
  }
}

function requireLabel(ctx: Ctx) {
  const l = findLabel(ctx.repo, ctx.params.name)
  if (!l) throw new ApiError(404, 'Not Found')
  return l
}

function getRepoLabel(ctx: Ctx): Reply {
  return { status: 200, body: labelJson(ctx.core, ctx.repo, requireLabel(ctx)) }
}

function updateRepoLabel(ctx: Ctx): Reply {
  const l = requireLabel(ctx)
  const body = bodyObject(ctx)
  checkColorAndDescription(body.color, body.description)
  if (typeof body.new_name === 'string' && body.new_name !== l.name) {
    const clash = findLabel(ctx.repo, body.new_name)
    if (clash && clash.id !== l.id)
      throw validationFailed({ resource: 'Label', code: 'already_exists', field: 'name' })
    l.name = body.new_name
  }
  if (typeof body.color === 'string') l.color = body.color.toLowerCase()
  if (body.description !== undefined) l.description = body.description as string | null
  return { status: 200, body: labelJson(ctx.core, ctx.repo, l), events: ['label.edited'] }
}

function deleteRepoLabel(ctx: Ctx): Reply {
  const l = requireLabel(ctx)
  ctx.repo.labels = ctx.repo.labels.filter((x) => x.id !== l.id)
  for (const i of ctx.repo.issues.values()) i.labels = i.labels.filter((id) => id !== l.id)
  return { status: 204, events: ['label.deleted'] }
}

/** `{labels: [...]}`, a bare array, or `{labels: [{name}]}` — octokit sends the first. */
function labelNames(ctx: Ctx): string[] {
  if (Array.isArray(ctx.body)) return optStringArray({ labels: ctx.body }, 'labels', 'Label') ?? []
  const names = optStringArray(bodyObject(ctx), 'labels', 'Label')
  if (names === undefined)
    throw validationFailed({ resource: 'Label', code: 'missing_field', field: 'labels' })
  return names
}

function listIssueLabels(ctx: Ctx): Reply {
  const issue = getIssue(ctx.repo, issueNumber(ctx))
  const page = paginate(issueLabels(ctx.core, ctx.repo, issue), ctx.query, ctx.url)
  return { status: 200, body: page.items, headers: page.link ? { link: page.link } : {} }
}

function addIssueLabels(ctx: Ctx): Reply {
  const issue = getIssue(ctx.repo, issueNumber(ctx))
  const changed = addLabels(ctx.core, ctx.repo, issue, ctx.token, labelNames(ctx))
  if (changed) touch(ctx.core, ctx.repo, issue)
  return {
    status: 200,
    body: issueLabels(ctx.core, ctx.repo, issue),
    events: changed ? [`${issue.pull ? 'pull_request' : 'issues'}.labeled`] : []
  }
}

function setIssueLabels(ctx: Ctx): Reply {
  const issue = getIssue(ctx.repo, issueNumber(ctx))
  const changed = setLabels(ctx.core, ctx.repo, issue, ctx.token, labelNames(ctx))
  if (changed) touch(ctx.core, ctx.repo, issue)
  return {
    status: 200,
    body: issueLabels(ctx.core, ctx.repo, issue),
    events: changed ? [`${issue.pull ? 'pull_request' : 'issues'}.labeled`] : []
  }
}

function removeIssueLabel(ctx: Ctx): Reply {
  const issue = getIssue(ctx.repo, issueNumber(ctx))
  const l = findLabel(ctx.repo, ctx.params.name)
  // Same 404 whether the repo lacks the label or the issue does: callers treat it as removed.
  if (!l || !issue.labels.includes(l.id)) throw new ApiError(404, 'Label does not exist')
  removeLabel(ctx.core, ctx.repo, issue, ctx.token, l)
  touch(ctx.core, ctx.repo, issue)
  return {
    status: 200,
    body: issueLabels(ctx.core, ctx.repo, issue),
    events: [`${issue.pull ? 'pull_request' : 'issues'}.unlabeled`]
  }
}

function removeAllIssueLabels(ctx: Ctx): Reply {
  const issue = getIssue(ctx.repo, issueNumber(ctx))
  const changed = setLabels(ctx.core, ctx.repo, issue, ctx.token, [])
  if (changed) touch(ctx.core, ctx.repo, issue)
  return {
    status: 204,
    events: changed ? [`${issue.pull ? 'pull_request' : 'issues'}.unlabeled`] : []
  }
}

/**
 * GitHub documents "Issues" or "Pull requests" for the label routes: repository labels with
 * either, a pull request's labels with either, a plain issue's labels with `issues` only.
 */
const labelsOf = (level: PermissionLevel): RoutePermission => ({
  scope: 'issues',
  level,
  orPullRequests: 'always'
})
const issueLabelsOf = (level: PermissionLevel): RoutePermission => ({
  scope: 'issues',
  level,
  orPullRequests: 'on-pull-request'
})

export const labelRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/labels', listRepoLabels, { permission: labelsOf('read') }),
  route('POST', '/repos/{owner}/{repo}/labels', createRepoLabel, { permission: labelsOf('write') }),
  route('GET', '/repos/{owner}/{repo}/labels/{name}', getRepoLabel, {
    permission: labelsOf('read')
  }),
  route('PATCH', '/repos/{owner}/{repo}/labels/{name}', updateRepoLabel, {
    permission: labelsOf('write')
  }),
  route('DELETE', '/repos/{owner}/{repo}/labels/{name}', deleteRepoLabel, {
    permission: labelsOf('write')
  }),
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', listIssueLabels, {
    permission: issueLabelsOf('read')
  }),
  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', addIssueLabels, {
    permission: issueLabelsOf('write')
  }),
  route('PUT', '/repos/{owner}/{repo}/issues/{issue_number}/labels', setIssueLabels, {
    permission: issueLabelsOf('write')
  }),
  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels', removeAllIssueLabels, {
    permission: issueLabelsOf('write')
  }),
  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', removeIssueLabel, {
    permission: issueLabelsOf('write')
  })
]
