import path from 'node:path'
import {
  buildGraph,
  dependencyEntries,
  PyProject,
  Repo,
  SiblingGraph,
  Subpackage,
  UserError,
  uvSourcePaths
} from '@contribs-actions/shared'
import type { RepoIndex } from './repo-index.js'

/** Why a package is in the matrix. */
export type Why =
  | { kind: 'changed'; files: string[] }
  /** Depends on `via`, which is `root` (changed) or leads to it. */
  | { kind: 'dependent'; via: string; root: string }
  /** Depended on the deleted package `root` (directly or through `via`). */
  | { kind: 'deleted-dependent'; via: string; root: string }
  /** Its pyproject.toml does not parse, so whether it depends on a changed package is unknown. */
  | { kind: 'unreadable'; error: UserError }
  | { kind: 'all'; because: string }

/** A package folder present at the base and gone at head, with its distribution name then. */
export interface DeletedPackage {
  dir: string
  /** PEP 503-normalised `[project] name` at the base, when it had one. */
  key?: string
  name?: string
}

/** The tables that declare sibling dependencies (see the overview: sibling dependencies). */
export const DEPENDENCY_TABLES = [['project'], ['dependency-groups'], ['tool', 'uv', 'sources']]

interface Graph {
  graph: SiblingGraph
  parsed: Map<string, PyProject>
  unreadable: Map<string, UserError>
}

function graphOf(index: RepoIndex): Graph {
  const parsed = new Map<string, PyProject>()
  const unreadable = new Map<string, UserError>()
  const packages: Subpackage[] = index.dirs.map((dir) => {
    let pyproject: PyProject | undefined
    try {
      pyproject = index.pyproject(dir, DEPENDENCY_TABLES)
      if (pyproject) parsed.set(dir, pyproject)
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      unreadable.set(dir, e)
    }
    // `entries` (the folder listing) is read by structure checks only, never by buildGraph.
    return { dir, hasPyproject: index.text(dir) !== undefined, pyproject, entries: [] }
  })
  const repo: Repo = {
    root: index.root,
    rootPyproject: index.rootPyproject,
    settings: index.settings,
    settingsFindings: index.settingsFindings,
    grandfather: index.grandfather,
    packages,
    byDir: new Map(packages.map((p) => [p.dir, p]))
  }
  return { graph: buildGraph(repo), parsed, unreadable }
}

/** Head packages that name a deleted package's distribution or point `[tool.uv.sources]` at it. */
function directDependentsOfDeleted(g: Graph, gone: DeletedPackage): string[] {
  const out: string[] = []
  for (const [dir, py] of g.parsed) {
    const byName =
      gone.key !== undefined && dependencyEntries(py).some((d) => d.requirement?.key === gone.key)
    const byPath = uvSourcePaths(py).some(
      (s) => path.posix.normalize(path.posix.join(dir, s.path.replace(/\\/g, '/'))) === gone.dir
    )
    if (byName || byPath) out.push(dir)
  }
  return out
}

/**
 * The changed packages plus every package depending on one of them, transitively, plus the
 * dependents of deleted packages; each with why it runs. Packages whose pyproject.toml does not
 * parse are included as well: nobody can tell whether they depend on the change.
 */
export function affected(
  index: RepoIndex,
  changed: Map<string, string[]>,
  deleted: DeletedPackage[]
): Map<string, Why> {
  const out = new Map<string, Why>()
  for (const dir of [...changed.keys()].sort())
    out.set(dir, { kind: 'changed', files: changed.get(dir)! })
  if (out.size === index.dirs.length || (out.size === 0 && deleted.length === 0)) return out

  const g = graphOf(index)
  const walk = (
    starts: { dir: string; via: string; root: string }[],
    kind: 'dependent' | 'deleted-dependent'
  ) => {
    const queue = [...starts]
    for (let i = 0; i < queue.length; i++) {
      const { dir, via, root } = queue[i]
      if (out.has(dir)) continue
      out.set(dir, { kind, via, root })
      for (const d of [...(g.graph.dependents.get(dir) ?? [])].sort())
        if (!out.has(d)) queue.push({ dir: d, via: dir, root })
    }
  }
  // Breadth first from every changed package, so each dependent names its nearest changed cause.
  const firstRing: { dir: string; via: string; root: string }[] = []
  for (const dir of out.keys())
    for (const d of [...(g.graph.dependents.get(dir) ?? [])].sort())
      firstRing.push({ dir: d, via: dir, root: dir })
  walk(firstRing, 'dependent')
  for (const gone of deleted)
    walk(
      directDependentsOfDeleted(g, gone).map((dir) => ({ dir, via: gone.dir, root: gone.dir })),
      'deleted-dependent'
    )
  for (const [dir, error] of g.unreadable)
    if (!out.has(dir)) out.set(dir, { kind: 'unreadable', error })
  return out
}
