import type { Core } from '../core.js'
import { ASSET_STORAGE_PREFIX } from '../core.js'
import type { Release, ReleaseAsset, RepoState } from '../model/types.js'
import { repoApi, repoHtml } from './urls.js'
import { simpleUser } from './users.js'

/** `release-asset`: `browser_download_url` is the github.com address people download from. */
export function releaseAsset(
  core: Core,
  repo: RepoState,
  release: Release,
  asset: ReleaseAsset
): Record<string, unknown> {
  return {
    url: `${repoApi(core, repo)}/releases/assets/${asset.id}`,
    browser_download_url: `${repoHtml(repo)}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: asset.nodeId,
    name: asset.name,
    label: asset.label,
    state: 'uploaded',
    content_type: asset.contentType,
    size: asset.data.length,
    digest: asset.digest,
    download_count: asset.downloads,
    created_at: asset.createdAt,
    updated_at: asset.updatedAt,
    uploader: simpleUser(core, asset.uploader)
  }
}

/** `release`. A draft's html_url names it by id (`untagged-...` on GitHub), a published one by tag. */
export function release(core: Core, repo: RepoState, r: Release): Record<string, unknown> {
  const api = `${repoApi(core, repo)}/releases/${r.id}`
  const tag = encodeURIComponent(r.tagName)
  const uploads = `${core.uploadsUrl}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`
  return {
    url: api,
    assets_url: `${api}/assets`,
    upload_url: `${uploads}/releases/${r.id}/assets{?name,label}`,
    html_url: r.draft
      ? `${repoHtml(repo)}/releases/tag/untagged-${r.id}`
      : `${repoHtml(repo)}/releases/tag/${tag}`,
    id: r.id,
    node_id: r.nodeId,
    tag_name: r.tagName,
    target_commitish: r.targetCommitish,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    immutable: false,
    created_at: r.createdAt,
    published_at: r.publishedAt,
    updated_at: r.updatedAt,
    author: simpleUser(core, r.author),
    assets: r.assets.map((a) => releaseAsset(core, repo, r, a)),
    tarball_url: `${repoApi(core, repo)}/tarball/${tag}`,
    zipball_url: `${repoApi(core, repo)}/zipball/${tag}`
  }
}

/** Where GET asset (Accept: application/octet-stream) redirects: unauthenticated, like a signed URL. */
export function assetStorageUrl(core: Core, repo: RepoState, asset: ReleaseAsset): string {
  return `${core.baseUrl}${ASSET_STORAGE_PREFIX}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/${asset.id}`
}
