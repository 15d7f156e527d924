import {
  buildGraph,
  Owners,
  parseOwners,
  readRepoText,
  Repo,
  rootSiblings,
  SiblingGraph,
  tiersOf
} from '@contribs-actions/shared'
import type { Target } from './plan.js'

/**
 * The subpackages, each with the siblings it waits for, then the root meta-package when the root
 * pyproject has a `[project] name`. Texts come from the checkout; run() replaces them with the
 * default branch's when it can reach GitHub.
 *
 * Which dependencies make a package wait (its bump PR opens once each of them is at the version
 * on the default branch):
 * - A subpackage waits for the siblings it needs at run time: those its `[project].dependencies`
 *   and its extras name (directly, through a `[tool.uv.sources]` path, or through the root
 *   distribution's extras). Its bump PR's CI then installs them as they will ship. PEP 735
 *   `[dependency-groups]` are never part of the built package, so a sibling used only for
 *   development does not hold it back.
 * - The root meta-package waits for the siblings its `[project].dependencies` install, and for
 *   the run-time dependencies of the packages its extras install, not for those packages
 *   themselves: its extras are pinned to the release's own builds when the release is made, so
 *   they need nothing on the default branch first. With the usual layout that is mellea-contribs'
 *   RELEASING.md order: the meta-package opens in the second pass, together with the packages
 *   built on `_integration_core`, not in a round of its own.
 * - An extra that names a sibling which needs the package back (`core[evals]` names `evals`,
 *   which requires `core`) does not make it wait: neither could open first. The required
 *   dependency orders them (`core`, then `evals`). A cycle of required dependencies alone is a
 *   UserError naming it.
 * `wave` is where the package sits in the graph (1 + the highest wave it waits for), for the
 * summary; it never makes a package wait.
 */
export function listTargets(repo: Repo): Target[] {
  const { graph, cycleExtras } = waitGraph(repo)
  const waves = tiersOf(graph)
  const everyDependency = buildGraph(repo)
  // An OWNERS that could not be read would silently drop the package's reviewers.
  const unreadOwners = repo.packages.find((p) => p.ownersError)?.ownersError
  if (unreadOwners) throw unreadOwners
  const out: Target[] = repo.packages.map((subpackage) => ({
    id: subpackage.dir,
    dir: subpackage.dir,
    file: `${subpackage.dir}/pyproject.toml`,
    lockFile: `${subpackage.dir}/uv.lock`,
    wave: waves.get(subpackage.dir) ?? 1,
    dependsOn: [...(graph.deps.get(subpackage.dir) ?? [])].sort(),
    ...(cycleExtras.has(subpackage.dir) ? { cycleExtras: cycleExtras.get(subpackage.dir) } : {}),
    lockedBy: lockedBy(everyDependency, subpackage.dir),
    root: false,
    owners: subpackage.owners,
    text:
      subpackage.pyproject?.text ??
      (subpackage.hasPyproject
        ? readRepoText(repo.root, `${subpackage.dir}/pyproject.toml`)
        : undefined)
  }))
  const rootName = repo.rootPyproject?.name
  if (rootName) {
    const ownersText = readRepoText(repo.root, 'OWNERS')
    const owners: Owners | undefined =
      ownersText === undefined ? undefined : parseOwners(ownersText)
    const dependsOn = rootWaitsFor(repo, graph)
    out.push({
      id: rootName,
      dir: '',
      file: 'pyproject.toml',
      lockFile: 'uv.lock',
      wave: 1 + Math.max(0, ...dependsOn.map((d) => waves.get(d) ?? 1)),
      dependsOn,
      lockedBy: [],
      root: true,
      owners,
      text: repo.rootPyproject!.text
    })
  }
  return out
}

/**
 * The run-time graph without the edges that only an extra makes and that close a cycle (the
 * sibling reaches the package back), with those edges by package.
 */
function waitGraph(repo: Repo): { graph: SiblingGraph; cycleExtras: Map<string, string[]> } {
  const graph = buildGraph(repo, 'runtime')
  const required = buildGraph(repo, 'required')
  const cut: [string, string][] = []
  for (const [dir, deps] of graph.deps)
    for (const dep of deps)
      if (!required.deps.get(dir)?.has(dep) && reaches(graph, dep, dir)) cut.push([dir, dep])
  const cycleExtras = new Map<string, string[]>()
  for (const [dir, dep] of cut) {
    graph.deps.get(dir)!.delete(dep)
    graph.dependents.get(dep)!.delete(dir)
    cycleExtras.set(dir, [...(cycleExtras.get(dir) ?? []), dep].sort())
  }
  return { graph, cycleExtras }
}

/** Whether `to` is among the dependencies of `from`, at any depth. */
function reaches(graph: SiblingGraph, from: string, to: string): boolean {
  const seen = new Set<string>()
  const stack = [from]
  while (stack.length) {
    const dir = stack.pop()!
    if (dir === to) return true
    if (seen.has(dir)) continue
    seen.add(dir)
    stack.push(...(graph.deps.get(dir) ?? []))
  }
  return false
}

/** What the root meta-package waits for (see listTargets). */
function rootWaitsFor(repo: Repo, graph: SiblingGraph): string[] {
  const { base, extras } = rootSiblings(repo)
  const waits = new Set(base)
  for (const installed of [...base, ...extras])
    for (const dep of graph.deps.get(installed) ?? []) waits.add(dep)
  return [...waits].sort()
}

/**
 * The siblings whose uv.lock records `dir`'s version: uv locks a `[tool.uv.sources]` path
 * dependency as a source tree with the version its pyproject gives (unless that version is
 * dynamic), and `uv sync --locked` refuses a lock that no longer matches. Every dependency array
 * counts here, development groups included, since uv locks them all.
 */
function lockedBy(graph: SiblingGraph, dir: string): string[] {
  const dependents = [...(graph.dependents.get(dir) ?? [])]
  return dependents.filter((d) => graph.references.get(d)?.dirs.has(dir)).sort()
}
