import { type FileTree, hiddenOrModules } from './file-tree.js'
import { globMatcher } from './glob.js'
import { UserError } from './errors.js'
import type { Finding } from './findings.js'
import { getTable, PyProject } from './pyproject.js'
import { showTomlValue } from './schema.js'
import { defaultSettings, type Settings } from './settings.js'
import { hasControlCharacter, listNames, plural, sortByCodePoint } from './text.js'

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
 * `[tool.uv.workspace]` members when it has them, else top-level folders. A glob that is refused
 * (see globProblem), or a workspace table of the wrong shape, is a UserError naming where it was
 * written and its value.
 */
export function layoutOf(settings: Settings, rootPyproject: PyProject | undefined): PackageLayout {
  if (settings.package_globs.length > 0) {
    const where = globSource(settings, rootPyproject)
    const globs = checkedGlobs(settings.package_globs, where)
    return {
      kind: 'globs',
      source: 'package_globs',
      globs: globs.filter((g) => !g.startsWith('!')),
      exclude: globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1))
    }
  }
  const workspace = uvWorkspace(rootPyproject)
  if (!workspace || workspace.members.length === 0) return { kind: 'top-level' }
  const at = (key: string) => (glob: string) => ({
    what: `[tool.uv.workspace] ${key} ${JSON.stringify(glob)}`,
    file: rootPyproject!.file,
    line: rootPyproject!.lines.find(['tool', 'uv', 'workspace'], key, glob)
  })
  return {
    kind: 'globs',
    source: 'uv workspace',
    globs: checkedGlobs(
      // The root itself (`.`) may be a member: it is the meta-package, not a subpackage.
      workspace.members.filter((g) => !['', '.'].includes(repoRelative(g))),
      at('members')
    ),
    exclude: checkedGlobs(workspace.exclude, at('exclude'))
  }
}

/** The root's `[tool.uv.workspace]` members and exclude, or undefined; a wrong shape is refused. */
function uvWorkspace(
  rootPyproject: PyProject | undefined
): { members: string[]; exclude: string[] } | undefined {
  const uv = rootPyproject && getTable(rootPyproject.data, ['tool', 'uv'])
  if (!uv || uv.workspace === undefined) return undefined
  const refuse = (key: string, value: unknown) =>
    new UserError(
      `[tool.uv${key ? '.workspace] ' + key : '] workspace'} must be ${key ? 'a list of strings' : 'a table'} (got ${showTomlValue(value)})`,
      {
        file: rootPyproject.file,
        line: key
          ? rootPyproject.lines.find(['tool', 'uv', 'workspace'], key)
          : rootPyproject.lines.find(['tool', 'uv'], 'workspace')
      }
    )
  const workspace = getTable(rootPyproject.data, ['tool', 'uv', 'workspace'])
  if (!workspace) throw refuse('', uv.workspace)
  const strings = (key: string): string[] => {
    const value = workspace[key]
    if (value === undefined) return []
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw refuse(key, value)
    return value
  }
  return { members: strings('members'), exclude: strings('exclude') }
}

/** Where a glob was written, for the message refusing it. */
interface GlobSource {
  what: string
  file?: string
  line?: number
}

/** package_globs come from the settings table when it lists the glob, else from the input. */
function globSource(
  settings: Settings,
  rootPyproject: PyProject | undefined
): (glob: string) => GlobSource {
  return (glob) => {
    const line = rootPyproject?.lines.find(['tool', settings.table], 'package_globs', glob)
    return line === undefined
      ? { what: `the package-globs input ${JSON.stringify(glob)}` }
      : {
          what: `[tool.${settings.table}] package_globs ${JSON.stringify(glob)}`,
          file: rootPyproject!.file,
          line
        }
  }
}

/** The most globs one layout may hold, and the longest glob. */
const MAX_GLOBS = 256
const MAX_GLOB_LENGTH = 256

/** The globs as root-relative paths, once each; the first refused one is a UserError. */
function checkedGlobs(written: readonly string[], where: (glob: string) => GlobSource): string[] {
  const globs = [...new Set(written.map((glob) => repoRelative(glob)))]
  if (globs.length > MAX_GLOBS) {
    const { what, ...at } = where(written[0])
    throw new UserError(
      `${what} is one of ${globs.length} globs; at most ${MAX_GLOBS} are read`,
      at
    )
  }
  for (const glob of globs) {
    const problem = globProblem(glob.startsWith('!') ? repoRelative(glob.slice(1)) : glob)
    if (problem === undefined) continue
    const original = written.find((w) => repoRelative(w) === glob) ?? glob
    const { what, ...at } = where(original)
    throw new UserError(`${what} is refused: ${problem}`, at)
  }
  return globs.map((glob) => (glob.startsWith('!') ? `!${repoRelative(glob.slice(1))}` : glob))
}

