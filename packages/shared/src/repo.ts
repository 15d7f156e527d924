import { statSync } from 'node:fs'
import path from 'node:path'
import { commitTree } from './commit-tree.js'
import { UserError } from './errors.js'
import { FileTree, hiddenOrModules, startFileTree, TreeSource } from './file-tree.js'
import type { Finding } from './findings.js'
import { parseRepoJson } from './json-file.js'
import { Owners, parseOwners } from './owners.js'
import {
  excludedByLayout,
  FolderFilter,
  globFolders,
  layoutFindings,
  layoutOf,
  PackageLayout,
  repoRelative,
  isStrayProject
} from './package-layout.js'
import { dependenciesAndCiOnly, PyProject, readPyProject } from './pyproject.js'
import { blobSha } from './git.js'
import { mapLimit } from './map-limit.js'
import {
  pathExists,
  readRepoText,
  readTreeEntryText,
  TreeEntry,
  UnreadableFileError
} from './repo-file.js'
import { LoadedSettings, resolveSettings, Settings } from './settings.js'
import { hasControlCharacter, listNames } from './text.js'

/** One contributed subpackage: a folder of the repository (see PackageLayout). */
export interface Subpackage {
  /**
   * Folder relative to the root, with `/`: `dspy`, `_integration_core`, or with package_globs
   * `python/instrumentation/x`. It is the package's name everywhere (matrix, maps, messages).
   */
  dir: string
  hasPyproject: boolean
  pyproject?: PyProject
  /**
   * The TOML syntax error when `pyproject.toml` does not parse, or the UnreadableFileError when
   * it is not read at all (a link out of the checkout, not a file, too large, not UTF-8).
   */
  pyprojectError?: UserError
  /**
   * Undefined when the package has no OWNERS file, it could not be read (`ownersError`), or it
   * was not asked for (ReadWhat).
   */
  owners?: Owners
  /** Why OWNERS was not read (see UnreadableFileError). */
  ownersError?: UnreadableFileError
}

export interface Grandfather {
  file: string
  paths: string[]
}

/** A repository before its packages are read: the root, its settings and grandfathering. */
export interface RepoBase {
  root: string
  rootPyproject?: PyProject
  settings: Settings
  settingsFindings: Finding[]
  grandfather: Grandfather
  /** The files, as git sees the working tree unless `listing: disk` was asked for. */
  tree: FileTree & { note?: string }
  layout: PackageLayout
  /** Folders that may be packages (see PackageLayout), sorted by code point; readPackage decides. */
  candidates: string[]
}

/** loadRepo's settingsFindings also hold the layout's warnings, so every action shows them. */
export interface Repo extends RepoBase {
  /** No package found, or pyproject.toml files outside every package (packageLayoutFindings). */
  layoutFindings: Finding[]
  /** Sorted by folder name (code point order), so every report is stable. */
  packages: Subpackage[]
  byDir: Map<string, Subpackage>
}

export interface LoadOptions {
  overrides?: Partial<Settings>
  /** The `settings-table` input, when given. */
  table?: string
  /** Where the files come from: git's view of the working tree (the default) or the disk. */
  listing?: TreeSource
  /** Whether packages' OWNERS are read (default true); see ReadWhat. */
  owners?: boolean
  /** What is kept of each package's pyproject (see ReadWhat). */
  pyproject?: ReadWhat['pyproject']
  /** The grandfather list to use instead of the checkout's (a pull request's base commit's). */
  grandfather?: Grandfather
  /** The layout to use instead of the checkout's (a pull request's base commit's). */
  layout?: PackageLayout
}

/**
 * What readPackage reads besides `pyproject.toml`. A caller that never names owners (discover,
 * read-ci-config) leaves them out: it then opens a package's OWNERS only when there is no
 * pyproject.toml, to tell a package from a folder.
 */
export interface ReadWhat {
  owners?: boolean
  /**
   * `all` (the default), or only the tables the dependency graph and the CI settings read (see
   * dependenciesAndCiOnly), for a caller that keeps every package to the end of its run.
   */
  pyproject?: 'all' | 'dependencies-and-ci'
}

