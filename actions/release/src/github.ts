import { apiError, createOnce, statusOf, type Octokit } from '@contribs-actions/shared/github'
import type { ReleaseReader, ReleaseWriter, RemoteAsset, RemoteRelease } from './publish.js'
import type { TagReader, TagWriter } from './tag.js'

interface Repo {
  octokit: Octokit
  owner: string
  repo: string
}

type ReleaseJson = {
  id: number
  tag_name: string
  name: string | null
  body?: string | null
  draft: boolean
  prerelease: boolean
  upload_url: string
  html_url: string
}
type AssetJson = { id: number; name: string; size: number; digest?: string | null }

const toRelease = (release: ReleaseJson): RemoteRelease => ({
  id: release.id,
  tag: release.tag_name,
  name: release.name,
  body: release.body ?? null,
  draft: release.draft,
  prerelease: release.prerelease,
  uploadUrl: release.upload_url,
  url: release.html_url
})
const toAsset = (assetJson: AssetJson): RemoteAsset => ({
  id: assetJson.id,
  name: assetJson.name,
  size: assetJson.size,
  digest: assetJson.digest ?? null
})

/** Reads the release of a tag and its assets (contents: read). */
export function octokitReader({ octokit, owner, repo }: Repo): ReleaseReader {
  return {
    async releaseByTag(tag) {
      try {
        const r = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })
        return toRelease(r.data)
      } catch (e) {
        if (statusOf(e) === 404) return undefined
        throw apiError(`could not read the release ${tag}`, e, 'contents: read')
      }
    },
    async listAssets(release) {
      try {
        const assets = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
          owner,
          repo,
          release_id: release.id,
          per_page: 100
        })
        return assets.map(toAsset)
      } catch (e) {
        throw apiError(`could not list the assets of release ${release.tag}`, e, 'contents: read')
      }
    },
    async download(asset) {
      const r = await octokit.rest.repos.getReleaseAsset({
        owner,
        repo,
        asset_id: asset.id,
        headers: { accept: 'application/octet-stream' }
      })
      return Buffer.from(r.data as unknown as ArrayBuffer)
    }
  }
}

/**
 * The writes. Each create goes through createOnce: a create whose answer was lost is found (the
 * release by its tag, an asset by its name) and adopted, never sent twice.
 */
export function octokitWriter(target: Repo): ReleaseWriter {
  const { octokit, owner, repo } = target
  const reader = octokitReader(target)
  const updateRelease: ReleaseWriter['updateRelease'] = async (release, spec) => {
    try {
      const r = await octokit.rest.repos.updateRelease({
        owner,
        repo,
        release_id: release.id,
        name: spec.name,
        body: spec.body,
        prerelease: spec.prerelease,
        draft: false
      })
      return toRelease(r.data)
    } catch (e) {
      throw apiError(`could not update the release ${spec.tag}`, e, 'contents: write')
    }
  }
  return {
    async createRelease(spec) {
      const created = await createOnce({
        create: async () =>
          toRelease(
            (
              await octokit.rest.repos.createRelease({
                owner,
                repo,
                tag_name: spec.tag,
                name: spec.name,
                body: spec.body,
                prerelease: spec.prerelease,
                ...(spec.target ? { target_commitish: spec.target } : {})
              })
            ).data
          ),
        find: () => reader.releaseByTag(spec.tag)
      }).catch((e: unknown) => {
        throw apiError(`could not create the release ${spec.tag}`, e, 'contents: write')
      })
      // Adopted from an earlier try: its notes may be an older text.
      return created.adopted && created.value.body !== spec.body
        ? updateRelease(created.value, spec)
        : created.value
    },
    updateRelease,
    async upload(release, name, data) {
      const created = await createOnce({
        create: async () => {
          const r = await octokit.request({
            method: 'POST',
            url: release.uploadUrl,
            name,
            data,
            headers: { 'content-type': 'application/octet-stream' }
          })
          return toAsset(r.data as AssetJson)
        },
        find: async () => (await reader.listAssets(release)).find((a) => a.name === name)
      }).catch((e: unknown) => {
        throw apiError(`could not upload ${name} to release ${release.tag}`, e, 'contents: write')
      })
      return created.value
    }
  }
}

/** Tags through the git data API (contents: write), each created once. */
export function octokitTagger({ octokit, owner, repo }: Repo): TagReader & TagWriter {
  const tagSha = async (tag: string): Promise<string | undefined> => {
    try {
      const r = await octokit.rest.git.getRef({ owner, repo, ref: `tags/${tag}` })
      return r.data.object.sha
    } catch (e) {
      if (statusOf(e) === 404) return undefined
      throw apiError(`could not read the tag ${tag}`, e, 'contents: read')
    }
  }
  return {
    tagSha,
    async branchHead(branch) {
      try {
        const name = branch ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch
        const r = await octokit.rest.repos.getBranch({ owner, repo, branch: name })
        return { branch: name, sha: r.data.commit.sha }
      } catch (e) {
        throw apiError(`could not read the branch ${branch ?? '(default)'}`, e, 'contents: read')
      }
    },
    async createTag(tag, sha) {
      await createOnce({
        create: async () => {
          await octokit.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha })
          return sha
        },
        // Adopted only when it names the same commit: a tag elsewhere is someone else's.
        find: async () => ((await tagSha(tag)) === sha ? sha : undefined)
      }).catch((e: unknown) => {
        throw apiError(`could not create the tag ${tag}`, e, 'contents: write')
      })
    }
  }
}
