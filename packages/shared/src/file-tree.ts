import { Dirent, lstatSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ignore, { type Ignore } from 'ignore'
import { git, gitSync } from './git.js'
import { readRepoText, UnreadableFileError } from './repo-file.js'
import { sortByCodePoint } from './text.js'
import { TrackedPaths } from './tracked-paths.js'

/** What one folder holds, each list sorted by code point. */
export interface Listing {
  files: string[]
  dirs: string[]
}

/**
 * The folders below a repository root, asked one folder at a time (`rel` is root-relative with
 * `/`, `''` for the root). Undefined for a folder that is not there.
 */
export interface FileTree {
  /**
   * `git`: the working tree as git sees it (see workingTreePaths), so ignored output such as
   * `.venv/` or `build/` never counts and an empty folder does not exist, as on a runner.
   * `disk`: the folders as they are. `commit`: a commit's files (see commitTree).
   */
  readonly source: 'git' | 'disk' | 'commit'
  list(rel: string): Listing | undefined
  /**
   * Root-relative paths of every file with this name, outside hidden folders and node_modules,
   * sorted by code point: where the `pyproject.toml` files are that no package owns. `where`,
   * when given, keeps only the paths it accepts, asked before the disk is.
   */
  filesNamed(name: string, where?: (path: string) => boolean): string[]
}

export type TreeSource = 'git' | 'disk'

/**
 * Whether every part of `rel` below `root` is a folder and none a symbolic link. A listing
 * never goes through a link (it may lead out of the checkout, or loop): a link is an entry of
 * its folder's `files`, as git records it, whatever it points to.
 */
function realFolder(root: string, rel: string): boolean {
  let at = root
  for (const part of rel.split('/')) {
    at = `${at}/${part}`
    let st
    try {
      st = lstatSync(at, { throwIfNoEntry: false })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return false
      throw e
    }
    if (!st?.isDirectory()) return false
  }
  return true
}

/** A folder's entries as they are on disk (never through a link), or undefined. */
function readFolder(root: string, rel: string): Dirent[] | undefined {
  return rel && !realFolder(root, rel) ? undefined : readEntries(root, rel)
}

/** The entries of a folder already known to be a real one. */
function readEntries(root: string, rel: string): Dirent[] | undefined {
  try {
    return readdirSync(rel ? `${root}/${rel}` : root, { withFileTypes: true })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw e
  }
}

export function diskTree(root: string): FileTree {
  return {
    source: 'disk',
    list(rel) {
      const entries = readFolder(root, rel)
      if (!entries) return undefined
      const files: string[] = []
      const dirs: string[] = []
      // A Dirent is not followed: a link to a folder counts as a file here, never listed into.
      for (const e of entries) (e.isDirectory() ? dirs : files).push(e.name)
      return { files: sortByCodePoint(files), dirs: sortByCodePoint(dirs) }
    },
    filesNamed(name, where) {
      return walkFilesNamed(this, name).filter((file) => !where || where(file))
    }
  }
}

/** filesNamed by listing folder after folder (a disk tree has no list of paths). */
function walkFilesNamed(tree: FileTree, name: string): string[] {
  const out: string[] = []
  const visit = (rel: string): void => {
    const listing = tree.list(rel)
    if (!listing) return
    if (listing.files.includes(name)) out.push(rel ? `${rel}/${name}` : name)
    for (const dir of listing.dirs) if (!hiddenOrModules(dir)) visit(rel ? `${rel}/${dir}` : dir)
  }
  visit('')
  return sortByCodePoint(out)
}

/** A hidden folder or node_modules: never a package's place, never searched for files. */
export const hiddenOrModules = (segment: string) =>
  segment.startsWith('.') || segment === 'node_modules'

/**
 * What git needs to tell which files of a folder belong to the working tree: the tracked paths
 * (relative to the root), and the ignore rules that sit outside the folders, asked of git only
 * when an untracked entry is met: in a clean checkout, as on a runner, every entry is tracked and
 * no rule is ever needed.
 */
export interface GitFacts {
  tracked: TrackedPaths
  outsideRules: () => OutsideRules
}

/**
 * The ignore rules outside the folders: `.git/info/exclude`, `core.excludesFile`, and the
 * `.gitignore` files above the root when the root is a folder inside the work tree.
 */
export interface OutsideRules {
  /** The root's path below the top of the work tree: `''` or ending in `/`. */
  prefix: string
  /** Patterns of the `.gitignore` files from the top of the work tree down to the root's parent. */
  aboveRoot: { base: string; patterns: string }[]
  /** `.git/info/exclude`, then `core.excludesFile`: the weakest rules, in that order. */
  excludes: string[]
}

/** One source of ignore rules and the folder (work-tree-relative, `''` or ending in `/`) its patterns are relative to. */
interface RuleLevel {
  base: string
  rules: Ignore
}

/**
 * The working tree as git sees it (what `git ls-files --cached --others --exclude-standard` lists
 * of the files on disk), one folder at a time: an entry of a folder on disk belongs to it when git
 * tracks it (a tracked file or a folder holding one) or when no ignore rule excludes it, read the
 * way git reads them (the deepest `.gitignore` first, then the ones above, then
 * `.git/info/exclude`, then `core.excludesFile`; nothing below an excluded folder is re-included).
 * So a laptop with unstaged deletions, new files and build output gets the answer a runner gets
 * once the change is committed.
 *
 * Asking git for the whole list instead walks every folder of the repository before the first
 * package can be read; asked folder by folder, a run that looks at the package folders alone
 * (discover, read-ci-config) reads only those. Two known differences from git's list, both about
 * folders: an untracked folder is there when it holds a file git would list, but a tracked folder
 * whose files were all deleted without staging stays until the deletion is committed; and an
 * untracked nested git repository is listed as a folder (git names it without its files).
 */
export function gitTree(root: string, facts: GitFacts): FileTree {
  const tracked = facts.tracked
  const rules = new IgnoreRules(root, facts.outsideRules)
  const realFolders = new Set<string>()
  /**
   * The tracked paths below each listed folder: a folder's run is searched for within its
   * parent's, a few steps, where a search of the whole list takes a dozen and more.
   */
  const runs = new Map<string, TrackedPaths>([['', tracked]])
  const trackedIn = (rel: string): TrackedPaths => {
    let run = runs.get(rel)
    if (!run) runs.set(rel, (run = trackedIn(parentOf(rel)).inside(rel)))
    return run
  }

  const tree: FileTree = {
    source: 'git',
    list(rel) {
      if (!folderBelongs(rel)) return undefined
      const entries = readEntries(root, rel)
      if (!entries) return undefined
      const files: string[] = []
      const dirs: string[] = []
      const here = trackedIn(rel).entries()
      const pathOf = (name: string) => (rel ? `${rel}/${name}` : name)
      let gitignore = false
      for (const entry of entries) {
        const name = entry.name
        if (name === '.git') continue
        if (!entry.isDirectory()) {
          if (name === '.gitignore') gitignore = true
          if (here.files.has(name) || rules.untrackedBelongs(pathOf(name), false)) files.push(name)
        } else if (here.files.has(name))
          files.push(name) // a submodule, listed as git does
        else if (
          here.folders.has(name) ||
          (rules.untrackedBelongs(pathOf(name), true) && tree.list(pathOf(name)))
        ) {
          dirs.push(name)
          realFolders.add(pathOf(name))
        }
      }
      // Remembered after the entries are looked at: an untracked one among them reads the
      // folder's rules, which finds the `.gitignore` itself.
      if (!gitignore) rules.noGitignoreIn(rel)
      if (!files.length && !dirs.length) return undefined
      return { files: sortByCodePoint(files), dirs: sortByCodePoint(dirs) }
    },
    filesNamed(name, where) {
      return tracked
        .named(name)
        .filter(
          (p) =>
            !p.split('/').slice(0, -1).some(hiddenOrModules) &&
            (!where || where(p)) &&
            folderBelongs(parentOf(p)) &&
            isFileOrLink(`${root}/${p}`)
        )
    }
  }

  /**
   * Whether every folder from the root down to `rel` is a real folder (no link) git would list;
   * remembered, since callers ask for a package's folders one below the other.
   */
  const folderBelongs = (rel: string): boolean => {
    if (!rel || realFolders.has(rel)) return true
    if (!folderBelongs(parentOf(rel))) return false
    if (!lstatSync(`${root}/${rel}`, { throwIfNoEntry: false })?.isDirectory()) return false
    if (!tracked.holds(rel) && !rules.untrackedBelongs(rel, true)) return false
    realFolders.add(rel)
    return true
  }
  return tree
}

/**
 * git's ignore rules, asked of untracked entries only and read on first use: the `.gitignore`
 * of each folder (the deepest first), then the ones above the root, `.git/info/exclude` and
 * `core.excludesFile` (the weakest). In a clean checkout no entry is untracked and none is read.
 */
class IgnoreRules {
  private outside: (OutsideRules & { levels: RuleLevel[] }) | undefined
  private readonly levels = new Map<string, RuleLevel[]>()
  /** Folders listed without a `.gitignore` among their entries: none to read for them. */
  private readonly noGitignore = new Set<string>()
  private readonly excludedFolders = new Map<string, boolean>()

  constructor(
    private readonly root: string,
    private readonly outsideRules: () => OutsideRules
  ) {}

  /** Whether git lists `rel`, which it does not track: whether no ignore rule leaves it out. */
  untrackedBelongs(rel: string, isFolder: boolean): boolean {
    return !this.folderExcluded(parentOf(rel)) && !this.ruledOut(rel, isFolder)
  }

  /** A folder whose listing holds no `.gitignore`: its rules are its parent's. */
  noGitignoreIn(rel: string): void {
    this.noGitignore.add(rel)
  }

  /** The rules outside the folders, the strongest first. */
  private outsideLevels(): OutsideRules & { levels: RuleLevel[] } {
    if (!this.outside) {
      const rules = this.outsideRules()
      const above = rules.aboveRoot.map(({ base, patterns }) => ruleLevel(base, patterns)).reverse()
      const outer = rules.excludes.map((patterns) => ruleLevel('', patterns))
      this.outside = { ...rules, levels: [...above, ...outer] }
    }
    return this.outside
  }

  /** The rule levels that apply inside `rel`, the strongest first. */
  private levelsIn(rel: string): RuleLevel[] {
    const known = this.levels.get(rel)
    if (known) return known
    const { prefix, levels: outer } = this.outsideLevels()
    const around = rel ? this.levelsIn(parentOf(rel)) : outer
    const own = this.noGitignore.has(rel) ? undefined : readGitignore(this.root, rel)
    const result = own ? [ruleLevel(prefix + (rel ? `${rel}/` : ''), own), ...around] : around
    this.levels.set(rel, result)
    return result
  }

  private ruledOut(rel: string, isFolder: boolean): boolean {
    const full = this.outsideLevels().prefix + rel + (isFolder ? '/' : '')
    for (const level of this.levelsIn(parentOf(rel))) {
      const verdict = level.rules.checkIgnore(full.slice(level.base.length))
      if (verdict.ignored) return true
      if (verdict.unignored) return false
    }
    return false
  }

  /** Whether git leaves out the untracked files below `rel` (it or a folder above is excluded). */
  private folderExcluded(rel: string): boolean {
    if (!rel) return false
    let known = this.excludedFolders.get(rel)
    if (known === undefined) {
      known = this.folderExcluded(parentOf(rel)) || this.ruledOut(rel, true)
      this.excludedFolders.set(rel, known)
    }
    return known
  }
}

const ruleLevel = (base: string, patterns: string): RuleLevel => ({
  base,
  rules: ignore({ allowRelativePaths: true }).add(patterns)
})

const parentOf = (rel: string) => rel.slice(0, Math.max(rel.lastIndexOf('/'), 0))

/** Whether a tracked file is still there (a file or a link: a folder's listing says the rest). */
function isFileOrLink(abs: string): boolean {
  const st = lstatSync(abs, { throwIfNoEntry: false })
  return st !== undefined && !st.isDirectory()
}

/**
 * A folder's `.gitignore`, or undefined. git does not follow a `.gitignore` that is a symbolic
 * link, and neither does this; an unreadable one (too large, not UTF-8) is passed over as git
 * would pass over what it cannot match.
 */
function readGitignore(root: string, rel: string): string | undefined {
  const file = rel ? `${rel}/.gitignore` : '.gitignore'
  const st = lstatSync(`${root}/${file}`, { throwIfNoEntry: false })
  if (!st?.isFile()) return undefined
  try {
    return readRepoText(root, file, { folderListed: true })
  } catch (e) {
    if (e instanceof UnreadableFileError) return undefined
    throw e
  }
}

/** What gitTree needs from git, or why git cannot say (not a work tree, git missing). */
export async function readGitFacts(root: string): Promise<GitFacts | string> {
  const index = await git(root, ['ls-files', '-z', '--cached'])
  if (index.code !== 0) return index.stderr.trim().split('\n')[0] || `git exit ${index.code}`
  return {
    tracked: TrackedPaths.fromGitList(index.stdout),
    outsideRules: () => readOutsideRules(root)
  }
}

/**
 * The ignore rules outside the root's folders, asked of git while a folder is being listed (so
 * synchronously): where the root sits in the work tree, `.git/info/exclude`, `core.excludesFile`.
 */
function readOutsideRules(root: string): OutsideRules {
  const where = gitSync(root, ['rev-parse', '--show-prefix', '--git-path', 'info/exclude'])
  if (where.code !== 0)
    throw new Error(`git rev-parse failed in ${root}: ${where.stderr.trim().split('\n')[0]}`)
  const [prefix = '', infoExclude = ''] = where.stdout.split('\n')
  const top = prefix
    ? path.resolve(
        root,
        prefix
          .split('/')
          .filter(Boolean)
          .map(() => '..')
          .join('/')
      )
    : root
  const aboveRoot: OutsideRules['aboveRoot'] = []
  const parts = prefix.split('/').filter(Boolean)
  for (let depth = 0; depth < parts.length; depth++) {
    const base = parts
      .slice(0, depth)
      .map((p) => `${p}/`)
      .join('')
    const patterns = readGitignore(top, base.replace(/\/$/, ''))
    if (patterns !== undefined) aboveRoot.push({ base, patterns })
  }
  const excludesFile = gitSync(root, ['config', '--path', '--get', 'core.excludesFile'])
  const globalFile = excludesFile.code === 0 ? excludesFile.stdout.trim() : defaultExcludesFile()
  const excludes = [path.resolve(root, infoExclude), globalFile]
    .map((file) => (file ? readOutsideFile(file) : undefined))
    .filter((text): text is string => text !== undefined)
  return { prefix, aboveRoot, excludes }
}

/** git's default `core.excludesFile`. */
function defaultExcludesFile(): string | undefined {
  const config = process.env.XDG_CONFIG_HOME || (process.env.HOME && `${process.env.HOME}/.config`)
  return config ? `${config}/git/ignore` : undefined
}

/** A file of git's own configuration (not the repository's content), or undefined. */
function readOutsideFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * Lists the tree: with `git`, the working tree as git sees it (see gitTree); outside a git work
 * tree, or without git, the disk, with a note saying why. `disk`: the folders as they are,
 * ignored output included.
 */
export async function startFileTree(
  root: string,
  source: TreeSource
): Promise<FileTree & { note?: string }> {
  const disk = diskTree(root)
  if (source === 'disk') return disk
  try {
    const facts = await readGitFacts(root)
    if (typeof facts !== 'string') return gitTree(root, facts)
    return { ...disk, note: `listed folders from disk: ${facts}` }
  } catch (e) {
    return { ...disk, note: `listed folders from disk: ${(e as Error).message}` }
  }
}
