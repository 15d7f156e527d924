/**
 * The stale-floor signal: a subpackage whose upstream requirement still allows versions below the
 * repository's `minimum_upstream_version`. Pure over the loaded repository.
 */
import {
  dependencyEntries,
  dependencyLine,
  normalizeName,
  Repo,
  Specifier,
  UserError
} from '@contribs-actions/shared'
import { lt, valid } from '@renovatebot/pep440'

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
 * The lower bound a set of specifier clauses puts on a version: `>=X`, `~=X`, `==X` (`==X.*`),
 * `===X` and `>X` each bound it at X; with several clauses the highest bound wins. Undefined when
 * nothing bounds it below (`mellea`, `mellea<2`), or when a bound is not a PEP 440 version.
 */
export function lowerBound(specifiers: readonly Specifier[]): string | undefined {
  let best: string | undefined
  for (const s of specifiers) {
    if (!['>=', '~=', '==', '===', '>'].includes(s.op)) continue
    const v = valid(s.version.replace(/\.\*$/, ''))
    if (!v) continue
    if (best === undefined || lt(best, v)) best = v
  }
  return best
}

/**
 * The upstream floor of every subpackage that depends on `upstream`. A package naming the
 * upstream in several dependency arrays gets the lowest of their bounds (any of them lets an old
 * upstream in); a requirement with no lower bound is below any minimum.
 */
export function upstreamFloors(repo: Repo, minimum: string): Map<string, FloorStatus> {
  const upstream = normalizeName(repo.settings.upstream)
  const out = new Map<string, FloorStatus>()
  for (const pkg of repo.packages) {
    const py = pkg.pyproject
    if (!py) continue
    for (const entry of dependencyEntries(py)) {
      if (entry.requirement?.key !== upstream) continue
      const floor = lowerBound(entry.requirement.specifiers) ?? null
      const prev = out.get(pkg.dir)
      const lower =
        prev === undefined || floor === null || (prev.floor !== null && lt(floor, prev.floor))
      if (!lower) continue
      out.set(pkg.dir, {
        package: pkg.dir,
        floor,
        requirement: entry.raw,
        file: py.file,
        line: dependencyLine(py, entry),
        below: floor === null || lt(floor, minimum)
      })
    }
  }
  return out
}

/**
 * The minimum from the input or the settings table, checked to be a PEP 440 version. Undefined
 * when neither sets one: the stale-floor signal is then off.
 */
export function readMinimum(repo: Repo, fromInput: string | undefined): string | undefined {
  const raw = fromInput ?? repo.settings.minimum_upstream_version
  if (raw === undefined || raw.trim() === '') return undefined
  const v = valid(raw.trim())
  if (v) return v
  const table = repo.settings.table
  if (fromInput !== undefined)
    throw new UserError(
      `input \`minimum-upstream-version\` is not a PEP 440 version (got ${JSON.stringify(raw)}; e.g. "0.6.0")`
    )
  throw new UserError(
    `[tool.${table}] minimum_upstream_version is not a PEP 440 version (got ${JSON.stringify(raw)}; e.g. "0.6.0")`,
    {
      file: repo.rootPyproject?.file,
      line: repo.rootPyproject?.lines.find(['tool', table], 'minimum_upstream_version')
    }
  )
}
