import { ApiError } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import { fullRepository } from '../serialize/repo.js'
import { restCommit } from '../serialize/git.js'
import { repoApi, repoHtml } from '../serialize/urls.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

async function getBranch(ctx: Ctx): Promise<Reply> {
  const { core, repo } = ctx
  const name = ctx.params.branch
  const sha = await repo.git.branchSha(name)
  if (!sha) throw new ApiError(404, 'Branch not found')
  const commit = await repo.git.readCommit(sha)
  const api = repoApi(core, repo)
  return {
    status: 200,
    body: {
      name,
      commit: restCommit(core, repo, commit!),
      _links: {
        self: `${api}/branches/${encodeURIComponent(name)}`,
        html: `${repoHtml(repo)}/tree/${name}`
      },
      protected: false,
      protection: {
        enabled: false,
        required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] }
      },
      protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`
    }
  }
}

async function listBranches(ctx: Ctx): Promise<Reply> {
  const { core, repo } = ctx
  const refs = await repo.git.listRefs('refs/heads/')
  const all = refs.map((r) => {
    const name = r.ref.slice('refs/heads/'.length)
    return {
      name,
      commit: { sha: r.sha, url: `${repoApi(core, repo)}/commits/${r.sha}` },
      protected: false
    }
  })
  const page = paginate(all, ctx.query, ctx.url)
  return { status: 200, body: page.items, headers: page.link ? { link: page.link } : {} }
}

export const repoRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}', (ctx) => ({
    status: 200,
    body: fullRepository(ctx.core, ctx.repo)
  })),
  route('GET', '/repos/{owner}/{repo}/branches', listBranches),
  route('GET', '/repos/{owner}/{repo}/branches/{branch}', getBranch)
]
