/**
 * The stale-floor signal: a subpackage whose upstream requirement still allows versions below the
 * repository's `minimum_upstream_version`. Pure over the loaded repository.
 */
import { dependencyLine, Repo, upstreamFloor } from '@contribs-actions/shared'
import { lt } from '@renovatebot/pep440'

export interface FloorStatus {
  package: string
  /** The lowest version the package's upstream requirements allow; null when unbounded below. */
  floor: string | null
  /** The requirement that sets the floor, and where it is. */
  requirement: string
  file: string
  line?: number
  below: boolean
}

/**
 * The upstream floor of every subpackage that depends on `upstream`, by the shared definition
 * (`upstreamFloor`): the lowest bound over every array naming the upstream; a requirement with no
 * lower bound (or one that does not parse) is below any minimum.
 */
export function upstreamFloors(repo: Repo, minimum: string): Map<string, FloorStatus> {
  const out = new Map<string, FloorStatus>()
  for (const pkg of repo.packages) {
    const py = pkg.pyproject
    if (!py) continue
    const f = upstreamFloor(py, repo.settings.upstream)
    if (!f) continue
    out.set(pkg.dir, {
      package: pkg.dir,
      floor: f.floor,
      requirement: f.entry.raw,
      file: py.file,
      line: dependencyLine(py, f.entry),
      below: f.floor === null || lt(f.floor, minimum)
    })
  }
  return out
}

/**
 * The minimum from the input, else the settings table; both are checked to be PEP 440 where they
 * are read. Undefined when neither sets one: the stale-floor signal is then off.
 */
export function readMinimum(repo: Repo, fromInput: string | undefined): string | undefined {
  return fromInput ?? repo.settings.minimum_upstream_version
}
