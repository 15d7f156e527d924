import { ApiError } from '../http/errors.js'
import { publicUser } from '../serialize/users.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

/** GET /rate_limit: free (does not count), reports the token's buckets. */
function rateLimit(ctx: Ctx): Reply {
  const { core, token } = ctx
  const now = core.clock.now()
  const view = (resource: 'core' | 'search') => {
    const b = core.rate.bucket(token, resource, now)
    return {
      limit: b.limit,
      used: b.used,
      remaining: Math.max(0, b.limit - b.used),
      reset: b.reset
    }
  }
  const coreB = view('core')
  const reset = Math.floor(now / 1000) + 3600
  const other = (limit: number) => ({ limit, used: 0, remaining: limit, reset })
  return {
    status: 200,
    body: {
      resources: {
        core: coreB,
        search: view('search'),
        graphql: other(5000),
        integration_manifest: other(5000),
        code_search: other(10),
        code_scanning_upload: other(1000),
        actions_runner_registration: other(10000),
        scim: other(15000),
        dependency_snapshots: other(100),
        audit_log: other(1750)
      },
      rate: coreB
    }
  }
}

function authenticatedUser(ctx: Ctx): Reply {
  if (ctx.token.kind !== 'user') throw new ApiError(403, 'Resource not accessible by integration')
  return { status: 200, body: publicUser(ctx.core, ctx.token.login) }
}

export const miscRoutes: RouteDef[] = [
  route('GET', '/rate_limit', rateLimit, { resource: 'none', permission: null }),
  route('GET', '/user', authenticatedUser, { permission: null })
]
