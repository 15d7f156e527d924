/**
 * The upstream rule, defined once for every action: which dependency strings are on the upstream
 * (`mellea`), which of them break rule 6 (CA106/CA107), and the lowest upstream version a package
 * lets in. validate-structure, bump-versions' pre-flight and archival-sweep's stale-floor signal
 * all read these, so they cannot disagree about the same package.
 */
import { validVersion as valid, versionLt as lt } from './pep440.js'
import { normalizeName } from './pep503.js'
import { leadingName, type Specifier } from './pep508.js'
import {
  dependencyEntries,
  dependencyTarget,
  type DependencyEntry,
  type PyProject
} from './pyproject.js'

/**
 * Every dependency string of `pyproject` on `upstream`, in file order, from every dependency array
 * (`[project].dependencies`, optional dependencies, dependency groups). Names are compared
 * PEP 503-normalised, so `Mellea` is the upstream and `mellea-tools` is not; the word in
 * keywords or a description is not a dependency.
 */
export function upstreamDependencies(pyproject: PyProject, upstream: string): DependencyEntry[] {
  const key = normalizeName(upstream)
  // A string whose leading name is another distribution cannot be on the upstream, parsed or
  // not (dependencyTarget reads that same name): it is left unparsed.
  const mayBeUpstream = (raw: string) => {
    const name = leadingName(raw)
    return name !== undefined && normalizeName(name) === key
  }
  return dependencyEntries(pyproject, mayBeUpstream).filter((d) => dependencyTarget(d)?.key === key)
}

export interface UpstreamProblem {
  /** CA107 for a direct (URL) reference, CA106 for everything else. */
  code: 'CA106' | 'CA107'
  kind: 'invalid' | 'url' | 'unconstrained' | 'no-floor-operator'
  /** `invalid`: why the string does not parse. `no-floor-operator`: the operators it has (`` `~=`, `<` ``). */
  detail?: string
}

/** Wildcards (`==0.6.*`) are PEP 440 only after `==` and `!=`; `===` compares arbitrary strings. */
function clauseVersionOk(specifier: Specifier): boolean {
  if (specifier.op === '===') return true
  const v =
    specifier.op === '==' || specifier.op === '!='
      ? specifier.version.replace(/\.\*$/, '')
      : specifier.version
  return valid(v) !== null
}

/**
 * Rule 6 for one requirement on the upstream: it needs a `>=` or `==` clause; clauses such as
 * `<1` or `!=0.5.1` may sit alongside. A bare name, extras alone, a URL reference, other operators
 * alone (`~=`, `>`, `===`, `<`) and a string that does not parse (including a clause whose version
 * is not PEP 440, which pip refuses) are problems. Undefined when the requirement is fine; such a
 * requirement always has a lower bound (see `lowerBound`).
 */
export function upstreamProblem(dependency: DependencyEntry): UpstreamProblem | undefined {
  const r = dependency.requirement
  if (!r) {
    const prefix = `invalid PEP 508 requirement ${JSON.stringify(dependency.raw)}: `
    const detail = dependency.error?.startsWith(prefix)
      ? dependency.error.slice(prefix.length)
      : dependency.error
    return { code: 'CA106', kind: 'invalid', detail }
  }
  if (r.url !== undefined) return { code: 'CA107', kind: 'url' }
  if (r.specifiers.length === 0) return { code: 'CA106', kind: 'unconstrained' }
  const bad = r.specifiers.find((s) => !clauseVersionOk(s))
  if (bad)
    return {
      code: 'CA106',
      kind: 'invalid',
      detail: `${JSON.stringify(bad.version)} in \`${bad.op}${bad.version}\` is not a PEP 440 version`
    }
  if (!r.specifiers.some((s) => s.op === '>=' || s.op === '=='))
    return {
      code: 'CA106',
      kind: 'no-floor-operator',
      detail: r.specifiers.map((s) => `\`${s.op}\``).join(', ')
    }
  return undefined
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

export interface UpstreamFloor {
  /** The lowest upstream version the package lets in; null when a requirement has no lower bound. */
  floor: string | null
  /** The requirement that sets it (the first one, on a tie). */
  entry: DependencyEntry
}

/**
 * The floor of a package over its requirements on the upstream (from `upstreamDependencies`): the
 * LOWEST of their bounds, since any one of them lets an old upstream in. A requirement with no
 * lower bound (bare, `<2` alone, a URL reference) or one that does not parse makes it null: nothing
 * shows that old versions are kept out. Undefined when there are no such requirements.
 */
export function lowestFloor(entries: readonly DependencyEntry[]): UpstreamFloor | undefined {
  let lowest: { floor: string; entry: DependencyEntry } | undefined
  for (const entry of entries) {
    const floor = entry.requirement && lowerBound(entry.requirement.specifiers)
    // Nothing is lower than unbounded.
    if (floor === undefined) return { floor: null, entry }
    if (!lowest || lt(floor, lowest.floor)) lowest = { floor, entry }
  }
  return lowest
}

/** The floor of `pyproject` on `upstream` (see `lowestFloor`); undefined when it does not depend on it. */
export function upstreamFloor(pyproject: PyProject, upstream: string): UpstreamFloor | undefined {
  return lowestFloor(upstreamDependencies(pyproject, upstream))
}
