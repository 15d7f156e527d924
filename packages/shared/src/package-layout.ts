import { type FileTree, hiddenOrModules } from './file-tree.js'
import { globMatcher } from './glob.js'
import type { Finding } from './findings.js'
import { getTable, PyProject } from './pyproject.js'
import type { Settings } from './settings.js'
import { plural, sortByCodePoint } from './text.js'

/**
 * Where a repository keeps its packages.
 * - `top-level`: every top-level folder holding a `pyproject.toml`, an `OWNERS` file or the
 *   namespace folder (mellea-contribs' layout, and the default).
 * - `globs`: the folders matching `package_globs` (or the root's uv workspace `members`, minus
 *   its `exclude`) that hold a `pyproject.toml`, at any depth (`python/*`, `instrumentation/*`).
 */
export type PackageLayout =
  | { kind: 'top-level' }
  | { kind: 'globs'; source: 'package_globs' | 'uv workspace'; globs: string[]; exclude: string[] }

/**
 * The layout: `package_globs` when set (a leading `!` excludes), else the root pyproject's
 * `[tool.uv.workspace]` members when it has them, else top-level folders.
 */
export function layoutOf(settings: Settings, rootPyproject: PyProject | undefined): PackageLayout {
  if (settings.package_globs.length > 0) {
    const globs = settings.package_globs.map(repoRelative).filter(Boolean)
    return {
      kind: 'globs',
      source: 'package_globs',
      globs: globs.filter((g) => !g.startsWith('!')),
      exclude: globs.filter((g) => g.startsWith('!')).map((g) => repoRelative(g.slice(1)))
    }
  }
  const workspace = rootPyproject && getTable(rootPyproject.data, ['tool', 'uv', 'workspace'])
  const members = stringsOf(workspace?.members)
  if (members.length > 0)
    return {
      kind: 'globs',
      source: 'uv workspace',
      globs: members.map(repoRelative).filter((g) => g !== '' && g !== '.'),
      exclude: stringsOf(workspace?.exclude).map(repoRelative)
    }
  return { kind: 'top-level' }
}

/** What the layout looks for, for messages: "top-level folders", "folders matching python/*". */
function describeLayout(layout: PackageLayout, settings: Settings): string {
  if (layout.kind === 'top-level')
    return settings.namespace
      ? `top-level folders holding a pyproject.toml, an OWNERS file or a ${settings.namespace}/ folder`
      : 'top-level folders holding a pyproject.toml or an OWNERS file'
  const not = layout.exclude.length ? ` (not ${layout.exclude.join(', ')})` : ''
  return `folders holding a pyproject.toml that match the ${layout.source} globs ${layout.globs.join(', ')}${not}`
}

const stringsOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

/** A root-relative path or glob as written by a user, with `/`, no `./` in front, no trailing slash. */
export function repoRelative(written: string): string {
  return written
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
}

/** Whether a root-relative folder may never be a package: hidden, excluded, plumbing. */
export type FolderFilter = (dir: string) => boolean

/**
 * The folders the layout's globs match, sorted by code point, found by walking the tree one
 * glob segment at a time (`*` lists one folder, `**` descends), never into hidden folders or
 * node_modules. Folders are candidates: whether one is a package is readPackage's question.
 */
export function globFolders(
  tree: FileTree,
  layout: Extract<PackageLayout, { kind: 'globs' }>,
  excluded: FolderFilter
): string[] {
  const found = new Set<string>()
  const isExcluded = layout.exclude.length
    ? globMatcher(layout.exclude, { dot: true })
    : () => false
  for (const glob of layout.globs) {
    const segments = glob.split('/')
    const walk = (dir: string, at: number): void => {
      if (at === segments.length) {
        if (dir !== '' && !excluded(dir) && !isExcluded(dir)) found.add(dir)
        return
      }
      const segment = segments[at]
      const children = tree.list(dir)?.dirs ?? []
      const join = (child: string) => (dir ? `${dir}/${child}` : child)
      if (segment === '**') {
        walk(dir, at + 1)
        for (const child of children) if (!hiddenOrModules(child)) walk(join(child), at)
        return
      }
      const matches = globMatcher(segment, { dot: segment.startsWith('.') })
      for (const child of children)
        if (!hiddenOrModules(child) && matches(child)) walk(join(child), at + 1)
    }
    walk('', 0)
  }
  return sortByCodePoint([...found])
}

