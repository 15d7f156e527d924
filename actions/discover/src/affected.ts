import {
  buildGraph,
  byCodePoint,
  dependsOnPackage,
  escapeRegExp,
  Finding,
  normalizeName,
  readRepoText,
  Repo,
  SiblingGraph,
  unreadDependencies,
  UnreadableFileError,
  UserError
} from '@contribs-actions/shared'

/** Why a package is in the matrix. */
export type Why =
  | { kind: 'changed'; files: string[] }
  /**
   * Depends on `via`, which is `root` (changed) or leads to it; `through` is the requirement on
   * the root distribution (`mellea-contribs[x]`) when that is how it depends on `via`.
   */
  | { kind: 'dependent'; via: string; root: string; through?: string }
  /** Depended on the deleted package `root` (directly or through `via`). */
  | { kind: 'deleted-dependent'; via: string; root: string; through?: string }
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

type Step = Extract<Why, { kind: 'dependent' | 'deleted-dependent' }> & { dir: string }

/**
 * The changed packages plus every package depending on one of them, transitively (the shared
 * sibling graph), plus the dependents of deleted packages; each with why it runs, naming its
 * nearest cause (breadth first). A package whose pyproject.toml does not parse and names a
 * package of the set runs too: it may depend on it (its own CI reports the error).
 */
export function affected(
  repo: Repo,
  changed: Map<string, string[]>,
  deleted: DeletedPackage[]
): Map<string, Why> {
  const out = new Map<string, Why>()
  for (const dir of [...changed.keys()].sort()) {
    out.set(dir, { kind: 'changed', files: changed.get(dir)! })
  }
  if (out.size === repo.packages.length || (out.size === 0 && deleted.length === 0)) return out
  const graph = buildGraph(repo)
  const queue: Step[] = []
  for (const dir of out.keys()) queue.push(...dependentSteps(graph, dir, dir, 'dependent'))
  for (const gone of deleted) queue.push(...deletedSteps(graph, gone))
  for (let i = 0; i < queue.length; i++) {
    const { dir, ...why } = queue[i]
    if (out.has(dir)) continue
    out.set(dir, why)
    queue.push(...dependentSteps(graph, dir, why.root, why.kind))
  }
  for (const [dir, why] of unreadableMentions(repo, [...out.keys(), ...deleted.map((d) => d.dir)]))
    if (!out.has(dir)) out.set(dir, why)
  return out
}

/** The packages depending on `via` directly, as steps of the walk from `root`. */
function dependentSteps(
  graph: SiblingGraph,
  via: string,
  root: string,
  kind: Step['kind']
): Step[] {
  return [...(graph.dependents.get(via) ?? [])].sort().map((dir) => {
    const through = graph.through.get(dir)?.get(via)
    return { dir, via, root, kind, ...(through === undefined ? {} : { through }) }
  })
}

/** The packages that depended on a deleted package (by its old name or folder). */
function deletedSteps(graph: SiblingGraph, gone: DeletedPackage): Step[] {
  const steps: Step[] = []
  for (const [dir, refs] of [...graph.references].sort(([a], [b]) => byCodePoint(a, b))) {
    const dep = dependsOnPackage(refs, { dir: gone.dir, key: gone.key })
    if (dep) steps.push({ dir, via: gone.dir, root: gone.dir, kind: 'deleted-dependent', ...dep })
  }
  return steps
}

/**
 * Packages whose pyproject.toml does not parse and whose text names one of the packages (its
 * folder or its distribution name in any PEP 503 spelling): they may depend on it.
 */
function unreadableMentions(repo: Repo, named: string[]): [string, Why][] {
  const broken = repo.packages.filter((p) => p.pyprojectError)
  if (broken.length === 0) return []
  const patterns = named.map((dir) => {
    // The folder as a path or string of its own, the name in any PEP 503 spelling as a whole word.
    const key = repo.byDir.get(dir)?.pyproject?.key
    const folder = `(?:^|[\\/"'\\s])${escapeRegExp(dir)}(?:[\\/"'\\s]|$)`
    const name = key
      ? `|(?<![\\w.-])${key.split('-').map(escapeRegExp).join('[-_.]+')}(?![\\w.-])`
      : ''
    return { dir, re: new RegExp(folder + name, 'im') }
  })
  const found: [string, Why][] = []
  for (const pkg of broken) {
    // A file refused unread (a link out of the checkout, a device, too large, not UTF-8) has
    // no text to search; its own finding says why.
    if (pkg.pyprojectError instanceof UnreadableFileError) continue
    const text = readRepoText(repo.root, `${pkg.dir}/pyproject.toml`) ?? ''
    const hit = patterns.find((p) => p.dir !== pkg.dir && p.re.test(text))
    if (hit)
      found.push([pkg.dir, { kind: 'unreadable', error: pkg.pyprojectError!, mentions: hit.dir }])
  }
  return found
}

/**
 * The shared unreadDependencies of the packages that do not run: one of them may depend on a
 * changed sibling through dependencies discover cannot read (a requirements file, a custom hook),
 * so discover says so. A package that runs anyway misses nothing.
 */
export function unreadDependencyNotices(
  repo: Repo,
  running: ReadonlyMap<string, unknown>
): Finding[] {
  const notices: Finding[] = []
  for (const p of repo.packages)
    if (p.pyproject && !running.has(p.dir)) notices.push(...unreadDependencies(p.pyproject, p.dir))
  return notices
}

/** `[project] name` read by eye from a base pyproject that does not parse. */
export function nameFromText(text: string): { name: string; key: string } | undefined {
  const name = /^\s*name\s*=\s*["']([^"'\n]+)["']/m.exec(text)?.[1]
  return name ? { name, key: normalizeName(name) } : undefined
}
