import { lstatSync, readFileSync, statSync } from 'node:fs'

// A small repository's file list, read from git's index file instead of asking git for it:
// starting git (loading child_process, spawning, waiting) is ~8 ms of a 10-package run, which
// is a quarter of what validate-structure adds to Node's own start-up. Only the plain layout a
// checkout has is read here; anything else returns undefined and git is asked as before:
// - GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE or GIT_COMMON_DIR set, or `.git` not a folder
//   (a linked worktree or a submodule keeps its index elsewhere);
// - a SHA-256 repository (other entry sizes) or a core.worktree setting (the work tree is
//   elsewhere), index format other than 2 or 3 (4 compresses
//   paths), a split index (`link`: entries live in another file) or a sparse index (`sdir`:
//   folder entries git ls-files would expand);
// - an index larger than the caller's limit (on a large repository git runs on the other core
//   while this process reads, which is cheaper than parsing here);
// - anything that does not add up (entry or extension running past the end).
// git-index.test.ts compares the result with `git ls-files -z --cached` on each of these cases.
// Format: https://git-scm.com/docs/index-format

const GIT_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']
const HASH_BYTES = 20 // SHA-1; SHA-256 repositories are left to git
const ENTRY_FIXED = 62 // ctime..gid (40), size (4), hash (20), flags (2), with SHA-1
const FLAG_EXTENDED = 0x4000
const NAME_MASK = 0xfff

/**
 * Every path in `<root>/.git/index`, in index order, one per entry (an unmerged path once per
 * stage), as `git ls-files -z --cached` run in `root` prints them; undefined when git must say.
 */
export function readIndexPaths(root: string, maxBytes: number): string[] | undefined {
  if (GIT_ENV.some((k) => process.env[k])) return undefined
  const gitDir = `${root}/.git`
  if (!lstatSync(gitDir, { throwIfNoEntry: false })?.isDirectory()) return undefined
  const size = statSync(`${gitDir}/index`, { throwIfNoEntry: false })?.size
  if (size === undefined || size > maxBytes || size < 12 + HASH_BYTES) return undefined
  const config = readConfig(gitDir)
  if (/objectformat\s*=\s*sha256/i.test(config) || /^\s*worktree\s*=/im.test(config))
    return undefined
  return parseIndex(readFileSync(`${gitDir}/index`))
}

function readConfig(gitDir: string): string {
  try {
    return readFileSync(`${gitDir}/config`, 'latin1')
  } catch {
    return ''
  }
}

/** The paths of an index file's entries; undefined when it is not a plain v2/v3 index. */
export function parseIndex(buf: Buffer): string[] | undefined {
  if (buf.toString('latin1', 0, 4) !== 'DIRC') return undefined
  const version = buf.readUInt32BE(4)
  if (version !== 2 && version !== 3) return undefined
  const count = buf.readUInt32BE(8)
  const end = buf.length - HASH_BYTES
  const paths = new Array<string>(count)
  let at = 12
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_FIXED > end) return undefined
    const flags = buf.readUInt16BE(at + 60)
    const nameAt = at + ENTRY_FIXED + (flags & FLAG_EXTENDED ? 2 : 0)
    let nameEnd = nameAt + (flags & NAME_MASK)
    // A name of 0xFFF bytes or more says only "long": it runs to the NUL.
    if ((flags & NAME_MASK) === NAME_MASK) nameEnd = buf.indexOf(0, nameAt)
    if (nameEnd < 0 || nameEnd >= end || buf[nameEnd] !== 0) return undefined
    paths[i] = buf.toString('utf8', nameAt, nameEnd)
    // 1-8 NULs pad the entry to a multiple of eight bytes, counted from the entry's start.
    at += (nameEnd - at + 8) & ~7
  }
  // Extensions: a 4-byte signature and a 4-byte size each, up to the trailing checksum.
  while (at < end) {
    if (at + 8 > end) return undefined
    const signature = buf.toString('latin1', at, at + 4)
    if (signature === 'link' || signature === 'sdir') return undefined
    at += 8 + buf.readUInt32BE(at + 4)
  }
  return at === end ? paths : undefined
}
