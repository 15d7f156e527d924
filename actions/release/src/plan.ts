import {
  byCodePoint,
  sortByCodePoint,
  canonicalVersion,
  tiersOf,
  UserError,
  withDependents,
  type PackageSignal,
  type SiblingGraph
} from '@contribs-actions/shared'
import { assetUrl, sdistName, versionFreeWheelName, wheelName } from './files.js'
import type { ReleaseVersion } from './version.js'

/** A distribution of the repository as the plan sees it: a subpackage, or the meta-package. */
export interface ReleasePackage {
  /** The folder (`.` for the meta-package at the root). */
  dir: string
  name?: string
  version?: string
  /** Why the name or version cannot be read (a pyproject that does not parse, a dynamic version). */
  problem?: string
  file: string
}

/** An open tracking issue of a package, and how far along the archival timeline it is. */
export interface TrackedPackage {
  package: string
  issue: number
  url: string
  /** The issue carries the archive label. */
  archived: boolean
  /** The release-notes notice milestone is due or posted for the current label episode. */
  pastNotice: boolean
}

export interface RepositoryRef {
  serverUrl: string
  owner: string
  repo: string
}

export interface PlanInput {
  release: ReleaseVersion
  repository: RepositoryRef
  packages: ReleasePackage[]
  graph: SiblingGraph
  /** The root distribution whose extras name the subpackages; absent when there is none. */
  meta?: ReleasePackage
  /** This release's own build and test jobs, one signal per package; absent before they ran. */
  jobSignals?: PackageSignal[]
  tracked: TrackedPackage[]
}

/** A distribution that ships in the release, with the files it contributes. */
export interface Included {
  dir: string
  name: string
  wheel: string
  sdist: string
  /** Where the wheel is downloaded from once published (siblings' direct references point here). */
  wheelUrl: string
  /** 1 for no sibling dependency, else one more than its highest dependency. */
  tier: number
}

export type StragglerKind = 'version' | 'unreadable' | 'failed' | 'not-built' | 'dependency'

export interface Straggler {
  dir: string
  kind: StragglerKind
  /** Why, in a few words: "at 0.5.0", "build failed (build (dspy))", "needs crewai". */
  why: string
  issue?: { number: number; url: string }
}

export interface AtRisk {
  dir: string
  stage: 'notice' | 'archived'
  issue: { number: number; url: string }
}

export interface ReleasePlan extends ReleaseVersion {
  /** In build order: by tier, then by folder. */
  included: Included[]
  /** The included packages' folders, one list per tier: a tier builds once the ones before did. */
  tiers: string[][]
  stragglers: Straggler[]
  atRisk: AtRisk[]
  meta?: Included & { versionFreeWheel: string }
  /** Every asset the release holds when published, sorted. */
  assets: string[]
}

/**
 * What the release `vX.Y.Z` ships. A package is included when its `[project].version` is the
 * release version, its build and test jobs passed (when their results are given), and every
 * sibling it depends on is included; the others are stragglers, named with why and their
 * tracking issue. Packages whose tracking issue is at or past the archival notice are at risk.
 */
export function planRelease(input: PlanInput): ReleasePlan {
  const { release, graph } = input
  const direct = new Map<string, Straggler>()
  for (const p of input.packages) {
    const s = ownStraggler(p, release.version, input.jobSignals)
    if (s) direct.set(p.dir, s)
  }
  const stragglers = [...direct.values()]
  // A straggler's dependents cannot ship either: their wheels would point at a missing asset.
  const skipped = withDependents(graph, direct.keys())
  for (const dir of skipped) {
    if (direct.has(dir)) continue
    const on = sortByCodePoint([...(graph.deps.get(dir) ?? [])].filter((d) => skipped.has(d)))
    stragglers.push({ dir, kind: 'dependency', why: `needs ${on.join(', ')}, not in this release` })
  }
  const tracked = new Map(input.tracked.map((t) => [t.package, t]))
  for (const s of stragglers) {
    const t = tracked.get(s.dir)
    if (t) s.issue = { number: t.issue, url: t.url }
  }
  stragglers.sort((a, b) => byCodePoint(a.dir, b.dir))

  const tierOf = tiersOf(graph)
  const included = input.packages
    .filter((p) => !skipped.has(p.dir))
    .map((p) => includedEntry(p as Required<ReleasePackage>, input, tierOf.get(p.dir) ?? 1))
    .sort((a, b) => a.tier - b.tier || byCodePoint(a.dir, b.dir))
  const tiers: string[][] = []
  for (const p of included) (tiers[p.tier - 1] ??= []).push(p.dir)

  const meta = input.meta ? metaEntry(input.meta, input) : undefined
  const assets = [...included, ...(meta ? [meta] : [])].flatMap((p) => [p.wheel, p.sdist])
  if (meta) assets.push(meta.versionFreeWheel)
  return {
    ...release,
    included,
    tiers: tiers.filter((t) => t !== undefined),
    stragglers,
    atRisk: atRiskOf(input.tracked, new Set(input.packages.map((p) => p.dir))),
    meta,
    assets: sortByCodePoint(assets)
  }
}

