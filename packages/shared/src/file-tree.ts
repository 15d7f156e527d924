import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gitExecutable } from './git.js'

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
   * `git`: the files git tracks (its index: what a checkout holds, plus what is staged), so
   * ignored output such as `.venv/` or `build/` never counts and an empty folder does not exist,
   * as on a runner. `disk`: the folders as they are.
   */
  readonly source: 'git' | 'disk'
  list(rel: string): Listing | undefined
}

export type TreeSource = 'git' | 'disk'

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export function diskTree(root: string): FileTree {
  return {
    source: 'disk',
    list(rel) {
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
      for (const e of entries) (e.isDirectory() ? dirs : files).push(e.name)
      return { files: files.sort(byCodePoint), dirs: dirs.sort(byCodePoint) }
    }
  }
}

/**
 * A tree over `git ls-files` output (paths relative to the root), indexed by folder in one pass:
 * each new folder is entered in its parent once, each file in its folder. A top-level folder with
 * no tracked file at all (a package not yet added) is listed from `fallback`, so a new package is
 * still seen before its first commit.
 */
export function treeFromPaths(paths: string[], fallback: FileTree): FileTree {
  const folders = new Map<string, Listing>([['', { files: [], dirs: [] }]])
  for (const p of paths) {
    if (!p) continue
    const slash = p.lastIndexOf('/')
    const dir = slash < 0 ? '' : p.slice(0, slash)
    let listing = folders.get(dir)
    if (!listing) {
      folders.set(dir, (listing = { files: [], dirs: [] }))
      // Enter the new folder in its parent, and the parent in its own, up to one already known.
      for (let child = dir; ;) {
        const cut = child.lastIndexOf('/')
        const parent = cut < 0 ? '' : child.slice(0, cut)
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
  return {
    source: 'git',
    list(rel) {
      const found = folders.get(rel)
      if (found || rel === '') return found
      const slash = rel.indexOf('/')
      return folders.has(slash < 0 ? rel : rel.slice(0, slash)) ? undefined : fallback.list(rel)
    }
  }
}

/**
 * Starts listing the tree: with `git`, one `git ls-files` (a few tens of milliseconds for
 * 100,000 files, where walking the same 60,000 folders one readdir at a time takes a second);
 * outside a git work tree, or without git, the disk. Call it before reading the packages: git
 * writes to a temporary file, so it runs on the other core while this process reads
 * synchronously, and nobody has to drain a pipe.
 */
export function startFileTree(
  root: string,
  source: TreeSource
): Promise<FileTree & { note?: string }> {
  const disk = diskTree(root)
  if (source === 'disk') return Promise.resolve(disk)
  const tmp = mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'contribs-ls-'))
  const out = path.join(tmp, 'paths')
  const fd = openSync(out, 'w')
  const cleanup = () => rmSync(tmp, { recursive: true, force: true })
  return new Promise<FileTree & { note?: string }>((resolve) => {
    const fallback = (why: string) => {
      cleanup()
      resolve({ ...disk, note: `listed folders from disk: ${why}` })
    }
    let stderr = ''
    const child = spawn(gitExecutable(), ['ls-files', '-z', '--cached'], {
      cwd: root,
      stdio: ['ignore', fd, 'pipe']
    })
    closeSync(fd)
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', (e) => fallback(`git could not start (${e.message})`))
    child.on('close', (code) => {
      if (code !== 0) return fallback(stderr.trim().split('\n')[0] || `git exit ${code}`)
      try {
        const paths = readFileSync(out, 'utf8').split('\0')
        resolve(treeFromPaths(paths, disk))
      } finally {
        cleanup()
      }
    })
  })
}