/** Reads `{"legacy_paths": [...]}` from the checkout; a missing file grandfathers nothing. */
function readGrandfather(root: string, file: string): Grandfather {
  const text = readRepoText(root, file)
  return text === undefined ? { file, paths: [] } : parseGrandfather(text, file)
}

/** The grandfather list's text (see readGrandfather), wherever it was read from. */
export function parseGrandfather(text: string, file: string): Grandfather {
  const data = parseRepoJson(text, file)
  const list = (data as { legacy_paths?: unknown })?.legacy_paths
  if (list === undefined) return { file, paths: [] }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    throw new UserError('legacy_paths must be a list of root-relative paths', { file })
  }
  return {
    file,
    paths: list.map(repoRelative)
  }
}

/** Whether a root-relative path is, or is under, a grandfathered path. */
export function isGrandfathered(grandfather: Grandfather, rel: string): boolean {
  return grandfather.paths.some((p) => rel === p || rel.startsWith(`${p}/`))
}

/**
 * Folders that are never packages, at any depth: hidden ones and node_modules, those under an
 * `exclude_dirs` entry or the template, the legacy namespace folder, grandfathered paths, and a
 * name holding a control character (a package's name goes into log lines, branches and labels;
 * see packageLayoutFindings for the warning).
 */
export function neverPackage(settings: Settings, grandfather: Grandfather): FolderFilter {
  const excluded = [...settings.exclude_dirs, settings.template_dir]
    .map(repoRelative)
    .filter(Boolean)
  return (dir) => {
    if (hasControlCharacter(dir)) return true
    const segments = dir.split('/')
    if (segments.some(hiddenOrModules)) return true
    if (segments[0] === settings.namespace) return true
    if (excluded.some((e) => dir === e || dir.startsWith(`${e}/`))) return true
    return isGrandfathered(grandfather, dir)
  }
}

/** The folders that may be packages under the layout, sorted by code point. */
function packageCandidates(
  tree: FileTree,
  layout: PackageLayout,
  excluded: FolderFilter
): string[] {
  if (layout.kind === 'globs') return globFolders(tree, layout, excluded)
  return (tree.list('')?.dirs ?? []).filter((name) => !excluded(name))
}

/**
 * The layout's warnings once the packages are known (see layoutFindings): none found, or
 * `pyproject.toml` files no package owns.
 */
export function packageLayoutFindings(repo: RepoBase, packageDirs: readonly string[]): Finding[] {
  const never = neverPackage(repo.settings, repo.grandfather)
  const leftOut = excludedByLayout(repo.layout)
  const excluded = (dir: string) => never(dir) || leftOut(dir)
  const isStray = isStrayProject(packageDirs, excluded)
  const refused: string[] = []
  const strays = repo.tree.filesNamed('pyproject.toml', (file) => {
    if (!hasControlCharacter(file)) return isStray(file)
    refused.push(file)
    return false
  })
  const findings = layoutFindings(
    repo.layout,
    repo.settings,
    packageDirs,
    strays,
    repo.rootPyproject
  )
  if (refused.length) findings.push(controlCharacterWarning(refused))
  const nested = nestedPackages(packageDirs)
  if (nested.length)
    findings.push({
      severity: 'warning',
      message: `${listNames(
        nested.map(([outer, inner]) => `${inner} lies inside the package ${outer}`),
        3
      )}: a change below the inner folder counts for it alone, and bump branches named by package path collide in git (leave one out of the package globs)`
    })
  return findings
}

/** Pairs of packages one inside the other (`[outer, inner]`, the nearest outer one). */
export function nestedPackages(dirs: readonly string[]): [string, string][] {
  const known = new Set(dirs)
  const pairs: [string, string][] = []
  for (const dir of dirs)
    for (let at = dir.lastIndexOf('/'); at > 0; at = dir.lastIndexOf('/', at - 1))
      if (known.has(dir.slice(0, at))) {
        pairs.push([dir.slice(0, at), dir])
        break
      }
  return pairs
}

/** The warning naming `pyproject.toml` files left out for a control character in their path. */
function controlCharacterWarning(files: string[]): Finding {
  return {
    severity: 'warning',
    message: `${listNames(
      files.map((file) => JSON.stringify(file)),
      3
    )}: a folder whose name holds a control character (a line break, an escape) is never a subpackage`
  }
}

