import path from 'node:path'
import { UserError } from './errors.js'
import { normalizeName } from './pep503.js'
import {
  DependencyEntry,
  dependencyEntries,
  dependencyTarget,
  PyProject,
  uvSourcePaths
} from './pyproject.js'
import type { Repo } from './repo.js'

/**
 * What depending on the repository's root distribution (a meta-package whose extras name the
 * subpackages) installs, as PEP 503 keys. pip's semantics: `root` installs the root's
 * `[project].dependencies` only; `root[a,b]` adds the extras `a` and `b`, and an extra naming
 * the root itself (`all = ["root[a,b]"]`) brings in those extras too.
 */
export interface RootDistribution {
  key: string
  /** `[project].dependencies` (and a metadata hook's inline `dependencies`). */
  base: Set<string>
  /** Extra (PEP 685-normalised) -> the requirements it lists. */
  extras: Map<string, { key: string; extras: string[] }[]>
}

export function rootDistribution(root: PyProject | undefined): RootDistribution | undefined {
  if (!root?.key) return undefined
  const dist: RootDistribution = { key: root.key, base: new Set(), extras: new Map() }
  for (const entry of dependencyEntries(root)) {
    const target = dependencyTarget(entry)
    if (!target) continue
    if (entry.role === 'dependencies') dist.base.add(target.key)
    else if (entry.role === 'extra') {
      const extra = normalizeName(entry.key)
      const list = dist.extras.get(extra) ?? []
      list.push({ key: target.key, extras: target.extras })
      dist.extras.set(extra, list)
    }
  }
  return dist
}

/** The distributions `root[extras]` installs (see RootDistribution). */
export function rootInstalls(root: RootDistribution, extras: readonly string[]): Set<string> {
  const out = new Set(root.base)
  const seen = new Set<string>()
  const stack = extras.map(normalizeName)
  while (stack.length) {
    const extra = stack.pop()!
    if (seen.has(extra)) continue
    seen.add(extra)
    for (const r of root.extras.get(extra) ?? []) {
      if (r.key === root.key) stack.push(...r.extras.map(normalizeName))
      else out.add(r.key)
    }
  }
  return out
}

/** A sibling: its folder, and its PEP 503 distribution name when it has one. */
export interface SiblingTarget {
  dir: string
  key?: string
}

/** What a package's dependencies name (see siblingReferences). */
export interface SiblingReferences {
  /** The package's own folder. */
  dir: string
  /**
   * PEP 503 distribution names -> undefined when named directly, else the requirement on the root
   * distribution that installs it (`mellea-contribs[dspy]`).
   */
  keys: Map<string, string | undefined>
  /** Repository-relative folders `[tool.uv.sources]` points at (a trailing slash dropped). */
  dirs: Set<string>
}

/**
 * Which dependencies count. `all` (the default): every dependency array, development groups
 * included, since a change to a sibling can break any of them (what discover tests). `runtime`:
 * only what installing the package brings, `[project].dependencies` and its extras; PEP 735
 * `[dependency-groups]` are never part of a built package, and a `[tool.uv.sources]` path counts
 * only for a requirement that does. `required`: `[project].dependencies` alone, what installing
 * the package without extras brings.
 */
export type DependencyScope = 'all' | 'runtime' | 'required'

/**
 * The one rule for sibling dependencies: the package `dir` (its pyproject `py`) depends on each
 * distribution a dependency array names, on what a requirement on the root distribution installs
 * (see rootInstalls), and on each folder `[tool.uv.sources]` points at. Which of these are
 * siblings is for the caller (buildGraph, dependsOnPackage).
 */
export function siblingReferences(
  py: PyProject,
  dir: string,
  root?: RootDistribution,
  scope: DependencyScope = 'all'
): SiblingReferences {
  const keys = new Map<string, string | undefined>()
  for (const entry of dependencyEntries(py)) {
    const target = dependencyTarget(entry)
    if (!target || !inScope(scope, entry.role)) continue
    if (root && target.key === root.key) {
      for (const key of rootInstalls(root, target.extras))
        if (!keys.has(key)) keys.set(key, entry.raw.trim())
    } else keys.set(target.key, undefined)
  }
  const sources = uvSourcePaths(py).filter(
    (s) => scope === 'all' || keys.has(normalizeName(s.name))
  )
  const dirs = new Set(sources.map((s) => uvFolder(dir, s.path)))
  return { dir, keys, dirs }
}

const inScope = (scope: DependencyScope, role: DependencyEntry['role']) =>
  scope === 'all' || role === 'dependencies' || (scope === 'runtime' && role === 'extra')

/**
 * Whether a package (its siblingReferences) depends on the target: undefined when not, else
 * `through` names the root requirement when that is the only way it does. Computing the
 * references is the cost; a caller asking about many targets keeps them.
 */
export function dependsOnPackage(
  refs: SiblingReferences,
  target: SiblingTarget
): { through?: string } | undefined {
  if (target.dir === refs.dir) return undefined
  if (refs.dirs.has(target.dir)) return {}
  if (target.key === undefined || !refs.keys.has(target.key)) return undefined
  const through = refs.keys.get(target.key)
  return through === undefined ? {} : { through }
}

