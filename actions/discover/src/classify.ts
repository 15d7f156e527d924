import picomatch from 'picomatch'
import { Grandfather, isGrandfathered, Settings } from '@contribs-actions/shared'
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
   * Top-level folders that are not packages at head but may have been at the base: a deleted or
   * moved package. Resolved against the base revision before deciding.
   */
  gone: Map<string, string[]>
  /** Files outside every package that no rule claims (root files, `.github/` extras, ...). */
  other: string[]
  /** The first file, in path order, matching a run-all glob. */
  runAll?: { file: string; glob: string }
}

export interface Layout {
  isPackage(dir: string): boolean
  settings: Settings
  grandfather: Grandfather
  /** settings.run_all, the `run-all` input, and the settings file itself. */
  runAllGlobs: string[]
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

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
  return [...new Set(paths)].sort(byCodePoint)
}

export function isDocs(rel: string, settings: Settings): boolean {
  const slash = rel.indexOf('/')
  if (slash < 0) return /\.md$/i.test(rel)
  const top = rel.slice(0, slash)
  return settings.docs_dirs.includes(top)
}

export function sortChanges(changes: Change[], layout: Layout): SortedChanges {
  const { settings, grandfather } = layout
  const files = touchedPaths(changes)
  const template = settings.template_dir.replace(/\/+$/, '')
  const notPackages = new Set([...settings.exclude_dirs, settings.namespace, 'node_modules'])
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
  const docsDirs = new Set(settings.docs_dirs)
  const templatePrefix = `${template}/`
  const isTemplate = (rel: string) =>
    template !== '' && (rel === template || rel.startsWith(templatePrefix))
  const legacy = grandfather.paths.length > 0
  // Paths come sorted, so a package's paths are consecutive: keep its folder and list at hand,
  // and file the rest of its paths without looking at them again (a package folder is neither
  // docs nor, being a package, anything the later rules would claim; only the template can
  // lie inside it).
  let lastTop = ''
  let lastList: string[] = []
  for (const rel of files) {
    if (
      lastTop !== '' &&
      rel.charCodeAt(lastTop.length) === 47 &&
      rel.startsWith(lastTop) &&
      !isTemplate(rel)
    ) {
      lastList.push(rel)
      continue
    }
    const slash = rel.indexOf('/')
    const top = slash < 0 ? '' : rel.slice(0, slash)
    if (slash < 0 ? /\.md$/i.test(rel) : docsDirs.has(top)) out.docs.push(rel)
    else if (isTemplate(rel)) out.template.push(rel)
    else if (top !== '' && top === lastTop) lastList.push(rel)
    else if (top !== '' && layout.isPackage(top)) {
      lastTop = top
      lastList = [rel]
      out.byPackage.set(top, lastList)
    } else if (legacy && isGrandfathered(grandfather, rel)) out.legacy.push(rel)
    else if (top !== '' && !top.startsWith('.') && !notPackages.has(top)) {
      const list = out.gone.get(top)
      if (list) list.push(rel)
      else out.gone.set(top, [rel])
    } else out.other.push(rel)
  }
  return out
}

/**
 * The first path, in path order, that a run-all glob matches, with the first glob (in the given
 * order) matching it. A glob can only match paths starting with its literal folder (picomatch's
 * scan `base`), and the paths are sorted, so each glob looks only at its own run of paths, found
 * by binary search, and its regular expression is compiled only when that run is not empty: on a
 * 10,000-file change, compiling the default globs cost more than testing every path did.
 */
export function firstRunAll(
  files: string[],
  globs: string[]
): { file: string; glob: string } | undefined {
  let best: { file: string; glob: string; at: number } | undefined
  for (const glob of globs) {
    const base = picomatch.scan(glob).base
    // Only an earlier path beats the best so far; on the same path the earlier glob stays.
    const end = best ? best.at : files.length
    let re: RegExp | undefined
    for (let i = lowerBound(files, base); i < end && files[i].startsWith(base); i++) {
      re ??= picomatch.makeRe(glob, { dot: true })
      if (re.test(files[i])) {
        best = { file: files[i], glob, at: i }
        break
      }
    }
  }
  return best && { file: best.file, glob: best.glob }
}

/** The index of the first of the sorted `files` not before `key`. */
function lowerBound(files: string[], key: string): number {
  let lo = 0
  let hi = files.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (byCodePoint(files[mid], key) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The run-all globs: the settings table's, the input's, and the file holding the settings. */
export function runAllGlobs(settings: Settings, extra: string[]): string[] {
  return [...new Set([...settings.run_all, ...extra, 'pyproject.toml'])]
}
