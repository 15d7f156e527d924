import { canonicalVersion, UserError } from '@contribs-actions/shared'

export interface ReleaseVersion {
  /** PEP 440, normalized (`1.2.0rc1`): what the packages and file names carry. */
  version: string
  /** The root tag of the release: `v<version>` as given. */
  tag: string
}

/**
 * The version of the release, from the `version` input or the pushed tag `vX.Y.Z` (a ref
 * `refs/tags/vX.Y.Z` is accepted). Pre-releases are versions like any other (`v0.7.0rc1`).
 * When both are given they must agree.
 */
export function releaseVersion(input: { version?: string; ref?: string }): ReleaseVersion {
  const fromRef = input.ref ? tagVersion(input.ref) : undefined
  if (input.version !== undefined) {
    const version = canonicalVersion(input.version.replace(/^v/, ''))
    if (!version)
      throw new UserError(
        `input \`version\` is not a PEP 440 version: ${JSON.stringify(input.version)}`
      )
    if (fromRef && fromRef.version !== version)
      throw new UserError(
        `input \`version\` ${version} does not match the tag ${fromRef.tag}: release the tag's version, or run without \`version\``
      )
    return fromRef ?? { version, tag: `v${version}` }
  }
  if (!fromRef)
    throw new UserError(
      `no version: give the \`version\` input, or run on a tag push (vX.Y.Z)${input.ref ? ` (the run's ref is ${input.ref})` : ''}`
    )
  return fromRef
}

function tagVersion(ref: string): ReleaseVersion | undefined {
  const m = /^(?:refs\/tags\/)?(v(.+))$/.exec(ref)
  if (!m || ref.startsWith('refs/heads/')) return undefined
  const version = canonicalVersion(m[2])
  if (!version) throw new UserError(`the tag ${m[1]} does not name a PEP 440 version`)
  return { version, tag: m[1] }
}
