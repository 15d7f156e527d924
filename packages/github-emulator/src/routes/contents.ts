import { ApiError } from '../http/errors.js'
import { pushEvents } from '../model/push.js'
import { parseSignature, tokenSignature } from '../model/signature.js'
import { contentEntry, fileCommit, wrapBase64 } from '../serialize/git.js'
import { bodyObject, hasDotComponent } from './input.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

const BASE64 = /^[A-Za-z0-9+/=\r\n]*$/

/** The path without its outer slashes (GitHub ignores them); `.`/`..` components are a 422. */
function normalizePath(written: string): string {
  const path = written.replace(/^\/+|\/+$/g, '')
  if (hasDotComponent(path)) throw new ApiError(422, 'path contains a malformed path component')
  return path
}

/** GitHub lists at most this many entries of a directory; the Git Trees API has the rest. */
const DIRECTORY_LISTING_CAP = 1000

async function getContent(ctx: Ctx): Promise<Reply> {
  const { core, repo } = ctx
  const path = normalizePath(ctx.params.path ?? '')
  const ref = ctx.query.get('ref') || repo.defaultBranch
  const commit = await repo.git.resolveCommit(ref)
  if (!commit) throw new ApiError(404, `No commit found for the ref ${ref}`)
  const entry = await repo.git.entryAt(commit, path)
  if (!entry) throw new ApiError(404, 'Not Found')
  const accept = String(ctx.headers.accept ?? '')
  if (entry.type === 'tree') {
    const entries = (await repo.git.listDir(commit, path)).slice(0, DIRECTORY_LISTING_CAP)
    const items = entries.map((e) => contentEntry(core, repo, e, ref))
    if (accept.includes('application/vnd.github.object')) {
      return { status: 200, body: { ...contentEntry(core, repo, entry, ref), entries: items } }
    }
    return { status: 200, body: items }
  }
  const data = entry.type === 'blob' ? await repo.git.readBlob(entry.sha) : Buffer.alloc(0)
  if (
    accept.includes('application/vnd.github.raw') ||
    accept.includes('application/vnd.github.v3.raw')
  ) {
    return { status: 200, raw: { contentType: 'application/vnd.github.raw; charset=utf-8', data } }
  }
  const meta = contentEntry(core, repo, { ...entry, size: data.length }, ref)
  return { status: 200, body: { ...meta, content: wrapBase64(data), encoding: 'base64' } }
}

/** Checks shared by PUT and DELETE; messages as measured on github.com (reference §1.2). */
function requireString(body: Record<string, unknown>, key: string): string {
  const v = body[key]
  if (v === null)
    throw new ApiError(422, `Invalid request.\n\nFor 'properties/${key}', nil is not a string.`)
  if (typeof v !== 'string')
    throw new ApiError(422, `Invalid request.\n\n"${key}" wasn't supplied.`)
  return v
}

async function putContent(ctx: Ctx): Promise<Reply> {
  const { core, repo } = ctx
  const body = bodyObject(ctx)
  const path = normalizePath(ctx.params.path ?? '')
  const message = requireString(body, 'message')
  const content = requireString(body, 'content')
  if (body.sha === null)
    throw new ApiError(422, `Invalid request.\n\nFor 'properties/sha', nil is not a string.`)
  if (!BASE64.test(content)) throw new ApiError(422, 'content is not valid Base64')
  if (path === '') throw new ApiError(422, 'path cannot be empty')
  const branch = typeof body.branch === 'string' ? body.branch : repo.defaultBranch
  const head = await repo.git.branchSha(branch)
  if (!head) throw new ApiError(404, `Branch ${branch} not found`)
  const existing = await repo.git.entryAt(head, path)
  if (existing && existing.type !== 'blob') throw new ApiError(422, `${path} is a directory`)
  if (existing) {
    if (typeof body.sha !== 'string')
      throw new ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if (body.sha !== existing.sha) throw new ApiError(409, `${path} does not match ${body.sha}`)
  }
  const blob = await repo.git.writeBlob(Buffer.from(content, 'base64'))
  const tree = await repo.git.buildTree(await repo.git.treeOf(head), [
    { path, mode: existing?.mode ?? '100644', sha: blob }
  ])
  const commit = await commitOnBranch(ctx, branch, head, tree, message, body)
  const entry = await repo.git.entryAt(commit, path)
  return {
    status: existing ? 200 : 201,
    body: {
      content: contentEntry(core, repo, entry!, branch),
      commit: fileCommit(core, repo, (await repo.git.readCommit(commit))!)
    },
    events: pushEvents(core, repo, branch)
  }
}

async function deleteContent(ctx: Ctx): Promise<Reply> {
  const { core, repo } = ctx
  const body = bodyObject(ctx)
  const path = normalizePath(ctx.params.path ?? '')
  const message = requireString(body, 'message')
  const sha = requireString(body, 'sha')
  const branch = typeof body.branch === 'string' ? body.branch : repo.defaultBranch
  const head = await repo.git.branchSha(branch)
  if (!head) throw new ApiError(404, `Branch ${branch} not found`)
  const existing = await repo.git.entryAt(head, path)
  if (!existing || existing.type !== 'blob') throw new ApiError(404, 'Not Found')
  if (sha !== existing.sha) throw new ApiError(409, `${path} does not match ${sha}`)
  const tree = await repo.git.buildTree(await repo.git.treeOf(head), [{ path, sha: null }])
  const commit = await commitOnBranch(ctx, branch, head, tree, message, body)
  return {
    status: 200,
    body: { content: null, commit: fileCommit(core, repo, (await repo.git.readCommit(commit))!) },
    events: pushEvents(core, repo, branch)
  }
}

/** One commit on top of `head`, moved in with compare-and-swap so an outside push is a 409. */
async function commitOnBranch(
  ctx: Ctx,
  branch: string,
  head: string,
  tree: string,
  message: string,
  body: Record<string, unknown>
): Promise<string> {
  const fallback = tokenSignature(ctx.core, ctx.token)
  const author = parseSignature(body.author, 'author', fallback)
  const committer = parseSignature(body.committer, 'committer', body.author ? author : fallback)
  const git = ctx.repo.git
  const commit = await git.commitTree({ tree, parents: [head], message, author, committer })
  if (!(await git.updateRef(`refs/heads/${branch}`, commit, head))) {
    throw new ApiError(409, `refs/heads/${branch} expected to be at ${head}`)
  }
  return commit
}

export const contentRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/contents/{path}', getContent),
  route('PUT', '/repos/{owner}/{repo}/contents/{path}', putContent),
  route('DELETE', '/repos/{owner}/{repo}/contents/{path}', deleteContent)
]
