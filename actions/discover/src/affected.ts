import {
  DEPENDENCY_TABLES,
  dependsOnPackage,
  Finding,
  normalizeName,
  PyProject,
  RootDistribution,
  rootInstalls,
  SiblingReferences,
  siblingReferences,
  SiblingTarget,
  unreadDependencies,
  UserError
} from '@contribs-actions/shared'
import type { RepoIndex } from './repo-index.js'

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

/**
 * A sibling looked for. `viaRoot` says how a requirement on the root distribution may install
 * it (see rootInstalls): in any form (`any`, the root's own dependencies name it) or only with
 * extras (`extras`); packages naming the root that way are looked at too.
 */
interface Target extends SiblingTarget {
  viaRoot?: 'any' | 'extras'
}

/** `[project] name` read by eye when the file does not parse, so its dependents are still found. */
function keyFromText(text: string | undefined): string | undefined {
  const name = text && /^\s*name\s*=\s*["']([^"'\n]+)["']/m.exec(text)?.[1]
  return name ? normalizeName(name) : undefined
}

const LITERAL = /"([^"\n]*)"|'([^'\n]*)'/g
const LEADING_NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A pattern for a PEP 503 name in any spelling of it. */
const spelled = (key: string) => key.split('-').map(escapeRe).join('[-_.]+')

/**
 * Which packages could depend on a target: a dependency is a string naming the sibling or the
 * root distribution that installs it (a PEP 508 requirement starts with its distribution name,
 * in any PEP 503 spelling) or a uv path string holding its folder, so a text naming none of
 * these cannot depend on it. Texts with escapes
 * or multi-line strings could hide either; they are always looked at. The first few targets are
 * looked for with one regular expression over the texts; past that, every string literal of
 * every text is indexed once by the name it starts with and the folders in it.
 */
class Mentions {
  private asked = 0
  private byName?: Map<string, string[]>
  private byFolder?: Map<string, string[]>
  private readonly always: string[] = []
  private readonly plain: string[] = []
  private rootUsersCache?: Record<'any' | 'extras', string[]>

  constructor(
    private readonly index: RepoIndex,
    private readonly rootKey?: string
  ) {
    for (const dir of index.dirs) {
      const text = index.text(dir)
      if (text === undefined) continue
      if (text.includes('\\') || text.includes('"""') || text.includes("'''")) this.always.push(dir)
      else this.plain.push(dir)
    }
  }

  /** Packages that may depend on the target (a superset; the caller checks each). */
  of(target: Target): string[] {
    const out = new Set(this.always)
    if (++this.asked <= 8) {
      const parts = [escapeRe(target.dir)]
      if (target.key) parts.push(spelled(target.key))
      const re = new RegExp(parts.join('|'), 'i')
      for (const dir of this.plain) if (re.test(this.index.text(dir)!)) out.add(dir)
    } else {
      this.build()
      for (const d of (target.key && this.byName!.get(target.key)) || []) out.add(d)
      for (const d of this.byFolder!.get(target.dir) ?? []) out.add(d)
    }
    if (target.viaRoot) for (const d of this.rootUsers()[target.viaRoot]) out.add(d)
    out.delete(target.dir)
    return [...out].sort()
  }

  /**
   * What of the root distribution the packages may need: nothing when none names it, its
   * dependencies when none names it with extras, else everything (texts with escapes may).
   */
  rootNeed(): 'none' | 'base' | 'all' {
    const users = this.rootUsers()
    if (this.always.length > 0 || users.extras.length > 0) return 'all'
    return users.any.length > 0 ? 'base' : 'none'
  }

  /**
   * Packages with a string that starts with the root distribution's name and goes on with no
   * name character (`mellea-contribs`, `mellea-contribs[dspy]`, not `mellea-contribs-dspy`):
   * `any` of them, and those naming extras. One pass over the texts, then kept: the same for
   * every target. A plain `"mellea_contribs"` (the wheel's namespace folder) names no extra,
   * which is why most targets, reached through extras only, ask for `extras`.
   */
  private rootUsers(): Record<'any' | 'extras', string[]> {
    if (this.rootUsersCache) return this.rootUsersCache
    const users: Record<'any' | 'extras', string[]> = { any: [], extras: [] }
    if (this.rootKey) {
      const re = new RegExp(`["']\\s*${spelled(this.rootKey)}(?![\\w.-])\\s*(\\[)?`, 'gi')
      for (const dir of this.plain) {
        const text = this.index.text(dir)!
        let extras = false
        let any = false
        re.lastIndex = 0
        for (let m = re.exec(text); m && !extras; m = re.exec(text)) {
          any = true
          extras = m[1] !== undefined
        }
        if (any) users.any.push(dir)
        if (extras) users.extras.push(dir)
      }
    }
    return (this.rootUsersCache = users)
  }

  private build(): void {
    if (this.byName) return
    const byName = (this.byName = new Map<string, string[]>())
    const byFolder = (this.byFolder = new Map<string, string[]>())
    const add = (map: Map<string, string[]>, k: string, dir: string) => {
      const list = map.get(k)
      if (!list) map.set(k, [dir])
      else if (list[list.length - 1] !== dir) list.push(dir)
    }
    // Packages repeat the same literals (classifiers, tool names, URLs): read each distinct one
    // once. A literal's keys are what it adds for every text holding it.
    const keysOf = new Map<string, { name?: string; parts: string[] }>()
    for (const dir of this.plain) {
      const text = this.index.text(dir)!
      LITERAL.lastIndex = 0
      for (let m = LITERAL.exec(text); m; m = LITERAL.exec(text)) {
        const s = m[1] ?? m[2]
        let keys = keysOf.get(s)
        if (!keys) {
          const name = LEADING_NAME.exec(s)?.[1]
          keys = {
            name: name ? normalizeName(name) : undefined,
            parts: s.includes('/') ? s.split('/').filter(Boolean) : []
          }
          keysOf.set(s, keys)
        }
        if (keys.name) add(byName, keys.name, dir)
        for (const part of keys.parts) add(byFolder, part, dir)
      }
    }
  }
}