/** Why a package cannot ship on its own account (not because of a sibling), if it cannot. */
function ownStraggler(
  pkg: ReleasePackage,
  version: string,
  signals: PackageSignal[] | undefined
): Straggler | undefined {
  if (pkg.problem || !pkg.name || pkg.version === undefined)
    return {
      dir: pkg.dir,
      kind: 'unreadable',
      why: pkg.problem ?? `${pkg.file} has no [project] name and version`
    }
  if (canonicalVersion(pkg.version) !== version)
    return { dir: pkg.dir, kind: 'version', why: `at ${pkg.version}, not ${version}` }
  if (!signals) return undefined
  const signal = signals.find((s) => s.package === pkg.dir)
  if (signal?.signal === 'green') return undefined
  if (signal?.signal === 'red') {
    const legs = signal.legs.filter((l) => l.conclusion !== 'success').map((l) => l.name)
    return {
      dir: pkg.dir,
      kind: 'failed',
      why: `failed in this release's jobs (${legs.join(', ')})`
    }
  }
  return {
    dir: pkg.dir,
    kind: 'not-built',
    why: signal
      ? `its jobs in this release did not finish (${signal.legs.map((l) => `${l.name}: ${l.conclusion ?? 'unfinished'}`).join(', ')})`
      : 'no build or test job of this release ran for it'
  }
}

function includedEntry(
  pkg: Required<Pick<ReleasePackage, 'dir' | 'name'>>,
  input: PlanInput,
  tier: number
): Included {
  const { version, tag } = input.release
  const wheel = wheelName(pkg.name, version)
  return {
    dir: pkg.dir,
    name: pkg.name,
    wheel,
    sdist: sdistName(pkg.name, version),
    wheelUrl: assetUrl(input.repository, tag, wheel),
    tier
  }
}

/**
 * The meta-package ships in every release (its version-free wheel is what
 * `releases/latest/download/` installs), so a meta-package at another version stops the release.
 */
function metaEntry(
  meta: ReleasePackage,
  input: PlanInput
): Included & { versionFreeWheel: string } {
  const { version } = input.release
  if (meta.problem || !meta.name)
    throw new UserError(meta.problem ?? 'the meta-package has no [project] name', {
      file: meta.file
    })
  if (meta.version === undefined || canonicalVersion(meta.version) !== version)
    throw new UserError(
      `the meta-package ${meta.name} is at ${meta.version ?? 'no version'}, not ${version}: bump it before releasing (it ships in every release)`,
      { file: meta.file }
    )
  return {
    ...includedEntry({ dir: meta.dir, name: meta.name }, input, 0),
    versionFreeWheel: versionFreeWheelName(meta.name)
  }
}

function atRiskOf(tracked: TrackedPackage[], packages: Set<string>): AtRisk[] {
  return tracked
    .filter((t) => packages.has(t.package) && (t.archived || t.pastNotice))
    .map((tracked): AtRisk => ({
      dir: tracked.package,
      stage: tracked.archived ? 'archived' : 'notice',
      issue: { number: tracked.issue, url: tracked.url }
    }))
    .sort((a, b) => byCodePoint(a.dir, b.dir))
}
