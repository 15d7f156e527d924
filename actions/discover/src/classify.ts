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
  if (!renames && paths.every((p, i) => i === 0 || byCodePoint(paths[i - 1], p) < 0)) return paths
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
  // A path can only match a glob that starts with the glob's literal folder (picomatch's scan
  // `base`), so most paths skip the regular expressions; picomatch's matcher functions cost
  // several times more per path than their bare regular expressions.
  const matchers = layout.runAllGlobs.map((glob) => ({
    glob,
    base: picomatch.scan(glob).base,
    re: picomatch.makeRe(glob, { dot: true })
  }))
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
  const docsDirs = new Set(settings.docs_dirs)
  const templatePrefix = `${template}/`
  const legacy = grandfather.paths.length > 0
  // Paths come sorted, so a package's paths are consecutive: keep its list at hand.
  let lastTop = ''
  let lastList: string[] | undefined
  for (const rel of files) {
    if (!out.runAll)
      for (const m of matchers)
        if (rel.startsWith(m.base) && m.re.test(rel)) {
          out.runAll = { file: rel, glob: m.glob }
          break
        }
    const slash = rel.indexOf('/')
    const top = slash < 0 ? '' : rel.slice(0, slash)
    if (slash < 0 ? /\.md$/i.test(rel) : docsDirs.has(top)) out.docs.push(rel)
    else if (template !== '' && (rel === template || rel.startsWith(templatePrefix)))
      out.template.push(rel)
    else if (top !== '' && top === lastTop) lastList!.push(rel)
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

/** The run-all globs: the settings table's, the input's, and the file holding the settings. */
export function runAllGlobs(settings: Settings, extra: string[]): string[] {
  return [...new Set([...settings.run_all, ...extra, 'pyproject.toml'])]
}
