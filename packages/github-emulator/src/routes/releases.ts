import { createHash } from 'node:crypto'
import { ApiError, validationFailed } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import { nodeId } from '../ids.js'
import type { Release, ReleaseAsset } from '../model/types.js'
import { assetStorageUrl, release, releaseAsset } from '../serialize/releases.js'
import { bodyObject, optString, reqString } from './input.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

function numericParam(ctx: Ctx, key: string): number {
  const raw = ctx.params[key]
  if (!/^\d+$/.test(raw)) throw new ApiError(404, 'Not Found')
  return Number.parseInt(raw, 10)
}

function findRelease(ctx: Ctx): Release {
  const found = ctx.repo.releases.get(numericParam(ctx, 'release_id'))
  if (!found) throw new ApiError(404, 'Not Found')
  return found
}

function findAsset(ctx: Ctx): { release: Release; asset: ReleaseAsset } {
  const id = numericParam(ctx, 'asset_id')
  for (const r of ctx.repo.releases.values()) {
    const asset = r.assets.find((a) => a.id === id)
    if (asset) return { release: r, asset }
  }
  throw new ApiError(404, 'Not Found')
}

function optBool(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key]
  if (v === undefined) return undefined
  if (typeof v !== 'boolean')
    throw new ApiError(
      422,
      `Invalid request.\n\nFor 'properties/${key}', ${JSON.stringify(v)} is not a boolean.`
    )
  return v
}

/** GitHub keeps one published release per tag (drafts may share one). */
function tagTaken(ctx: Ctx, tag: string, except?: number): boolean {
  return [...ctx.repo.releases.values()].some(
    (r) => r.tagName === tag && r.id !== except && !r.draft
  )
}

const tagInUse = (): ApiError =>
  validationFailed({ resource: 'Release', code: 'already_exists', field: 'tag_name' })

/**
 * Publishing a release whose tag does not exist creates the tag at `target_commitish` (a branch
 * or a commit sha; the default branch when omitted), as GitHub does. Drafts create no tag.
 */
async function ensureTag(ctx: Ctx, release: Release): Promise<string[]> {
  if (release.draft) return []
  const ref = `refs/tags/${release.tagName}`
  if (await ctx.repo.git.refSha(ref)) return []
  const sha = await ctx.repo.git.resolveCommit(release.targetCommitish)
  if (!sha)
    throw validationFailed({ resource: 'Release', code: 'invalid', field: 'target_commitish' })
  await ctx.repo.git.updateRef(ref, sha, null)
  return ['create']
}

async function createRelease(ctx: Ctx): Promise<Reply> {
  const body = bodyObject(ctx)
  const tagName = reqString(body, 'tag_name', 'Release')
  if (!tagName.trim())
    throw validationFailed({ resource: 'Release', code: 'missing_field', field: 'tag_name' })
  const draft = optBool(body, 'draft') ?? false
  if (!draft && tagTaken(ctx, tagName)) throw tagInUse()
  const id = ctx.core.ids.next('release')
  const now = ctx.core.now()
  const r: Release = {
    id,
    nodeId: nodeId('release', id),
    tagName,
    targetCommitish: optString(body, 'target_commitish', 'Release') ?? ctx.repo.defaultBranch,
    name: optString(body, 'name', 'Release') ?? null,
    body: optString(body, 'body', 'Release') ?? null,
    draft,
    prerelease: optBool(body, 'prerelease') ?? false,
    author: ctx.token.login,
    createdAt: now,
    publishedAt: draft ? null : now,
    updatedAt: now,
    assets: []
  }
  const events = await ensureTag(ctx, r)
  ctx.repo.releases.set(id, r)
  const json = release(ctx.core, ctx.repo, r)
  return {
    status: 201,
    body: json,
    headers: { location: String(json.url) },
    events: [...events, draft ? 'release.created' : 'release.published']
  }
}

async function updateRelease(ctx: Ctx): Promise<Reply> {
  const r = findRelease(ctx)
  const body = bodyObject(ctx)
  const tagName = optString(body, 'tag_name', 'Release') ?? r.tagName
  const draft = optBool(body, 'draft') ?? r.draft
  if (!draft && tagTaken(ctx, tagName, r.id)) throw tagInUse()
  const next: Release = {
    ...r,
    tagName,
    draft,
    targetCommitish: optString(body, 'target_commitish', 'Release') ?? r.targetCommitish,
    name: optString(body, 'name', 'Release') ?? r.name,
    body: optString(body, 'body', 'Release') ?? r.body,
    prerelease: optBool(body, 'prerelease') ?? r.prerelease,
    updatedAt: ctx.core.now()
  }
  const publishing = r.draft && !draft
  if (publishing) next.publishedAt = ctx.core.now()
  const events = await ensureTag(ctx, next)
  ctx.repo.releases.set(r.id, next)
  return {
    status: 200,
    body: release(ctx.core, ctx.repo, next),
    events: [...events, publishing ? 'release.published' : 'release.edited']
  }
}