/**
 * Every package of the repository (see PackageLayout and readPackage), with the layout's
 * warnings among the settings findings.
 */
export async function loadRepo(root: string, options: LoadOptions = {}): Promise<Repo> {
  const base = await openRepo(root, options)
  const packages = [...eachPackage(base, { owners: options.owners, pyproject: options.pyproject })]
  const layoutFindings = packageLayoutFindings(
    base,
    packages.map((p) => p.dir)
  )
  return {
    ...base,
    settingsFindings: [...base.settingsFindings, ...layoutFindings],
    layoutFindings,
    packages,
    byDir: new Map(packages.map((p) => [p.dir, p]))
  }
}

/** Every package, read one at a time as the caller asks for the next (see openRepo). */
export function* eachPackage(repo: RepoBase, what: ReadWhat = {}): Generator<Subpackage> {
  const files = workingTreeFiles(repo.root)
  for (const dir of repo.candidates) {
    const pkg = readPackage(repo, dir, what, files)
    if (pkg) yield pkg
  }
}

/**
 * The repository without its packages. For a caller that looks at each package once and keeps
 * little of it (validate-structure): reading with readPackage and dropping each parsed pyproject
 * after use keeps thousands of parsed TOML documents out of the heap, which on 5,000 packages
 * costs more in garbage collection than the parsing itself.
 */
export async function openRepo(root: string, options: LoadOptions = {}): Promise<RepoBase> {
  const abs = path.resolve(root)
  if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`repository path ${JSON.stringify(root)} is not a directory`)
  // git lists the files on the other core while the settings are read.
  const listed = startFileTree(abs, options.listing ?? 'git')
  const rootText = readRepoText(abs, 'pyproject.toml')
  const rootPyproject =
    rootText === undefined ? undefined : readPyProject(rootText, 'pyproject.toml')
  const loaded: LoadedSettings = resolveSettings(rootPyproject, options.overrides, options.table)
  const settings = loaded.settings
  const grandfather = options.grandfather ?? readGrandfather(abs, settings.grandfather_file)
  const tree = await listed
  const layout = options.layout ?? layoutOf(settings, rootPyproject)
  const candidates = packageCandidates(tree, layout, neverPackage(settings, grandfather))
  return {
    root: abs,
    rootPyproject,
    settings,
    settingsFindings: loaded.findings,
    grandfather,
    tree,
    layout,
    candidates
  }
}

/**
 * Reads one candidate folder (see RepoBase), undefined when it is not a package: in the
 * top-level layout a folder is one when it holds a `pyproject.toml`, an `OWNERS` file or the
 * namespace folder (a root `test/` of conftest files is plumbing, not a package with something
 * missing); with globs, when it holds a `pyproject.toml`. Synchronous on
 * purpose: with the files in the page cache (a fresh checkout), two synchronous reads cost a fraction
 * of the promise API's open/fstat/read/close round trips through the thread pool (profiled: the
 * async version spent more time in file-handle calls than in reading). The folder is not listed:
 * a listing costs as much as a read, and only validate-structure needs one (it asks a FileTree).
 */
export function readPackage(
  repo: Pick<RepoBase, 'root' | 'settings' | 'layout'>,
  dir: string,
  what: ReadWhat = {},
  files: PackageFiles = workingTreeFiles(repo.root)
): Subpackage | undefined {
  const { settings } = repo
  const pyText = files.text(`${dir}/pyproject.toml`)
  const hasPyproject = pyText !== undefined
  const ownersText =
    what.owners !== false || !hasPyproject ? files.text(`${dir}/OWNERS`) : undefined
  if (
    !hasPyproject &&
    (repo.layout.kind === 'globs' ||
      (ownersText === undefined &&
        // With `namespace = ""` there is no namespace folder to tell a package by.
        !(settings.namespace && files.exists(`${dir}/${settings.namespace}`))))
  )
    return undefined
  const pkg: Subpackage = { dir, hasPyproject }
  if (pyText instanceof UnreadableFileError) pkg.pyprojectError = pyText
  else if (pyText !== undefined) {
    try {
      const pyproject = readPyProject(pyText, `${dir}/pyproject.toml`)
      pkg.pyproject =
        what.pyproject === 'dependencies-and-ci'
          ? dependenciesAndCiOnly(pyproject, settings.table)
          : pyproject
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      pkg.pyprojectError = e
    }
  }
  if (ownersText instanceof UnreadableFileError) pkg.ownersError = ownersText
  else if (ownersText !== undefined) pkg.owners = parseOwners(ownersText)
  return pkg
}

