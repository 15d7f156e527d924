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
export function release(core: Core, repo: RepoState, record: Release): Record<string, unknown> {
  const api = `${repoApi(core, repo)}/releases/${record.id}`
  const tag = encodeURIComponent(record.tagName)
  const uploads = `${core.uploadsUrl}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`
  return {
    url: api,
    assets_url: `${api}/assets`,
    upload_url: `${uploads}/releases/${record.id}/assets{?name,label}`,
    html_url: record.draft
      ? `${repoHtml(repo)}/releases/tag/untagged-${record.id}`
      : `${repoHtml(repo)}/releases/tag/${tag}`,
    id: record.id,
    node_id: record.nodeId,
    tag_name: record.tagName,
    target_commitish: record.targetCommitish,
    name: record.name,
    body: record.body,
    draft: record.draft,
    prerelease: record.prerelease,
    immutable: false,
    created_at: record.createdAt,
    published_at: record.publishedAt,
    updated_at: record.updatedAt,
    author: simpleUser(core, record.author),
    assets: record.assets.map((a) => releaseAsset(core, repo, record, a)),
    tarball_url: `${repoApi(core, repo)}/tarball/${tag}`,
    zipball_url: `${repoApi(core, repo)}/zipball/${tag}`
  }
}

/** Where GET asset (Accept: application/octet-stream) redirects: unauthenticated, like a signed URL. */
export function assetStorageUrl(core: Core, repo: RepoState, asset: ReleaseAsset): string {
  return `${core.baseUrl}${ASSET_STORAGE_PREFIX}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/${asset.id}`
}