/**
 * Whether the layout would make a folder a package if it held what a package holds: how discover
 * recognises a folder that was a package at the base and is gone at head.
 */
export function packageFolderTest(layout: PackageLayout, excluded: FolderFilter): FolderFilter {
  if (layout.kind === 'top-level') return (dir) => !dir.includes('/') && !excluded(dir)
  const matches = globMatcher(layout.globs, { dot: false })
  const isExcluded = excludedByLayout(layout)
  return (dir) => matches(dir) && !isExcluded(dir) && !excluded(dir)
}

/** The folders the layout leaves out on purpose (`!` globs, uv's `exclude`). */
export function excludedByLayout(layout: PackageLayout): FolderFilter {
  if (layout.kind !== 'globs' || layout.exclude.length === 0) return () => false
  return globMatcher(layout.exclude, { dot: true })
}

/**
 * Whether a `pyproject.toml` file is one that no package owns: under none of the packages, in no
 * folder that may never be one (see FolderFilter). A layout that misses packages shows up here, as does a zero
 * configuration run over a nested repository; the warning suggests the globs that find them.
 */
export function isStrayProject(
  packages: readonly string[],
  excluded: FolderFilter
): (file: string) => boolean {
  const owned = new Set(packages)
  const ownedBy = (dir: string): boolean => {
    for (let at = dir.length; at > 0; at = dir.lastIndexOf('/', at - 1))
      if (owned.has(dir.slice(0, at))) return true
    return false
  }
  return (file) => {
    const dir = file.slice(0, Math.max(0, file.lastIndexOf('/')))
    return dir !== '' && !ownedBy(dir) && !excluded(dir)
  }
}

/** Globs that would find the stray projects: each one's parent folder with `/*`. */
function suggestedGlobs(strays: readonly string[]): string[] {
  const globs = new Set<string>()
  for (const file of strays) {
    const dir = file.slice(0, file.lastIndexOf('/'))
    const parent = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : ''
    globs.add(parent ? `${parent}/*` : '*')
  }
  return [...globs].sort()
}

/**
 * Never a silent false green: a warning when no package was found, or when `pyproject.toml`
 * files lie below folders that are not packages, saying what was looked for and which
 * `package_globs` would find them.
 */
export function layoutFindings(
  layout: PackageLayout,
  settings: Settings,
  packages: readonly string[],
  strays: readonly string[]
): Finding[] {
  if (packages.length > 0 && strays.length === 0) return []
  const looked = `looked for ${describeLayout(layout, settings)}`
  if (strays.length === 0)
    return [{ severity: 'warning', message: `no subpackages found: ${looked}` }]
  const shown = strays.slice(0, 3).join(', ') + (strays.length > 3 ? ', ...' : '')
  const current = layout.kind === 'globs' && layout.source === 'package_globs' ? layout.globs : []
  const globs = [...new Set([...current, ...suggestedGlobs(strays)])]
  const what =
    packages.length === 0
      ? 'no subpackages found'
      : `${plural(strays.length, 'pyproject.toml file')} outside every subpackage`
  return [
    {
      severity: 'warning',
      message: `${what}: ${looked}, and ${shown} ${strays.length === 1 ? 'is' : 'are'} not in one. To make them subpackages set package_globs = ${JSON.stringify(globs)} in [tool.${settings.table}] (or the package-globs input); to leave them out, add their folders to exclude_dirs.`
    }
  ]
}
