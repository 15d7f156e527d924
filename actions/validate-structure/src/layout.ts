import type { FileTree, Listing } from '@contribs-actions/shared'

/** What rules 7 and 8 (and the stray-init rule) need to know about `<namespace>/`. */
export interface Layout {
  /** What the package folder itself holds (rules 1, 2 and 9). */
  top: Listing
  /** `<pkg>/<namespace>/`, undefined when it is missing. */
  namespace?: {
    hasInit: boolean
    /** The import folder found (the first of the candidate names present), else undefined. */
    inner?: InnerLayout
  }
}

export interface InnerLayout {
  name: string
  hasInit: boolean
  /** Directories directly under `<namespace>/<import name>/`. */
  dirs: string[]
  /** Dotted paths (relative to the import folder) of every directory walked below mirror dirs. */
  nested: string[]
}

export interface WalkOptions {
  namespace: string
  mirrorDirs: ReadonlySet<string>
  /** Whether to walk below a nested directory. Below a path that is not a core path everything is
   * invalid already, so the walk stops there and reports only the topmost offender. */
  descend: (dotted: string) => boolean
}

/** `__pycache__` and hidden folders (.mypy_cache, .ruff_cache) are tool output, not layout. */
const ignoredDir = (name: string) => name === '__pycache__' || name.startsWith('.')

/** A folder from the tree, its tool-output folders left out. */
function list(tree: FileTree, rel: string): Listing | undefined {
  const l = tree.list(rel)
  return l && { files: l.files, dirs: l.dirs.filter((d) => !ignoredDir(d)) }
}

/**
 * Import-folder names to look for: the package folder's own name (the last segment of a nested
 * `python/instrumentation/x`) with `-` replaced by `_` (the reference rule), then the same
 * without leading underscores, since a private-looking folder (`_integration_core`) may ship a
 * public import name (`integration_core`).
 */
export function importNames(dir: string): string[] {
  const primary = dir.slice(dir.lastIndexOf('/') + 1).replace(/-/g, '_')
  const bare = primary.replace(/^_+/, '')
  return bare && bare !== primary ? [primary, bare] : [primary]
}

/**
 * Lists exactly the folders the layout rules look at: `<namespace>/`, the import folder, and the
 * tree below each mirror dir (stopping where `descend` says). Nothing is listed twice.
 */
export function walkLayout(tree: FileTree, dir: string, options: WalkOptions): Layout {
  const top = list(tree, dir) ?? { files: [], dirs: [] }
  if (!top.dirs.includes(options.namespace)) return { top }
  const nsDir = `${dir}/${options.namespace}`
  const ns = list(tree, nsDir)
  if (!ns) return { top }
  const name = importNames(dir).find((n) => ns.dirs.includes(n))
  const layout: Layout = { top, namespace: { hasInit: ns.files.includes('__init__.py') } }
  if (name === undefined) return layout
  const innerDir = `${nsDir}/${name}`
  const inner = list(tree, innerDir)
  if (!inner) return layout
  const nested: string[] = []
  const walk = (rel: string, dotted: string): void => {
    for (const d of list(tree, rel)?.dirs ?? []) {
      const child = `${dotted}.${d}`
      nested.push(child)
      if (options.descend(child)) walk(`${rel}/${d}`, child)
    }
  }
  for (const d of inner.dirs) if (options.mirrorDirs.has(d)) walk(`${innerDir}/${d}`, d)
  nested.sort()
  layout.namespace!.inner = {
    name,
    hasInit: inner.files.includes('__init__.py'),
    dirs: inner.dirs,
    nested
  }
  return layout
}
