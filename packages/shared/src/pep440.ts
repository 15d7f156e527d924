import {
  clean as libraryClean,
  explain as libraryExplain,
  lt as libraryLt,
  valid as libraryValid
} from '@renovatebot/pep440'

// @renovatebot/pep440 builds its regular expressions on first use: ~5 ms, a sixth of what a
// small action adds to Node's own start-up. The versions in a contribs repo are nearly always
// plain releases (`0.6`, `1.2.3`), which need none of that: they are judged here, and everything
// else (pre-releases, epochs, local versions, `v1.2`) goes to the library. pep440.test.ts checks
// both agree.

const PLAIN_RELEASE = /^\d+(?:\.\d+)*$/

/** As the library's valid(): the version when it is PEP 440, else null. */
export function validVersion(version: string): string | null {
  return PLAIN_RELEASE.test(version) ? version : libraryValid(version)
}

/**
 * The normalized form of a PEP 440 version (`1.0.0-RC.1` -> `1.0.0rc1`, `v1.2` -> `1.2`), as
 * wheel and sdist file names carry it; undefined when it is not a version.
 */
export function canonicalVersion(version: string): string | undefined {
  if (PLAIN_RELEASE.test(version))
    return version
      .split('.')
      .map((d) => d.replace(/^0+(?=\d)/, ''))
      .join('.')
  return libraryClean(version) ?? undefined
}

/** Whether a version is a pre-release (`a`, `b`, `rc` or `.dev`); a plain release never is. */
export function isPreRelease(version: string): boolean {
  if (PLAIN_RELEASE.test(version)) return false
  return libraryExplain(version)?.is_prerelease ?? false
}

/** As the library's lt(): whether a sorts before b. */
export function versionLt(a: string, b: string): boolean {
  if (PLAIN_RELEASE.test(a) && PLAIN_RELEASE.test(b)) return compareReleases(a, b) < 0
  return libraryLt(a, b)
}

/** Release segments compared as numbers of any length; missing segments count as 0. */
function compareReleases(a: string, b: string): number {
  const x = a.split('.')
  const y = b.split('.')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = compareDigits(x[i] ?? '0', y[i] ?? '0')
    if (d !== 0) return d
  }
  return 0
}

function compareDigits(a: string, b: string): number {
  const p = a.replace(/^0+(?=\d)/, '')
  const q = b.replace(/^0+(?=\d)/, '')
  if (p.length !== q.length) return p.length - q.length
  return p < q ? -1 : p > q ? 1 : 0
}

/**
 * Whether a release `newer` replaces work done for `older`: both PEP 440 and `older` sorts before
 * `newer`. So a pre-release never replaces a final release of the same or a later version
 * (`0.8.0rc1` sorts before `0.8.0`), and a release that arrives late replaces nothing newer.
 */
export function supersedes(newer: string, older: string): boolean {
  return validVersion(newer) !== null && validVersion(older) !== null && versionLt(older, newer)
}
