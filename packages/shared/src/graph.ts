import path from 'node:path'
import { UserError } from './errors.js'
import { dependencyEntries, uvSourcePaths } from './pyproject.js'
import type { Repo } from './repo.js'

/** Sibling dependencies between subpackages, keyed by folder name. */
export interface SiblingGraph {
  /** package -> siblings it depends on. */
  deps: Map<string, Set<string>>
  /** package -> siblings that depend on it. */
  dependents: Map<string, Set<string>>
}

/**
 * A package depends on a sibling when a dependency array names the sibling's distribution
 * (PEP 503-normalised) or `[tool.uv.sources]` points at the sibling's folder.
 */
export function buildGraph(repo: Repo): SiblingGraph {
  const byKey = new Map<string, string>()
  for (const p of repo.packages) if (p.pyproject?.key) byKey.set(p.pyproject.key, p.dir)
  const deps = new Map<string, Set<string>>()
  const dependents = new Map<string, Set<string>>()
  for (const p of repo.packages) {
    deps.set(p.dir, new Set())
    dependents.set(p.dir, new Set())
  }
  for (const p of repo.packages) {
    const py = p.pyproject
    if (!py) continue
    const mine = deps.get(p.dir)!
    for (const d of dependencyEntries(py)) {
      const sib = d.requirement && byKey.get(d.requirement.key)
      if (sib && sib !== p.dir) mine.add(sib)
    }
    for (const s of uvSourcePaths(py)) {
      const rel = path.posix.normalize(path.posix.join(p.dir, s.path.replace(/\\/g, '/')))
      if (rel !== p.dir && repo.byDir.has(rel)) mine.add(rel)
    }
    for (const sib of mine) dependents.get(sib)!.add(p.dir)
  }
  return { deps, dependents }
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