/** How a requirement on the root distribution may install a distribution (see Target). */
function rootPaths(root: RootDistribution | undefined) {
  const base = root ? rootInstalls(root, []) : new Set<string>()
  const withExtras = root ? rootInstalls(root, [...root.extras.keys()]) : new Set<string>()
  const of = (key: string | undefined): Target['viaRoot'] =>
    key === undefined
      ? undefined
      : base.has(key)
        ? 'any'
        : withExtras.has(key)
          ? 'extras'
          : undefined
  return { root, of }
}

/**
 * Each package's siblingReferences with its distribution name, computed once (a package is asked
 * about every target it mentions); a pyproject.toml that does not parse gives its UserError,
 * none gives undefined.
 */
function referencesOf(index: RepoIndex, root: RootDistribution | undefined) {
  const cache = new Map<string, (SiblingReferences & { key?: string }) | UserError | undefined>()
  return (dir: string) => {
    if (cache.has(dir)) return cache.get(dir)
    let refs: (SiblingReferences & { key?: string }) | UserError | undefined
    try {
      const py = index.pyproject(dir, DEPENDENCY_TABLES)
      refs = py && { ...siblingReferences(py, dir, root), key: py.key }
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      refs = e
    }
    cache.set(dir, refs)
    return refs
  }
}

/**
 * The changed packages plus every package depending on one of them, transitively, plus the
 * dependents of deleted packages; each with why it runs, naming its nearest cause. Only the
 * packages whose text names a package of the set, or names the root distribution in a way that
 * installs one, are parsed (see Mentions), so a PR touching a few packages of thousands reads
 * few files. A package whose pyproject.toml does not parse and
 * names a package of the set runs too: it may depend on it (its own CI reports the error).
 */
export function affected(
  index: RepoIndex,
  changed: Map<string, string[]>,
  deleted: DeletedPackage[]
): Map<string, Why> {
  const out = new Map<string, Why>()
  // The keys come nearly sorted (by path, where `a-b/` sorts before `a/`): sort only if needed.
  const keys = [...changed.keys()]
  let sorted = true
  for (let i = 1; sorted && i < keys.length; i++) sorted = keys[i - 1] < keys[i]
  if (!sorted) keys.sort()
  for (const dir of keys) out.set(dir, { kind: 'changed', files: changed.get(dir)! })
  if (out.size === index.dirs.length || (out.size === 0 && deleted.length === 0)) return out

  const rootKey = index.rootPyproject?.key
  const mentions = new Mentions(index, rootKey)
  // The root's tables are parsed only as far as the packages may need them (see rootNeed).
  const need = mentions.rootNeed()
  const viaRoot = rootPaths(need === 'none' ? undefined : index.rootDistribution(need === 'all'))
  const references = referencesOf(index, viaRoot.root)
  const unreadable = new Map<string, { error: UserError; mentions: string }>()
  const targetOf = (dir: string, key: string | undefined): Target => {
    const refs = references(dir)
    key ??= (refs instanceof UserError ? undefined : refs?.key) ?? keyFromText(index.text(dir))
    return { dir, key, viaRoot: viaRoot.of(key) }
  }

  type Step = Extract<Why, { kind: 'dependent' | 'deleted-dependent' }> & { dir: string }
  // Breadth first from every changed and deleted package, so each names its nearest cause.
  const queue: Step[] = []
  const expand = (target: Target, root: string, kind: Step['kind']) => {
    for (const dir of mentions.of(target)) {
      if (out.has(dir)) continue
      const refs = references(dir)
      if (refs instanceof UserError) {
        if (!unreadable.has(dir)) unreadable.set(dir, { error: refs, mentions: target.dir })
        continue
      }
      const dep = refs && dependsOnPackage(refs, target)
      if (dep) queue.push({ dir, via: target.dir, root, kind, ...dep })
    }
  }
  for (const dir of [...out.keys()]) expand(targetOf(dir, undefined), dir, 'dependent')
  for (const gone of deleted) expand(targetOf(gone.dir, gone.key), gone.dir, 'deleted-dependent')
  for (let i = 0; i < queue.length; i++) {
    const { dir, ...why } = queue[i]
    if (out.has(dir)) continue
    out.set(dir, why)
    expand(targetOf(dir, undefined), why.root, why.kind)
  }
  for (const [dir, u] of [...unreadable].sort())
    if (!out.has(dir)) out.set(dir, { kind: 'unreadable', ...u })
  return out
}

/** `[project].dynamic` naming a dependency field, as text: most files can be passed over unparsed. */
const DYNAMIC_DEPENDENCIES = /^\s*dynamic\s*=[^\]]*["'](optional-)?dependencies["']/m

/**
 * The shared unreadDependencies of every package whose dependencies are (partly) dynamic and not
 * listed inline: dependents found by affected may be missing one of these, so discover says so.
 * Only texts that look like they have such a `dynamic` line are parsed.
 */
export function unreadDependencyNotices(index: RepoIndex): Finding[] {
  const out: Finding[] = []
  for (const dir of index.dirs) {
    const text = index.text(dir)
    if (text === undefined || !text.includes('dynamic') || !DYNAMIC_DEPENDENCIES.test(text))
      continue
    let py: PyProject | undefined
    try {
      py = index.pyproject(dir, DEPENDENCY_TABLES)
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      continue // its own CI reports the broken file; affected already runs it when it may matter
    }
    if (py) out.push(...unreadDependencies(py, dir))
  }
  return out
}
