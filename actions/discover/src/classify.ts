import {
  sortByCodePoint,
  globMatcher,
  Grandfather,
  isGrandfathered,
  Settings
} from '@contribs-actions/shared'
import type { Change } from './git-range.js'

/** Changed paths sorted by what they belong to. Every path is in exactly one bucket. */
export interface SortedChanges {
  /** Every path counted, both ends of a rename, sorted and unique. */
  files: string[]
  /** Package folder at head -> its changed paths. */
  byPackage: Map<string, string[]>
  docs: string[]
  template: string[]
  legacy: string[]
  /**
   * Folders that the layout would make packages but that are not packages at head, and may have
   * been at the base: a deleted or moved package. Resolved against the base revision before
   * deciding.
   */
  gone: Map<string, string[]>
  /** Files outside every package that no rule claims (root files, `.github/` extras, ...). */
  other: string[]
  /** The first file, in path order, matching a run-all glob. */
  runAll?: { file: string; glob: string }
}

export interface Layout {
  /** Whether a root-relative folder is a package at head. */
  isPackage(dir: string): boolean
  /** Whether the layout would make a folder a package if it held one (see packageFolderTest). */
  mayBePackage(dir: string): boolean
  settings: Settings
  grandfather: Grandfather
  /** settings.run_all, the `run-all` input, and the settings file itself. */
  runAllGlobs: string[]
}

/** Every path a change touches: a rename counts at both ends, a copy only at its new path. */
export function touchedPaths(changes: Change[]): string[] {
  const paths: string[] = []
  let renames = false
  for (const c of changes) {
    paths.push(c.path)
    if (c.status === 'R' && c.from) {
      paths.push(c.from)
      renames = true
    }
  }
  // git lists paths in order already; only renames bring a second, unordered path.
  let ordered = !renames
  for (let i = 1; ordered && i < paths.length; i++) ordered = paths[i - 1] < paths[i]
  if (ordered) return paths
  return sortByCodePoint([...new Set(paths)])
}

/** Documentation: a Markdown file at the root, or anything in a `docs_dirs` folder. */
function docsRule(settings: Settings): (rel: string) => boolean {
  const docsDirs = new Set(settings.docs_dirs)
  return (rel) => {
    const slash = rel.indexOf('/')
    return slash < 0 ? /\.md$/i.test(rel) : docsDirs.has(rel.slice(0, slash))
  }
}

export function sortChanges(changes: Change[], layout: Layout): SortedChanges {
  const { settings, grandfather } = layout
  const files = touchedPaths(changes)
  const template = settings.template_dir.replace(/\/+$/, '')
  const out: SortedChanges = {
    files,
    byPackage: new Map(),
    docs: [],
    template: [],
    legacy: [],
    gone: new Map(),
    other: []
  }
  const runAll = firstRunAll(files, layout.runAllGlobs)
  if (runAll) out.runAll = runAll
  const isDocs = docsRule(settings)
  const isTemplate = (rel: string) =>
    template !== '' && (rel === template || rel.startsWith(`${template}/`))
  const add = (map: Map<string, string[]>, key: string, rel: string) => {
    const list = map.get(key)
    if (list) list.push(rel)
    else map.set(key, [rel])
  }
  for (const rel of files) {
    if (isDocs(rel)) {
      out.docs.push(rel)
      continue
    }
    if (isTemplate(rel)) {
      out.template.push(rel)
      continue
    }
    const pkg = deepestFolder(rel, layout.isPackage)
    if (pkg !== undefined) add(out.byPackage, pkg, rel)
    else if (isGrandfathered(grandfather, rel)) out.legacy.push(rel)
    else {
      const was = deepestFolder(rel, layout.mayBePackage)
      if (was !== undefined) add(out.gone, was, rel)
      else out.other.push(rel)
    }
  }
  return out
}

/** The deepest folder holding the path that passes the test, if any. */
function deepestFolder(rel: string, test: (dir: string) => boolean): string | undefined {
  for (let at = rel.lastIndexOf('/'); at > 0; at = rel.lastIndexOf('/', at - 1)) {
    const dir = rel.slice(0, at)
    if (test(dir)) return dir
  }
  return undefined
}

/** The first path, in path order, that a run-all glob matches, with the first glob matching it. */
export function firstRunAll(
  files: string[],
  globs: string[]
): { file: string; glob: string } | undefined {
  // One test of every glob at once per file; which glob it was is asked of the one file found.
  const matchesAny = globMatcher(globs, { dot: true })
  const file = files.find(matchesAny)
  if (file === undefined) return undefined
  return { file, glob: globs.find((glob) => globMatcher(glob, { dot: true })(file))! }
}

/** The run-all globs: the settings table's, the input's, and the file holding the settings. */
export function runAllGlobs(settings: Settings, extra: string[]): string[] {
  return [...new Set([...settings.run_all, ...extra, 'pyproject.toml'])]
}
