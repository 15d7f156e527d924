import { normalizeName } from '@contribs-actions/shared'

/**
 * The file names a build backend gives a pure-Python distribution (the binary distribution
 * format and PEP 625): the name normalized with `_` for every run of `-_.`, the normalized
 * version, and for a wheel the `py3-none-any` tag.
 */
function distributionStem(name: string): string {
  return normalizeName(name).replace(/-/g, '_')
}

export function wheelName(name: string, version: string): string {
  return `${distributionStem(name)}-${version}-py3-none-any.whl`
}

export function sdistName(name: string, version: string): string {
  return `${distributionStem(name)}-${version}.tar.gz`
}

/**
 * The meta-package wheel under a name without a version, which
 * `releases/latest/download/<name>` resolves to the newest release's copy.
 */
export function versionFreeWheelName(name: string): string {
  return `${distributionStem(name)}-py3-none-any.whl`
}

/** Where an asset of a release is downloaded from. */
export function assetUrl(
  repo: { serverUrl: string; owner: string; repo: string },
  tag: string,
  file: string
): string {
  const base = repo.serverUrl.replace(/\/+$/, '')
  return `${base}/${repo.owner}/${repo.repo}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(file)}`
}