function deleteRelease(ctx: Ctx): Reply {
  const r = findRelease(ctx)
  // The tag stays: GitHub deletes only the release.
  ctx.repo.releases.delete(r.id)
  return { status: 204, events: ['release.deleted'] }
}

/** Newest first, drafts included (the caller can push), as GitHub lists them. */
function listReleases(ctx: Ctx): Reply {
  const all = [...ctx.repo.releases.values()].sort((a, b) => b.id - a.id)
  const page = paginate(all, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((r) => release(ctx.core, ctx.repo, r)),
    headers: page.link ? { link: page.link } : {}
  }
}

/** Only a published release is found by its tag. */
function releaseByTag(ctx: Ctx): Reply {
  const r = [...ctx.repo.releases.values()].find((x) => x.tagName === ctx.params.tag && !x.draft)
  if (!r) throw new ApiError(404, 'Not Found')
  return { status: 200, body: release(ctx.core, ctx.repo, r) }
}

function listAssets(ctx: Ctx): Reply {
  const r = findRelease(ctx)
  const page = paginate(r.assets, ctx.query, ctx.url)
  return {
    status: 200,
    body: page.items.map((a) => releaseAsset(ctx.core, ctx.repo, r, a)),
    headers: page.link ? { link: page.link } : {}
  }
}

/** GitHub renames special characters in asset names to `.` and drops leading and trailing dots. */
function assetFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._+-]/g, '.').replace(/^\.+|\.+$/g, '')
}

function uploadAsset(ctx: Ctx): Reply {
  const r = findRelease(ctx)
  const requested = ctx.query.get('name') ?? ''
  const name = assetFileName(requested)
  if (!name)
    throw validationFailed({ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' })
  if (r.assets.some((a) => a.name === name))
    throw validationFailed({ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' })
  const id = ctx.core.ids.next('asset')
  const now = ctx.core.now()
  const data = Buffer.from(ctx.rawBody)
  const asset: ReleaseAsset = {
    id,
    nodeId: nodeId('asset', id),
    name,
    label: ctx.query.get('label') || null,
    contentType: String(ctx.headers['content-type'] ?? 'application/octet-stream'),
    data,
    digest: `sha256:${createHash('sha256').update(data).digest('hex')}`,
    uploader: ctx.token.login,
    createdAt: now,
    updatedAt: now,
    downloads: 0
  }
  r.assets.push(asset)
  return { status: 201, body: releaseAsset(ctx.core, ctx.repo, r, asset) }
}

/** The asset's JSON, or with `Accept: application/octet-stream` a redirect to its bytes. */
function getAsset(ctx: Ctx): Reply {
  const { release: r, asset } = findAsset(ctx)
  if (String(ctx.headers.accept ?? '').includes('application/octet-stream')) {
    asset.downloads++
    return { status: 302, headers: { location: assetStorageUrl(ctx.core, ctx.repo, asset) } }
  }
  return { status: 200, body: releaseAsset(ctx.core, ctx.repo, r, asset) }
}

function deleteAsset(ctx: Ctx): Reply {
  const { release: r, asset } = findAsset(ctx)
  r.assets = r.assets.filter((a) => a.id !== asset.id)
  return { status: 204 }
}

export const releaseRoutes: RouteDef[] = [
  route('GET', '/repos/{owner}/{repo}/releases', listReleases),
  route('POST', '/repos/{owner}/{repo}/releases', createRelease),
  route('GET', '/repos/{owner}/{repo}/releases/tags/{tag}', releaseByTag),
  route('GET', '/repos/{owner}/{repo}/releases/assets/{asset_id}', getAsset),
  route('DELETE', '/repos/{owner}/{repo}/releases/assets/{asset_id}', deleteAsset),
  route('GET', '/repos/{owner}/{repo}/releases/{release_id}', (ctx) => ({
    status: 200,
    body: release(ctx.core, ctx.repo, findRelease(ctx))
  })),
  route('PATCH', '/repos/{owner}/{repo}/releases/{release_id}', updateRelease),
  route('DELETE', '/repos/{owner}/{repo}/releases/{release_id}', deleteRelease),
  route('GET', '/repos/{owner}/{repo}/releases/{release_id}/assets', listAssets),
  route('POST', '/repos/{owner}/{repo}/releases/{release_id}/assets', uploadAsset, {
    host: 'uploads'
  })
]

/** The bytes of an asset, for the storage address GET asset redirects to. */
export function assetBytes(
  releases: Iterable<Release>,
  assetId: number
): { data: Buffer; contentType: string; name: string } | undefined {
  for (const r of releases) {
    const asset = r.assets.find((a) => a.id === assetId)
    if (asset) return { data: asset.data, contentType: asset.contentType, name: asset.name }
  }
  return undefined
}