/** Where readPackage reads a package's files: the working tree, or a commit (packagesAtCommit). */
export interface PackageFiles {
  /** A root-relative file's text, why it was not read, or undefined when there is none. */
  text(rel: string): string | UnreadableFileError | undefined
  /** Whether the root-relative path is there (the namespace folder telling a package). */
  exists(rel: string): boolean
}

const workingTreeFiles = (root: string): PackageFiles => ({
  text: (rel) => readPackageFile(root, rel),
  exists: (rel) => pathExists(`${root}/${rel}`)
})

/**
 * The packages as they are at commit `rev`, for a run comparing a head it has not checked out
 * (`pull_request_target` checks out the base; a `head` input may name any commit): those the
 * change adds are there, those it deletes are not, and each is read as it is at `rev`. The
 * settings and the layout are the checkout's. A package whose `pyproject.toml` is the same blob
 * as the checkout's is the checkout's package, parsed once; the others are read from git's
 * objects by readTreeEntryText's rules (no link followed, size bounded, UTF-8), never checked out.
 * OWNERS are read at `rev` too, so with owners asked for every package is read there.
 */
export async function packagesAtCommit(
  repo: Repo,
  rev: string,
  what: ReadWhat = {}
): Promise<Subpackage[]> {
  const tree = await commitTree(repo.root, rev)
  const candidates = packageCandidates(
    tree,
    repo.layout,
    neverPackage(repo.settings, repo.grandfather)
  )
  const kept = new Map<string, Subpackage>()
  const toRead: TreeEntry[] = []
  for (const dir of candidates) {
    const checkedOut = repo.byDir.get(dir)
    const pyproject = tree.entry(`${dir}/pyproject.toml`)
    if (what.owners === false && checkedOut && sameFile(checkedOut, pyproject)) {
      kept.set(dir, checkedOut)
      continue
    }
    if (pyproject) toRead.push(pyproject)
    const owners = tree.entry(`${dir}/OWNERS`)
    // As readPackage asks for it: when wanted, or to tell a folder without a pyproject a package.
    if (owners && (what.owners !== false || !pyproject)) toRead.push(owners)
  }
  const texts = new Map<string, string | UnreadableFileError>()
  await mapLimit(toRead, 8, async (entry) => {
    try {
      texts.set(entry.path, await readTreeEntryText(repo.root, rev, entry))
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e
      texts.set(entry.path, e)
    }
  })
  const files: PackageFiles = {
    text: (rel) => texts.get(rel),
    exists: (rel) => tree.entry(rel) !== undefined || tree.list(rel) !== undefined
  }
  return candidates.flatMap((dir) => kept.get(dir) ?? readPackage(repo, dir, what, files) ?? [])
}

/**
 * Whether the checkout's package has the same `pyproject.toml` as the commit: the same blob. A
 * package without one is read again (its OWNERS, which tell it a package, may differ).
 */
function sameFile(checkedOut: Subpackage, pyproject: TreeEntry | undefined): boolean {
  const text = checkedOut.pyproject?.text
  if (!pyproject || text === undefined) return false
  return (
    pyproject.type === 'blob' && pyproject.mode !== '120000' && blobSha(text) === pyproject.object
  )
}

/**
 * A package file's text, or why it was not read: one package's unreadable file is that
 * package's problem (a finding), not the end of the run. The folder is a candidate, listed by
 * the file tree.
 */
function readPackageFile(root: string, rel: string): string | UnreadableFileError | undefined {
  try {
    return readRepoText(root, rel, { folderListed: true })
  } catch (e) {
    if (e instanceof UnreadableFileError) return e
    throw e
  }
}
