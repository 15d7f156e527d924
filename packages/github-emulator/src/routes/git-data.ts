import { ApiError, validationFailed } from '../http/errors.js'
import type { TreeChange } from '../git/bare-repo.js'
import { parseSignature, tokenSignature } from '../model/signature.js'
import { gitCommit, gitTree, wrapBase64 } from '../serialize/git.js'
import { repoApi } from '../serialize/urls.js'
import { nodeId } from '../ids.js'
import { bodyObject, checkTreePath } from './input.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

const BASE64 = /^[A-Za-z0-9+/=\s]*$/

async function createBlob(ctx: Ctx): Promise<Reply> {
  const body = bodyObject(ctx)
  if (typeof body.content !== 'string')
    throw validationFailed({ resource: 'Blob', code: 'missing_field', field: 'content' })
  const encoding = body.encoding ?? 'utf-8'
  if (encoding !== 'utf-8' && encoding !== 'base64') {
    throw validationFailed({ resource: 'Blob', code: 'invalid', field: 'encoding' })
  }
  if (encoding === 'base64' && !BASE64.test(body.content)) {
    throw validationFailed({ resource: 'Blob', code: 'invalid', field: 'content' })
  }
  const sha = await ctx.repo.git.writeBlob(
    Buffer.from(body.content, encoding === 'base64' ? 'base64' : 'utf8')
  )
  const url = `${repoApi(ctx.core, ctx.repo)}/git/blobs/${sha}`
  return { status: 201, body: { url, sha }, headers: { location: url } }
}

async function getBlob(ctx: Ctx): Promise<Reply> {
  const sha = ctx.params.file_sha
  if ((await ctx.repo.git.objectType(sha)) !== 'blob') throw new ApiError(404, 'Not Found')
  const data = await ctx.repo.git.readBlob(sha)
  return {
    status: 200,
    body: {
      sha,
      node_id: nodeId('repo', `blob:${sha}`),
      size: data.length,
      url: `${repoApi(ctx.core, ctx.repo)}/git/blobs/${sha}`,
      content: wrapBase64(data),
      encoding: 'base64'
    }
  }
}

async function createTree(ctx: Ctx): Promise<Reply> {
  const body = bodyObject(ctx)
  const git = ctx.repo.git
  if (!Array.isArray(body.tree))
    throw validationFailed({ resource: 'Tree', code: 'missing_field', field: 'tree' })
  let base: string | null = null
  if (body.base_tree !== undefined && body.base_tree !== null) {
    const type = await git.objectType(String(body.base_tree))
    if (type !== 'tree' && type !== 'commit') throw new ApiError(422, 'Invalid tree info')
    base = type === 'commit' ? await git.treeOf(String(body.base_tree)) : String(body.base_tree)
  }
  const changes: TreeChange[] = []
  for (const raw of body.tree as unknown[]) {
    const e = (raw ?? {}) as {
      path?: unknown
      mode?: unknown
      type?: unknown
      sha?: unknown
      content?: unknown
    }
    if (typeof e.path !== 'string' || e.path === '')
      throw new ApiError(422, 'Invalid tree info', ['tree.path is missing'])
    checkTreePath(e.path)
    const mode = typeof e.mode === 'string' ? e.mode : '100644'
    if (!['100644', '100755', '040000', '160000', '120000'].includes(mode)) {
      throw new ApiError(422, `Invalid tree info: mode ${mode} for ${e.path}`)
    }
    const type = (
      typeof e.type === 'string' ? e.type : mode === '040000' ? 'tree' : 'blob'
    ) as TreeChange['type']
    if (typeof e.content === 'string') {
      changes.push({
        path: e.path,
        mode,
        type: 'blob',
        sha: await git.writeBlob(Buffer.from(e.content))
      })
    } else if (e.sha === null) {
      changes.push({ path: e.path, sha: null })
    } else if (typeof e.sha === 'string') {
      const actual = await git.objectType(e.sha)
      if (type !== 'commit' && actual !== type)
        throw new ApiError(422, `Invalid tree info: ${e.sha} is not a ${type}`)
      changes.push({ path: e.path, mode, type, sha: e.sha })
    } else {
      throw new ApiError(422, 'Invalid tree info', ['Must supply tree.sha or tree.content'])
    }
  }
  const sha = await git.buildTree(base, changes)
  const out = gitTree(ctx.core, ctx.repo, sha, await git.lsTree(sha, false))
  return { status: 201, body: out, headers: { location: String(out.url) } }
}

async function getTree(ctx: Ctx): Promise<Reply> {
  const git = ctx.repo.git
  const param = ctx.params.tree_sha
  const type = await git.objectType(param)
  let tree: string | null = null
  if (type === 'tree') tree = param
  else if (type === 'commit') tree = await git.treeOf(param)
  else {
    const commit = await git.resolveCommit(param)
    if (commit) tree = await git.treeOf(commit)
  }
  if (!tree) throw new ApiError(404, 'Not Found')
  const q = ctx.query.get('recursive')
  const recursive = q !== null && q !== '' && q !== '0' && q !== 'false'
  return { status: 200, body: gitTree(ctx.core, ctx.repo, tree, await git.lsTree(tree, recursive)) }
}

async function createCommit(ctx: Ctx): Promise<Reply> {
  const body = bodyObject(ctx)
  const git = ctx.repo.git
  if (typeof body.message !== 'string')
    throw validationFailed({ resource: 'Commit', code: 'missing_field', field: 'message' })
  if (typeof body.tree !== 'string' || (await git.objectType(body.tree)) !== 'tree') {
    throw new ApiError(422, 'Tree SHA does not exist')
  }
  const parents = Array.isArray(body.parents) ? body.parents.map(String) : []
  for (const p of parents) {
    if ((await git.objectType(p)) !== 'commit')
      throw new ApiError(422, 'Parent SHA does not exist or is not a commit object')
  }
  const fallback = tokenSignature(ctx.core, ctx.token)
  const author = parseSignature(body.author, 'author', fallback)
  const committer = parseSignature(body.committer, 'committer', body.author ? author : fallback)
  const sha = await git.commitTree({
    tree: body.tree,
    parents,
    message: body.message,
    author,
    committer
  })
  const out = gitCommit(ctx.core, ctx.repo, (await git.readCommit(sha))!)
  return { status: 201, body: out, headers: { location: String(out.url) } }
}

async function getCommit(ctx: Ctx): Promise<Reply> {
  const info = await ctx.repo.git.readCommit(ctx.params.commit_sha)
  if (!info) throw new ApiError(404, 'Not Found')
  return { status: 200, body: gitCommit(ctx.core, ctx.repo, info) }
}

export const gitDataRoutes: RouteDef[] = [
  route('POST', '/repos/{owner}/{repo}/git/blobs', createBlob),
  route('GET', '/repos/{owner}/{repo}/git/blobs/{file_sha}', getBlob),
  route('POST', '/repos/{owner}/{repo}/git/trees', createTree),
  route('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', getTree),
  route('POST', '/repos/{owner}/{repo}/git/commits', createCommit),
  route('GET', '/repos/{owner}/{repo}/git/commits/{commit_sha}', getCommit)
]