/**
 * Why a package glob is refused, or undefined. Globs walk the checkout's folders and match their
 * names, and a pull request can write them: a shape whose walk or match grows exponentially
 * (several `**`, many wildcards in one part), or one that leads out of the root, is refused before
 * any folder is read. What uv's workspace globs mean is kept: `*`, `?` and `[...]` within a part,
 * `**` for any depth.
 */
export function globProblem(glob: string): string | undefined {
  if (glob === '') return 'it is empty'
  if (glob.length > MAX_GLOB_LENGTH) return `it is longer than ${MAX_GLOB_LENGTH} characters`
  if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob))
    return 'it is absolute; package globs are relative to the repository root'
  if (hasControlCharacter(glob)) return 'it holds a control character'
  if (/[{}()]/.test(glob)) return 'brace and extglob patterns are not read (uv reads none either)'
  const parts = glob.split('/')
  if (parts.includes('')) return 'it has an empty part (`//`)'
  if (parts.includes('..') || parts.includes('.'))
    return 'a `.` or `..` part is not a folder below the root'
  if (parts.some((part) => part.includes('**') && part !== '**'))
    return '`**` must stand alone between slashes'
  if (parts.filter((part) => part === '**').length > 2) return 'it has more than two `**` parts'
  if (parts.some((part) => part !== '**' && (part.match(/[*?]/g)?.length ?? 0) > 3))
    return 'a part has more than three wildcards'
  return undefined
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
 * The entries that the globs' last part matches but that are not folders of the tree: files, and
 * links, which a listing never follows (a link to a folder is one of its folder's files). For a
 * notice that a package committed as a link is left out, not silently missing.
 */
export function globFileMatches(
  tree: FileTree,
  layout: Extract<PackageLayout, { kind: 'globs' }>
): string[] {
  const leftOut = excludedByLayout(layout)
  const found = new Set<string>()
  for (const glob of layout.globs) {
    const parts = glob.split('/')
    const last = parts.pop()!
    if (last === '**') continue
    const parents = parts.length
      ? globFolders(tree, { ...layout, globs: [parts.join('/')], exclude: [] }, () => false)
      : ['']
    const matches = globMatcher(last, { dot: last.startsWith('.') })
    for (const dir of parents)
      for (const name of tree.list(dir)?.files ?? []) {
        const rel = dir ? `${dir}/${name}` : name
        if (matches(name) && !leftOut(rel)) found.add(rel)
      }
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
 * The globs that find what the layout finds now, for a suggestion that adds to them: setting
 * package_globs replaces the uv workspace and the top-level folders, so a suggestion of the
 * missing globs alone would lose every package found so far.
 */
function currentGlobs(layout: PackageLayout, packages: readonly string[]): string[] {
  if (layout.kind === 'globs') return [...layout.globs, ...layout.exclude.map((g) => `!${g}`)]
  return packages.length > 0 ? ['*'] : []
}

/**
 * Where a suggested setting goes: the settings table the run read, or when the root pyproject has
 * none, a table named after the root project (which then becomes the settings table); with no
 * root pyproject.toml at all, the input.
 */
function settingsHome(settings: Settings, rootPyproject: PyProject | undefined): string {
  if (!rootPyproject)
    return 'the package-globs input (there is no root pyproject.toml to hold package_globs)'
  // The default table name that the root pyproject lacks: the run read no table at all.
  const unread =
    settings.table === defaultSettings().table &&
    !getTable(rootPyproject.data, ['tool', settings.table])
  const table = unread ? (rootPyproject.name ?? settings.table) : settings.table
  return `[tool.${table}] of the root pyproject.toml (or the package-globs input)`
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
  strays: readonly string[],
  rootPyproject?: PyProject
): Finding[] {
  if (packages.length > 0 && strays.length === 0) return []
  const looked = `looked for ${describeLayout(layout, settings)}`
  if (strays.length === 0)
    return [{ severity: 'warning', message: `no subpackages found: ${looked}` }]
  const shown = listNames(strays, 3)
  const globs = [...new Set([...currentGlobs(layout, packages), ...suggestedGlobs(strays)])]
  const what =
    packages.length === 0
      ? 'no subpackages found'
      : `${plural(strays.length, 'pyproject.toml file')} outside every subpackage`
  return [
    {
      severity: 'warning',
      message: `${what}: ${looked}, and ${shown} ${strays.length === 1 ? 'is' : 'are'} not in one. To make them subpackages set package_globs = ${JSON.stringify(globs)} in ${settingsHome(settings, rootPyproject)}; to leave them out, add their folders to exclude_dirs.`
    }
  ]
}
