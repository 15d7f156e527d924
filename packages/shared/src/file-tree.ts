import { lstatSync, readdirSync } from 'node:fs'
import { git } from './git.js'
import { byCodePoint } from './text.js'

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
   * `disk`: the folders as they are.
   */
  readonly source: 'git' | 'disk'
  list(rel: string): Listing | undefined
  /**
   * Root-relative paths of every file with this name, outside hidden folders and node_modules,
   * sorted by code point: where the `pyproject.toml` files are that no package owns.
   */
  filesNamed(name: string): string[]
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

export function diskTree(root: string): FileTree {
  return {
    source: 'disk',
    list(rel) {
      if (rel && !realFolder(root, rel)) return undefined
      let entries
      try {
        entries = readdirSync(rel ? `${root}/${rel}` : root, { withFileTypes: true })
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
        throw e
      }
      const files: string[] = []
      const dirs: string[] = []
      // A Dirent is not followed: a link to a folder counts as a file here, never listed into.
      for (const e of entries) (e.isDirectory() ? dirs : files).push(e.name)
      return { files: files.sort(byCodePoint), dirs: dirs.sort(byCodePoint) }
    },
    filesNamed(name) {
      return walkFilesNamed(this, name)
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
  return out.sort(byCodePoint)
}

const hiddenOrModules = (segment: string) => segment.startsWith('.') || segment === 'node_modules'

/**
 * The folders of one top-level folder, from its paths (all starting with `top/`), in one pass:
 * each new folder is entered in its parent once, each file in its folder.
 */
function indexFolders(top: string, paths: string[]): Map<string, Listing> {
  const folders = new Map<string, Listing>([[top, { files: [], dirs: [] }]])
  for (const p of paths) {
    const slash = p.lastIndexOf('/')
    const dir = p.slice(0, slash)
    let listing = folders.get(dir)
    if (!listing) {
      folders.set(dir, (listing = { files: [], dirs: [] }))
      // Enter the new folder in its parent, and the parent in its own, up to one already known
      // (at the latest `top`).
      for (let child = dir; ;) {
        const cut = child.lastIndexOf('/')
        const parent = child.slice(0, cut)
        const known = folders.get(parent)
        if (known) {
          known.dirs.push(child.slice(cut + 1))
          break
        }
        folders.set(parent, { files: [], dirs: [child.slice(cut + 1)] })
        child = parent
      }
    }
    listing.files.push(p.slice(slash + 1))
  }
  // git sorts whole paths byte-wise (`a-b/x` before `a/x`); listings promise code-point order.
  for (const l of folders.values()) {
    if (l.files.length > 1) l.files.sort(byCodePoint)
    if (l.dirs.length > 1) l.dirs.sort(byCodePoint)
  }
  return folders
}

/**
 * A tree over root-relative file paths (see workingTreePaths). The paths are only grouped by
 * top-level folder up front; a top-level folder's listings are indexed when it is first asked
 * for, and only the last one is kept: callers walk one package at a time, and 60,000 retained
 * listings (5,000 packages) cost more in garbage collection than indexing a package again. A
 * folder holding none of the paths does not exist.
 */
export function treeFromPaths(paths: string[]): FileTree {
  const byTop = new Map<string, string[]>()
  const rootFiles: string[] = []
  let top = ''
  let group: string[] | undefined
  for (const p of paths) {
    if (!p) continue
    // git lists a folder's paths together (tracked, then untracked), so most paths continue
    // the previous group.
    if (group && p.charCodeAt(top.length) === 47 && p.startsWith(top)) {
      group.push(p)
      continue
    }
    const slash = p.indexOf('/')
    if (slash < 0) {
      rootFiles.push(p)
      group = undefined
      continue
    }
    top = p.slice(0, slash)
    group = byTop.get(top)
    if (!group) byTop.set(top, (group = []))
    group.push(p)
  }
  let indexed: { top: string; folders: Map<string, Listing> } | undefined
  return {
    source: 'git',
    list(rel) {
      if (rel === '')
        return {
          files: [...rootFiles].sort(byCodePoint),
          dirs: [...byTop.keys()].sort(byCodePoint)
        }
      const slash = rel.indexOf('/')
      const t = slash < 0 ? rel : rel.slice(0, slash)
      const under = byTop.get(t)
      if (!under) return undefined
      if (indexed?.top !== t) indexed = { top: t, folders: indexFolders(t, under) }
      return indexed.folders.get(rel)
    },
    filesNamed(name) {
      const suffix = `/${name}`
      return paths
        .filter(
          (p) =>
            (p === name || p.endsWith(suffix)) && !p.split('/').slice(0, -1).some(hiddenOrModules)
        )
        .sort(byCodePoint)
    }
  }
}

/**
 * The working tree as git sees it, from `git ls-files -z -t --cached --others --deleted
 * --exclude-standard`: tracked files that exist plus untracked files that are not ignored
 * (`.gitignore`, `.git/info/exclude`, the global excludes). A tracked file deleted from disk is
 * listed twice, `H` then `R`, and left out; so is a sparse checkout's skip-worktree file (`S`),
 * which is not on disk either. So a laptop with unstaged deletions, new files and build output
 * gets the answer a runner gets once the change is committed.
 */
export function workingTreePaths(lsFilesOutput: string): string[] {
  const entries = lsFilesOutput.split('\0')
  const gone = new Set<string>()
  for (const entry of entries) if (entry[0] === 'R' || entry[0] === 'S') gone.add(entry.slice(2))
  const paths: string[] = []
  for (const entry of entries) {
    const file = entry.slice(2)
    if (entry && !gone.has(file)) paths.push(file)
  }
  return paths
}

const LS_WORKING_TREE = [
  'ls-files',
  '-z',
  '-t',
  '--cached',
  '--others',
  '--deleted',
  '--exclude-standard'
]

/**
 * Lists the tree: with `git`, the working tree as git sees it (see workingTreePaths); outside a
 * git work tree, or without git, the disk, with a note saying why. `disk`: the folders as they
 * are, ignored output included.
 */
export async function startFileTree(
  root: string,
  source: TreeSource
): Promise<FileTree & { note?: string }> {
  const disk = diskTree(root)
  if (source === 'disk') return disk
  try {
    const r = await git(root, LS_WORKING_TREE)
    if (r.code === 0) return treeFromPaths(workingTreePaths(r.stdout))
    const why = r.stderr.trim().split('\n')[0] || `git exit ${r.code}`
    return { ...disk, note: `listed folders from disk: ${why}` }
  } catch (e) {
    return { ...disk, note: `listed folders from disk: ${(e as Error).message}` }
  }
}
