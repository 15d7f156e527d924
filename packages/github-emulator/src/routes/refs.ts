import { ApiError } from '../http/errors.js'
import { pushEvents } from '../model/push.js'
import { closePullsFromBranch } from './pulls.js'
import { gitRef } from '../serialize/git.js'
import { bodyObject } from './input.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

const SHA = /^[0-9a-f]{40}$/

function fullRef(param: string): string {
  return param.startsWith('refs/') ? param : `refs/${param}`
}

async function refReply(ctx: Ctx, ref: string, sha: string, status: number): Promise<Reply> {
  const type = (await ctx.repo.git.objectType(sha)) ?? 'commit'
  const body = gitRef(ctx.core, ctx.repo, ref, sha, type)
  return { status, body, headers: status === 201 ? { location: String(body.url) } : {} }
}

async function getRef(ctx: Ctx): Promise<Reply> {
  const ref = fullRef(ctx.params.ref)
  const sha = await ctx.repo.git.refSha(ref)
  // A bare commit sha is not a ref: GitHub answers 404 here too.
  if (!sha || SHA.test(ctx.params.ref)) throw new ApiError(404, 'Not Found')
  return refReply(ctx, ref, sha, 200)
}

async function matchingRefs(ctx: Ctx): Promise<Reply> {
  const prefix = fullRef(ctx.params.ref)
  const refs = (await ctx.repo.git.listRefs('refs/')).filter((r) => r.ref.startsWith(prefix))
  const body = []
  for (const r of refs) body.push((await refReply(ctx, r.ref, r.sha, 200)).body)
  return { status: 200, body }
}

function branchOf(ref: string): string | null {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null
}

async function createRef(ctx: Ctx): Promise<Reply> {
  const body = bodyObject(ctx)
  const ref = typeof body.ref === 'string' ? body.ref : ''
  const sha = typeof body.sha === 'string' ? body.sha : ''
  if (
    !ref.startsWith('refs/') ||
    ref.split('/').filter(Boolean).length < 3 ||
    /\.\.|[\s~^:?*[\\]|\/$|\.lock$|@\{/.test(ref)
  ) {
    throw new ApiError(
      422,
      'Reference name must contain at least three slash-separated components.'
    )
  }
  if (await ctx.repo.git.refSha(ref)) throw new ApiError(422, 'Reference already exists')
  if (!(await ctx.repo.git.objectType(sha))) throw new ApiError(422, 'Object does not exist')
  if (!(await ctx.repo.git.updateRef(ref, sha, null)))
    throw new ApiError(422, 'Reference update failed')
  const branch = branchOf(ref)
  const events = branch ? ['create', ...pushEvents(ctx.core, ctx.repo, branch)] : ['create']
  return { ...(await refReply(ctx, ref, sha, 201)), events }
}

async function updateRef(ctx: Ctx): Promise<Reply> {
  const body = bodyObject(ctx)
  const ref = fullRef(ctx.params.ref)
  const sha = typeof body.sha === 'string' ? body.sha : ''
  const current = await ctx.repo.git.refSha(ref)
  if (!current) throw new ApiError(422, 'Reference does not exist')
  if ((await ctx.repo.git.objectType(sha)) !== 'commit')
    throw new ApiError(422, 'Object does not exist')
  if (body.force !== true && !(await ctx.repo.git.isAncestor(current, sha))) {
    throw new ApiError(422, 'Update is not a fast forward')
  }
  if (!(await ctx.repo.git.updateRef(ref, sha, current)))
    throw new ApiError(422, 'Reference update failed')
  const branch = branchOf(ref)
  const events = branch && current !== sha ? pushEvents(ctx.core, ctx.repo, branch) : []
  return { ...(await refReply(ctx, ref, sha, 200)), events }
}

async function deleteRef(ctx: Ctx): Promise<Reply> {
  const ref = fullRef(ctx.params.ref)
  if (!(await ctx.repo.git.refSha(ref))) throw new ApiError(422, 'Reference does not exist')
  const branch = branchOf(ref)
  const closed = branch ? await closePullsFromBranch(ctx, branch) : []
  await ctx.repo.git.deleteRef(ref)
  return { status: 204, events: ['delete', ...closed] }
}

export const refRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/git/ref/{ref}', getRef),
  route('GET', '/repos/{owner}/{repo}/git/matching-refs/{ref}', matchingRefs),
  route('POST', '/repos/{owner}/{repo}/git/refs', createRef),
  route('PATCH', '/repos/{owner}/{repo}/git/refs/{ref}', updateRef),
  route('DELETE', '/repos/{owner}/{repo}/git/refs/{ref}', deleteRef)
]