/** The repository-relative folder a `[tool.uv.sources]` path of the package `dir` points at. */
export function uvFolder(dir: string, source: string): string {
  return path.posix.normalize(path.posix.join(dir, source.replace(/\\/g, '/'))).replace(/\/+$/, '')
}

/** Sibling dependencies between subpackages, keyed by folder name. */
export interface SiblingGraph {
  /** package -> siblings it depends on. */
  deps: Map<string, Set<string>>
  /** package -> siblings that depend on it. */
  dependents: Map<string, Set<string>>
  /**
   * package -> sibling -> the requirement on the root distribution that installs the sibling
   * (`mellea-contribs[dspy]`), for the dependencies that exist only through the root.
   */
  through: Map<string, Map<string, string>>
  /** Each package's siblingReferences, to ask about a package that is not there any more. */
  references: Map<string, SiblingReferences>
}

/**
 * Every package's sibling dependencies by the rule of siblingReferences: the names and folders
 * it references that are siblings'. A sibling named like the root distribution is not one
 * (validate-structure reports the clash).
 */
export function buildGraph(repo: Repo, scope: DependencyScope = 'all'): SiblingGraph {
  const root = rootDistribution(repo.rootPyproject)
  const byKey = siblingsByKey(repo, root)
  const graph: SiblingGraph = {
    deps: new Map(),
    dependents: new Map(),
    through: new Map(),
    references: new Map()
  }
  for (const p of repo.packages) {
    graph.deps.set(p.dir, new Set())
    graph.dependents.set(p.dir, new Set())
  }
  for (const p of repo.packages) {
    if (!p.pyproject) continue
    const refs = siblingReferences(p.pyproject, p.dir, root, scope)
    graph.references.set(p.dir, refs)
    const through = new Map<string, string>()
    for (const [key, via] of refs.keys) {
      const sib = byKey.get(key)
      if (sib && via !== undefined && !through.has(sib)) through.set(sib, via)
    }
    const mine = graph.deps.get(p.dir)!
    for (const key of refs.keys.keys()) {
      const sib = byKey.get(key)
      if (sib) mine.add(sib)
    }
    for (const rel of refs.dirs) {
      if (!repo.byDir.has(rel)) continue
      mine.add(rel)
      through.delete(rel) // a path dependency is direct, whatever the root also installs
    }
    mine.delete(p.dir)
    for (const sib of mine) graph.dependents.get(sib)!.add(p.dir)
    for (const [sib, via] of through) if (mine.has(sib)) ensure(graph.through, p.dir).set(sib, via)
  }
  return graph
}

/** Subpackage folders by PEP 503 distribution name; one named like the root is not a sibling. */
function siblingsByKey(repo: Repo, root: RootDistribution | undefined): Map<string, string> {
  const byKey = new Map<string, string>()
  for (const p of repo.packages) if (p.pyproject?.key) byKey.set(p.pyproject.key, p.dir)
  if (root) byKey.delete(root.key)
  return byKey
}

/**
 * The subpackages the root distribution (the meta-package) installs, by folder: `base` through
 * its `[project].dependencies`, `extras` through any of its extras (and not already in `base`).
 * Empty when the root has no `[project] name`.
 */
export function rootSiblings(repo: Repo): { base: Set<string>; extras: Set<string> } {
  const root = rootDistribution(repo.rootPyproject)
  const out = { base: new Set<string>(), extras: new Set<string>() }
  if (!root) return out
  const byKey = siblingsByKey(repo, root)
  for (const key of root.base) if (byKey.has(key)) out.base.add(byKey.get(key)!)
  for (const extra of root.extras.keys())
    for (const key of rootInstalls(root, [extra]))
      if (byKey.has(key) && !out.base.has(byKey.get(key)!)) out.extras.add(byKey.get(key)!)
  return out
}

const ensure = <V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> => {
  let inner = map.get(key)
  if (!inner) map.set(key, (inner = new Map()))
  return inner
}

/** The given packages plus every package that depends on one of them, transitively. */
export function withDependents(graph: SiblingGraph, start: Iterable<string>): Set<string> {
  const out = new Set<string>()
  const stack = [...start]
  while (stack.length) {
    const p = stack.pop()!
    if (out.has(p)) continue
    out.add(p)
    for (const d of graph.dependents.get(p) ?? []) if (!out.has(d)) stack.push(d)
  }
  return out
}

/**
 * Tier of every package: 1 with no sibling dependency, else 1 + the highest tier among its
 * dependencies. A cycle is a UserError naming it.
 */
export function tiersOf(graph: SiblingGraph): Map<string, number> {
  const tier = new Map<string, number>()
  const onStack: string[] = []
  const visiting = new Set<string>()
  const visit = (p: string): number => {
    const known = tier.get(p)
    if (known !== undefined) return known
    if (visiting.has(p)) {
      const cycle = [...onStack.slice(onStack.indexOf(p)), p]
      throw new UserError(`sibling dependency cycle: ${cycle.join(' -> ')}`, {
        file: `${p}/pyproject.toml`
      })
    }
    visiting.add(p)
    onStack.push(p)
    let t = 1
    for (const d of [...(graph.deps.get(p) ?? [])].sort()) t = Math.max(t, visit(d) + 1)
    onStack.pop()
    visiting.delete(p)
    tier.set(p, t)
    return t
  }
  for (const p of [...graph.deps.keys()].sort()) visit(p)
  return tier
}
