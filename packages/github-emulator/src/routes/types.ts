import type { IncomingHttpHeaders } from 'node:http'
import type { Core } from '../core.js'
import type { PermissionLevel, PermissionScope, RepoState, TokenSpec } from '../model/types.js'

export interface Ctx {
  core: Core
  method: string
  url: URL
  query: URLSearchParams
  params: Record<string, string>
  /** Parsed JSON request body (undefined when there is none). */
  body: unknown
  /** The request body's bytes, for routes on the upload host (their body is not JSON). */
  rawBody: Buffer
  token: TokenSpec
  headers: IncomingHttpHeaders
  /** The repository of a `/repos/{owner}/{repo}/...` route; the server 404s when missing. */
  repo: RepoState
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Webhook-style events caused by a write, for the request log. */
  events?: string[]
  merged?: boolean
  /** A non-JSON body (e.g. `application/vnd.github.raw`). */
  raw?: { contentType: string; data: Buffer }
}

export interface RouteDef {
  method: string
  /** Octokit route template path, e.g. `/repos/{owner}/{repo}/issues`. */
  template: string
  handler: (ctx: Ctx) => Promise<Reply> | Reply
  /** Permission the token needs; default derived from the path and method. */
  permission?: RoutePermission | null
  /** Rate-limit bucket; `none` for /rate_limit. Default core. */
  resource?: 'core' | 'search' | 'none'
  /** Served only on the upload host (Core.uploadsUrl), with a raw body. Default: the API host. */
  host?: 'api' | 'uploads'
}

export interface RoutePermission {
  scope: PermissionScope
  level: PermissionLevel
  /**
   * `pull_requests` at the same level is accepted instead: `always` (repository labels), or when
   * `{issue_number}` is a pull request (its labels). GitHub documents "Issues" or "Pull requests"
   * for these routes, so a workflow granting only `pull-requests: write` can label its PRs.
   */
  orPullRequests?: 'always' | 'on-pull-request'
}

export const route = (
  method: string,
  template: string,
  handler: RouteDef['handler'],
  extra: Partial<RouteDef> = {}
): RouteDef => ({ method, template, handler, ...extra })
