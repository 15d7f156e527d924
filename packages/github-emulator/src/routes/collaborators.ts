import { ApiError } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import type { TokenSpec } from '../model/types.js'
import { team, teamFull } from '../serialize/pulls.js'
import { simpleUser } from '../serialize/users.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

function collaboratorJson(ctx: Ctx, login: string): Record<string, unknown> {
  const admin = login.toLowerCase() === ctx.repo.owner.toLowerCase()
  return {
    ...simpleUser(ctx.core, login),
    permissions: { pull: true, triage: true, push: true, maintain: admin, admin },
    role_name: admin ? 'admin' : 'write'
  }
}

function listCollaborators(ctx: Ctx): Reply {
  const page = paginate(ctx.repo.collaborators, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((l) => collaboratorJson(ctx, l)),
    headers: page.link ? { link: page.link } : {}
  }
}

function checkCollaborator(ctx: Ctx): Reply {
  if (!ctx.core.isCollaborator(ctx.repo, ctx.params.username)) throw new ApiError(404, 'Not Found')
  return { status: 204 }
}

function permissionOf(ctx: Ctx): Reply {
  const login = ctx.params.username
  const collab = ctx.core.isCollaborator(ctx.repo, login)
  const admin = login.toLowerCase() === ctx.repo.owner.toLowerCase()
  const permission = admin ? 'admin' : collab ? 'write' : 'read'
  return {
    status: 200,
    body: {
      permission,
      role_name: permission,
      user: {
        ...collaboratorJson(ctx, login),
        permissions: { pull: true, triage: collab, push: collab, maintain: admin, admin }
      }
    }
  }
}

/** GITHUB_TOKEN has no organization scope: team reads fail for it. */
function requireOrgAccess(token: TokenSpec): void {
  if (token.kind === 'actions') throw new ApiError(403, 'Resource not accessible by integration')
  if (token.permissions && token.permissions.members === undefined) {
    throw new ApiError(403, 'Resource not accessible by integration')
  }
}

function getTeam(ctx: Ctx): Reply {
  requireOrgAccess(ctx.token)
  const t = ctx.core.team(ctx.params.org, ctx.params.team_slug)
  if (!t) throw new ApiError(404, 'Not Found')
  return { status: 200, body: teamFull(ctx.core, t.org, t.slug) }
}

function teamMembers(ctx: Ctx): Reply {
  requireOrgAccess(ctx.token)
  const t = ctx.core.team(ctx.params.org, ctx.params.team_slug)
  if (!t) throw new ApiError(404, 'Not Found')
  const page = paginate(t.members, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((m) => simpleUser(ctx.core, m)),
    headers: page.link ? { link: page.link } : {}
  }
}

function repoTeams(ctx: Ctx): Reply {
  const teams = [...ctx.core.teams.values()].filter(
    (t) => t.org.toLowerCase() === ctx.repo.owner.toLowerCase()
  )
  const page = paginate(teams, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((t) => team(ctx.core, t.org, t.slug)),
    headers: page.link ? { link: page.link } : {}
  }
}

export const collaboratorRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/collaborators', listCollaborators),
  route('GET', '/repos/{owner}/{repo}/collaborators/{username}', checkCollaborator),
  route('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', permissionOf),
  route('GET', '/repos/{owner}/{repo}/teams', repoTeams),
  route('GET', '/orgs/{org}/teams/{team_slug}', getTeam, { permission: null }),
  route('GET', '/orgs/{org}/teams/{team_slug}/members', teamMembers, { permission: null })
]
