import path from 'node:path'
import {
  buildGraph,
  dependencyEntries,
  normalizeName,
  PyProject,
  Repo,
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
  /** Its pyproject.toml does not parse and it names a package in the set: it may depend on it. */
  | { kind: 'unreadable'; error: UserError; mentions: string }
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

/**
 * Up to this many packages in the set, dependents are looked up by reading only the packages
 * whose text names one of them; above it, the whole sibling graph is built once. Both give the
 * same answer; the first skips parsing thousands of files for a PR touching a few packages.
 */
const FILTERED_LIMIT = 32

interface Target {
  dir: string
  key?: string
}

/** Finds the direct dependents of a package (present or deleted) among the packages at head. */
interface Finder {
  dependentsOf(target: Target): string[]
  keyOf(dir: string): string | undefined
}

/** `[project] name` read by eye when the file does not parse, so its dependents are still found. */
function keyFromText(text: string | undefined): string | undefined {
  const name = text && /^\s*name\s*=\s*["']([^"'\n]+)["']/m.exec(text)?.[1]
  return name ? normalizeName(name) : undefined
}

function parseDeps(index: RepoIndex, dir: string, unreadable: Map<string, UserError>) {
  try {
    return index.pyproject(dir, DEPENDENCY_TABLES)
  } catch (e) {
    if (!(e instanceof UserError)) throw e
    unreadable.set(dir, e)
    return undefined
  }
}

/** Whether `py` (the pyproject of `dir`) names the target's distribution or points uv at it. */
function dependsOn(dir: string, py: PyProject, target: Target): boolean {
  if (
    target.key !== undefined &&
    dependencyEntries(py).some((d) => d.requirement?.key === target.key)
  )
    return true
  return uvSourcePaths(py).some(
    (s) => path.posix.normalize(path.posix.join(dir, s.path.replace(/\\/g, '/'))) === target.dir
  )
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A test that is true for every text that can declare a dependency on the target: the
 * distribution name in any PEP 503 spelling (case, `-_.` runs), or the folder name (uv path).
 * Texts with `\u` escapes could spell either in disguise, so they always pass.
 */
function mentions(target: Target): (text: string) => boolean {
  const parts = [escapeRe(target.dir)]
  if (target.key) parts.push(target.key.split('-').map(escapeRe).join('[-_.]+'))
  const re = new RegExp(parts.join('|'), 'i')
  return (text) => re.test(text) || text.includes('\\u') || text.includes('\\U')
}

/** Reads only the packages whose text names the target. */
function filteredFinder(index: RepoIndex, unreadable: Map<string, UserError>): Finder {
  return {
    keyOf: (dir) => parseDeps(index, dir, unreadable)?.key ?? keyFromText(index.text(dir)),
    dependentsOf(target) {
      const test = mentions(target)
      const out: string[] = []
      for (const dir of index.dirs) {
        const text = index.text(dir)
        if (dir === target.dir || text === undefined || !test(text)) continue
        const py = parseDeps(index, dir, unreadable)
        if (py && dependsOn(dir, py, target)) out.push(dir)
      }
      return out
    }
  }
}

/** Parses every package once and builds the sibling graph (shared buildGraph). */
function graphFinder(index: RepoIndex, unreadable: Map<string, UserError>): Finder {
  const parsed = new Map<string, PyProject>()
  const packages: Subpackage[] = index.dirs.map((dir) => {
    const pyproject = parseDeps(index, dir, unreadable)
    if (pyproject) parsed.set(dir, pyproject)
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
  const graph = buildGraph(repo)
  return {
    keyOf: (dir) => parsed.get(dir)?.key ?? keyFromText(index.text(dir)),
    dependentsOf(target) {
      if (index.has(target.dir)) return [...(graph.dependents.get(target.dir) ?? [])]
      // A deleted package is no node of the graph: look for packages still naming it.
      return [...parsed].filter(([dir, py]) => dependsOn(dir, py, target)).map(([dir]) => dir)
    }
  }
}

/**
 * The changed packages plus every package depending on one of them, transitively, plus the
 * dependents of deleted packages; each with why it runs, naming its nearest cause.
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

  const small = out.size + deleted.length <= FILTERED_LIMIT
  let result = walk(index, out, deleted, small)
  // The set outgrew the filtered look-up: one pass over the whole graph is cheaper now.
  if (result === undefined) result = walk(index, out, deleted, false)!
  return result
}

function walk(
  index: RepoIndex,
  changed: Map<string, Why>,
  deleted: DeletedPackage[],
  filtered: boolean
): Map<string, Why> | undefined {
  const out = new Map(changed)
  const unreadable = new Map<string, UserError>()
  const finder = filtered ? filteredFinder(index, unreadable) : graphFinder(index, unreadable)
  type Step = { dir: string; via: string; root: string; kind: 'dependent' | 'deleted-dependent' }
  // Breadth first from every changed and deleted package, so each names its nearest cause.
  const queue: Step[] = []
  const expand = (target: Target, root: string, kind: Step['kind']) => {
    for (const d of finder.dependentsOf(target).sort())
      if (!out.has(d)) queue.push({ dir: d, via: target.dir, root, kind })
  }
  for (const dir of changed.keys()) expand({ dir, key: finder.keyOf(dir) }, dir, 'dependent')
  for (const gone of deleted) expand(gone, gone.dir, 'deleted-dependent')
  for (let i = 0; i < queue.length; i++) {
    const { dir, via, root, kind } = queue[i]
    if (out.has(dir)) continue
    out.set(dir, { kind, via, root })
    if (filtered && out.size > FILTERED_LIMIT) return undefined
    expand({ dir, key: finder.keyOf(dir) }, root, kind)
  }
  // A package whose pyproject does not parse may depend on any package its text names.
  const named = [...out.keys(), ...deleted.map((d) => d.dir)].map((dir) => ({
    dir,
    test: mentions({
      dir,
      key: out.has(dir) ? finder.keyOf(dir) : deleted.find((d) => d.dir === dir)?.key
    })
  }))
  for (const [dir, error] of [...unreadable].sort()) {
    if (out.has(dir)) continue
    const text = index.text(dir) ?? ''
    const hit = named.find((n) => n.dir !== dir && n.test(text))
    if (hit) out.set(dir, { kind: 'unreadable', error, mentions: hit.dir })
  }
  return out
}
