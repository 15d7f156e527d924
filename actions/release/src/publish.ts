import { createHash } from 'node:crypto'
import { UserError } from '@contribs-actions/shared'

/** A GitHub Release as publish needs it. */
export interface RemoteRelease {
  id: number
  tag: string
  name: string | null
  body: string | null
  draft: boolean
  prerelease: boolean
  uploadUrl: string
  url: string
}

export interface RemoteAsset {
  id: number
  name: string
  size: number
  /** `sha256:<hex>`; null on assets uploaded before GitHub recorded digests. */
  digest: string | null
}

/** What publish reads: the release of a tag and its assets. A dry run uses only these. */
export interface ReleaseReader {
  releaseByTag(tag: string): Promise<RemoteRelease | undefined>
  listAssets(release: RemoteRelease): Promise<RemoteAsset[]>
  /** The bytes of an asset without a digest, to compare with the built file. */
  download(asset: RemoteAsset): Promise<Buffer>
}

/** The writes, each exactly once (see github.ts). */
export interface ReleaseWriter {
  createRelease(spec: ReleaseSpec): Promise<RemoteRelease>
  updateRelease(release: RemoteRelease, spec: ReleaseSpec): Promise<RemoteRelease>
  upload(release: RemoteRelease, name: string, data: Buffer): Promise<RemoteAsset>
}

export interface ReleaseSpec {
  tag: string
  name: string
  body: string
  prerelease: boolean
  /** The commit the tag is created at when it does not exist yet. */
  target?: string
}

/** A file the release must hold: its asset name and the built bytes. */
export interface LocalAsset {
  name: string
  data: Buffer
}

export type AssetStep = 'upload' | 'keep'

export interface PublishOutcome {
  release: 'create' | 'update' | 'keep'
  assets: { name: string; step: AssetStep }[]
  /** Assets on the release that this plan does not name: left alone. */
  foreign: string[]
  url?: string
  written: boolean
}

export const sha256 = (data: Buffer): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`

/**
 * Whether an existing asset holds exactly the built file: same size and digest (or, for an asset
 * without a digest, the same bytes). A different file under the same name is never replaced: a
 * published asset may already be installed by its URL, so it must not change under people.
 */
async function sameAsset(
  reader: ReleaseReader,
  remote: RemoteAsset,
  local: LocalAsset
): Promise<boolean> {
  if (remote.size !== local.data.length) return false
  if (remote.digest) return remote.digest === sha256(local.data)
  return (await reader.download(remote)).equals(local.data)
}

function conflictLine(tag: string, remote: RemoteAsset, local: LocalAsset): string {
  return `release ${tag} already has an asset ${remote.name} that differs from the built file (${remote.size} bytes${remote.digest ? `, ${remote.digest}` : ''}; built: ${local.data.length} bytes, ${sha256(local.data)}): nothing was uploaded; delete that asset to replace it, or release a new version`
}

/**
 * Makes the release of `spec.tag` hold `spec` and exactly the built files: created when missing,
 * its notes updated when they differ, each missing asset uploaded, identical ones kept. Every
 * conflicting asset is found before the first write, so a conflict writes nothing. Without a
 * writer (dry run) it says what it would do.
 */
export async function publishRelease(
  spec: ReleaseSpec,
  files: LocalAsset[],
  reader: ReleaseReader,
  writer: ReleaseWriter | undefined
): Promise<PublishOutcome> {
  let release = await reader.releaseByTag(spec.tag)
  const existing = release ? await reader.listAssets(release) : []
  const byName = new Map(existing.map((a) => [a.name, a]))
  const assets: PublishOutcome['assets'] = []
  const conflicts: string[] = []
  for (const file of files) {
    const remote = byName.get(file.name)
    if (!remote) assets.push({ name: file.name, step: 'upload' })
    else if (await sameAsset(reader, remote, file)) assets.push({ name: file.name, step: 'keep' })
    else conflicts.push(conflictLine(spec.tag, remote, file))
  }
  if (conflicts.length) throw new UserError(conflicts.join('; '))
  const wanted = new Set(files.map((f) => f.name))
  const foreign = existing.filter((a) => !wanted.has(a.name)).map((a) => a.name)
  const step: PublishOutcome['release'] = !release
    ? 'create'
    : release.body !== spec.body ||
        release.name !== spec.name ||
        release.prerelease !== spec.prerelease ||
        release.draft
      ? 'update'
      : 'keep'
  const outcome: PublishOutcome = {
    release: step,
    assets,
    foreign,
    url: release?.url,
    written: false
  }
  if (!writer) return outcome
  if (step === 'create') release = await writer.createRelease(spec)
  else if (step === 'update') release = await writer.updateRelease(release!, spec)
  outcome.url = release!.url
  outcome.written = step !== 'keep'
  for (const a of assets) {
    if (a.step !== 'upload') continue
    const file = files.find((f) => f.name === a.name)!
    const uploaded = await writer.upload(release!, file.name, file.data)
    // An upload adopted after a lost answer is only ours if it holds the same bytes.
    if (!(await sameAsset(reader, uploaded, file)))
      throw new UserError(conflictLine(spec.tag, uploaded, file))
    outcome.written = true
  }
  return outcome
}
