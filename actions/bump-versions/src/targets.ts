import {
  buildGraph,
  Owners,
  parseOwners,
  readRepoText,
  Repo,
  tiersOf
} from '@contribs-actions/shared'
import type { Target } from './plan.js'

/**
 * The subpackages with their tiers (1 + the highest tier among the siblings they depend on; a
 * cycle is a UserError naming it), then the root meta-package, when the root pyproject has a
 * `[project] name`, in a tier after all of them. Texts come from the checkout; run() replaces
 * them with the default branch's when it can reach GitHub.
 */
export function listTargets(repo: Repo): Target[] {
  const graph = buildGraph(repo)
  const tiers = tiersOf(graph)
  // An OWNERS that could not be read would silently drop the package's reviewers.
  const unreadOwners = repo.packages.find((p) => p.ownersError)?.ownersError
  if (unreadOwners) throw unreadOwners
  const out: Target[] = repo.packages.map((p) => ({
    id: p.dir,
    dir: p.dir,
    file: `${p.dir}/pyproject.toml`,
    lockFile: `${p.dir}/uv.lock`,
    tier: tiers.get(p.dir) ?? 1,
    dependsOn: [...(graph.deps.get(p.dir) ?? [])].sort(),
    root: false,
    owners: p.owners,
    text:
      p.pyproject?.text ??
      (p.hasPyproject ? readRepoText(repo.root, `${p.dir}/pyproject.toml`) : undefined)
  }))
  const rootName = repo.rootPyproject?.name
  if (rootName) {
    const ownersText = readRepoText(repo.root, 'OWNERS')
    const owners: Owners | undefined =
      ownersText === undefined ? undefined : parseOwners(ownersText)
    out.push({
      id: rootName,
      dir: '',
      file: 'pyproject.toml',
      lockFile: 'uv.lock',
      tier: Math.max(0, ...out.map((t) => t.tier)) + 1,
      root: true,
      owners,
      text: repo.rootPyproject!.text
    })
  }
  return out
}
