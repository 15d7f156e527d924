import { isUtf8 } from 'node:buffer'
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  Stats,
  statSync
} from 'node:fs'
import path from 'node:path'
import { UserError } from './errors.js'
import { git } from './git.js'

/**
 * The one way a file of the repository is read: every pyproject.toml, OWNERS file and settings
 * list comes from a pull request's content, which may hold anything git can store. So a read
 *
 * - never follows a symbolic link out of the checkout (a link inside it is followed) and stops
 *   at a link that loops;
 * - refuses anything but a regular file (a folder, a named pipe, a device, a socket) from its
 *   `lstat`/`stat`, before opening it, and opens with O_NONBLOCK, so `/dev/zero` or a FIFO can
 *   neither hang nor fill memory (in a folder the file tree listed, the file is opened and read
 *   first, at most one byte past the limit, and what that read does not settle is refused from
 *   `fstat`: see ReadOptions.folderListed);
 * - refuses a file over `maxBytes` (MAX_REPO_FILE_BYTES unless said otherwise) from its size,
 *   and never reads more than that (and one byte) should it grow meanwhile;
 * - decodes strictly as UTF-8 (a byte order mark is kept, as the file has it), since pip, uv and
 *   hatch reject anything else; the error names the line and column of the first bad byte.
 *
 * Each refusal is an UnreadableFileError: a UserError naming the file, whose message says what
 * the file is (`a named pipe, not a regular file (not opened)`, so `<file>: <message>` and
 * `<name> is <message>` both read) and never what it holds. A file that is not there is `undefined`, not an error.
 * Callers choose what a refusal means to them (a finding for one package, or the run's error).
 */

/** pyproject.toml, OWNERS and the JSON lists: a real one is a few kilobytes. */
export const MAX_REPO_FILE_BYTES = 1024 * 1024

export type UnreadableReason = 'outside' | 'loop' | 'not-a-file' | 'too-large' | 'not-utf8'

export class UnreadableFileError extends UserError {
  constructor(
    readonly reason: UnreadableReason,
    message: string,
    where: { file: string; line?: number; column?: number }
  ) {
    super(message, where)
    this.name = 'UnreadableFileError'
  }
}

export interface ReadOptions {
  /** Larger files are refused without being read; default MAX_REPO_FILE_BYTES. */
  maxBytes?: number
  /**
   * The file's folder came from the file tree (file-tree.ts), whose listings never go through a
   * symbolic link (git records a link as a file and never checks a path out through one): only
   * the file itself is checked. It is opened with O_NOFOLLOW|O_NONBLOCK and read, at most one
   * byte past the limit; only what that does not settle (a link, nothing read, more than the
   * limit, an error) is looked at with fstat, then refused or read as any other file. Otherwise
   * every part of the path is looked at with lstat first and nothing but a regular file is
   * opened. On 5,000 package files the stat calls, each building a Stats object, cost more than
   * the reads.
   */
  folderListed?: boolean
}

/** An open regular file inside the checkout, to be read by the caller and then closed. */
export interface OpenedFile {
  fd: number
  /** Its size (fstat), at most the limit: read no more than this. */
  size: number
}

const mib = (n: number) => (n % (1024 * 1024) === 0 ? ` (${n / 1024 / 1024} MiB)` : '')

/** `rel` with `/` separators and no `.` parts; a path leading out of the root is refused. */
function normalRel(rel: string): string {
  if (!ODD_PATH.test(rel)) return rel
  const norm = path.posix.normalize(rel.replace(/\\/g, '/')).replace(/\/+$/, '')
  if (path.posix.isAbsolute(norm) || norm === '..' || norm.startsWith('../') || norm === '.')
    throw new UnreadableFileError('outside', 'a path leading outside the repository (not read)', {
      file: rel
    })
  return norm
}

/** What normalRel has work to do on: `.`/`..` parts, `\\`, `//`, a leading or trailing `/`. */
const ODD_PATH = /(^|\/)\.\.?(\/|$)|\\|\/\/|^\/|\/$|^$/

const isInside = (root: string, p: string) => p === root || p.startsWith(`${root}${path.sep}`)

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a named pipe'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  return 'something else'
}

/** The checks on what a path finally names: a regular file within the size limit. */
function regularFile(st: Stats, file: string, maxBytes: number): number {
  if (!st.isFile()) {
    const kind = kindOf(st)
    throw new UnreadableFileError('not-a-file', `${kind}, not a regular file (not opened)`, {
      file
    })
  }
  if (st.size > maxBytes)
    throw new UnreadableFileError(
      'too-large',
      `${st.size} bytes, over the ${maxBytes}-byte limit${mib(maxBytes)} for a repository file (not read)`,
      { file }
    )
  return st.size
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code

/**
 * Where a path through a symbolic link ends: a path inside the checkout (the real one), or
 * undefined when the link leads nowhere inside it. Refuses a link out of the checkout or a loop.
 */
function throughLink(root: string, abs: string, link: string, file: string): string | undefined {
  const outside = () =>
    new UnreadableFileError(
      'outside',
      'a symbolic link to a path outside the checkout (not followed)',
      { file }
    )
  const realRoot = realpathSync.native(root)
  let real: string
  try {
    real = realpathSync.native(abs)
  } catch (e) {
    if (code(e) === 'ELOOP')
      throw new UnreadableFileError(
        'loop',
        'a symbolic link that loops, or a chain of too many links (not followed)',
        { file }
      )
    if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') throw e
    // A link to nothing: absent, unless it names a place outside the checkout.
    const target = path.resolve(path.dirname(link), readlinkSync(link))
    if (!isInside(root, target) && !isInside(realRoot, target)) throw outside()
    return undefined
  }
  if (!isInside(realRoot, real)) throw outside()
  return real
}

/**
 * What `rel` names below `root`, checked without opening it: undefined when nothing is there,
 * else the absolute path to open (no link left in it) and its size. Each part of the path is
 * looked at with lstat, so a symlinked folder on the way is resolved and checked as well.
 */
export function locateRepoFile(
  root: string,
  rel: string,
  options: ReadOptions = {}
): { abs: string; size: number } | undefined {
  const maxBytes = options.maxBytes ?? MAX_REPO_FILE_BYTES
  const parts = normalRel(rel).split('/')
  const full = path.join(root, ...parts)
  let abs = root
  for (let i = 0; i < parts.length; i++) {
    abs = path.join(abs, parts[i])
    let st: Stats | undefined
    try {
      st = lstatSync(abs, { throwIfNoEntry: false })
    } catch (e) {
      if (code(e) === 'ENOTDIR') return undefined
      throw e
    }
    if (!st) return undefined
    if (st.isSymbolicLink()) {
      const real = throughLink(root, full, abs, rel)
      if (real === undefined) return undefined
      return { abs: real, size: regularFile(statSync(real), rel, maxBytes) }
    }
    if (i === parts.length - 1) return { abs, size: regularFile(st, rel, maxBytes) }
    if (!st.isDirectory()) return undefined
  }
  return undefined
}

// O_NOFOLLOW: a link as the last part fails the open (ELOOP) instead of being followed.
// O_NONBLOCK: a named pipe opens at once instead of waiting for a writer; O_NOCTTY: a terminal
// device never becomes the process's. What was opened is then refused from fstat, unread.
const OPEN_FLAGS =
  constants.O_RDONLY |
  (constants.O_NOFOLLOW ?? 0) |
  (constants.O_NONBLOCK ?? 0) |
  (constants.O_NOCTTY ?? 0)

/**
 * Opens `rel` after the checks above (see ReadOptions.folderListed for which); undefined when
 * there is no such file. The caller reads at most `size` bytes and closes `fd`.
 */
function openRepoFile(
  root: string,
  rel: string,
  options: ReadOptions = {}
): OpenedFile | undefined {
  const maxBytes = options.maxBytes ?? MAX_REPO_FILE_BYTES
  let abs: string
  // Concatenated, not path.join: normalRel already did its work (a few ms on 5,000 files).
  if (options.folderListed) abs = `${root}/${normalRel(rel)}`
  else {
    const found = locateRepoFile(root, rel, options)
    if (!found) return undefined
    abs = found.abs
  }
  const fd = openNoFollow(root, abs, rel, maxBytes)
  if (fd === undefined) return undefined
  try {
    return { fd, size: regularFile(fstatSync(fd), rel, maxBytes) }
  } catch (e) {
    closeSync(fd)
    throw e
  }
}

/** open(2) with OPEN_FLAGS; a link as the last part is resolved and checked (throughLink). */
function openNoFollow(
  root: string,
  abs: string,
  rel: string,
  maxBytes: number
): number | undefined {
  try {
    return openSync(abs, OPEN_FLAGS)
  } catch (e) {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return undefined
    if (code(e) !== 'ELOOP' && code(e) !== 'ENXIO') throw e
  }
  let st: Stats | undefined
  try {
    st = lstatSync(abs)
  } catch {
    st = undefined // a folder on the way loops: throughLink says so
  }
  if (st && !st.isSymbolicLink()) regularFile(st, rel, maxBytes) // ENXIO: a socket, refused
  const real = throughLink(root, abs, abs, rel)
  if (real === undefined) return undefined
  regularFile(statSync(real), rel, maxBytes) // a device behind the link is refused unopened
  return openSync(real, OPEN_FLAGS)
}

/**
 * A file in a listed folder (ReadOptions.folderListed) read without looking at it first: the
 * bytes, in a buffer the next read reuses; undefined when nothing is there; null when the read
 * does not settle what it is (see ReadOptions.folderListed), for openRepoFile to say.
 */
function readListedFile(abs: string, maxBytes: number): Buffer | undefined | null {
  let fd: number
  try {
    fd = openSync(abs, OPEN_FLAGS)
  } catch (e) {
    return code(e) === 'ENOENT' || code(e) === 'ENOTDIR' ? undefined : null
  }
  const buffer = readBuffer(maxBytes + 1)
  let used = 0
  try {
    for (let n = 1; n > 0 && used < buffer.length; used += n)
      n = readSync(fd, buffer, used, buffer.length - used, null)
  } catch {
    return null // a folder (EISDIR), a pipe with nothing to read yet (EAGAIN), ...
  } finally {
    closeSync(fd)
  }
  // Nothing read may be an empty file or a pipe no one writes to; more than the limit, a large
  // file or a device: fstat tells them apart.
  return used === 0 || used > maxBytes ? null : buffer.subarray(0, used)
}

let sharedBuffer: Buffer | undefined
/** A buffer of at least `size` bytes, kept for the next read (reads are synchronous). */
function readBuffer(size: number): Buffer {
  if (!sharedBuffer || sharedBuffer.length < size) sharedBuffer = Buffer.allocUnsafe(size)
  return sharedBuffer
}

/** The bytes of a regular file inside the checkout; undefined when there is none. */
export function readRepoBytes(
  root: string,
  rel: string,
  options: ReadOptions = {}
): Buffer | undefined {
  const bytes = readBytes(root, rel, options)
  // A listed folder's file comes in the shared buffer (readListedFile): the caller gets a copy.
  return bytes && options.folderListed ? Buffer.from(bytes) : bytes
}

/**
 * readRepoBytes without the copy: with `folderListed`, the bytes may sit in the shared buffer
 * until the next read, so they are used at once (readRepoText decodes them).
 */
function readBytes(root: string, rel: string, options: ReadOptions): Buffer | undefined {
  if (options.folderListed) {
    const listed = readListedFile(
      `${root}/${normalRel(rel)}`,
      options.maxBytes ?? MAX_REPO_FILE_BYTES
    )
    if (listed !== null) return listed
  }
  const opened = openRepoFile(root, rel, options)
  if (!opened) return undefined
  const { fd, size } = opened
  try {
    const buf = Buffer.allocUnsafe(size)
    let used = 0
    // The size fstat gave, never more: a file growing meanwhile is read as it was when checked.
    // No read past it to find the end: a read less per file, a tenth of reading small files.
    while (used < size) {
      const n = readSync(fd, buf, used, size - used, null)
      if (n === 0) break
      used += n
    }
    return used === size ? buf : buf.subarray(0, used)
  } finally {
    closeSync(fd)
  }
}

/** The text of a regular file inside the checkout (strict UTF-8); undefined when there is none. */
export function readRepoText(
  root: string,
  rel: string,
  options: ReadOptions = {}
): string | undefined {
  const bytes = readBytes(root, rel, options)
  return bytes && decodeUtf8(bytes, rel)
}

/**
 * Whether something is at `abs`, looked at with lstat: a link counts as there without being
 * followed, so a link to a device or a loop is never opened. A part of the path that is a file or
 * loops is nothing there.
 */
export function pathExists(abs: string): boolean {
  try {
    return lstatSync(abs, { throwIfNoEntry: false }) !== undefined
  } catch (e) {
    if (code(e) === 'ENOTDIR' || code(e) === 'ELOOP' || code(e) === 'ENAMETOOLONG') return false
    throw e
  }
}

/**
 * `bytes` as text, refusing anything that is not UTF-8 with the line and column of the first
 * bad byte. A leading byte order mark stays in the text (an edit writes the file back whole).
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  assertUtf8(bytes, file)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')
}

/** decodeUtf8's check alone, for bytes decoded later (or only in part). */
function assertUtf8(bytes: Uint8Array, file: string): void {
  // isUtf8 is a vectorised check (what TextDecoder's `fatal` does, without building the
  // string); the scan that places the error runs only on failure.
  if (!isUtf8(bytes)) throw notUtf8(bytes, file)
}

function notUtf8(bytes: Uint8Array, file: string): UnreadableFileError {
  const at = firstInvalidUtf8(bytes)
  let line = 1
  let lineStart = 0
  for (let i = 0; i < at; i++)
    if (bytes[i] === 0x0a) {
      line++
      lineStart = i + 1
    }
  // Characters before the bad byte on its line: every byte but UTF-8 continuation bytes.
  let column = 1
  for (let i = lineStart; i < at; i++) if ((bytes[i] & 0xc0) !== 0x80) column++
  const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0')
  return new UnreadableFileError(
    'not-utf8',
    `not UTF-8: byte 0x${hex} at line ${line}, column ${column}; pip, uv and hatch read UTF-8 only, so save the file as UTF-8`,
    { file, line, column }
  )
}

/**
 * The offset of the first byte that does not belong to a well-formed UTF-8 sequence (Unicode
 * table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF); `bytes.length` if none.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }
    const [len, lo, hi] = utf8Lead(b)
    if (len === 0) return i
    const second = bytes[i + 1]
    if (second === undefined || second < lo || second > hi) return i
    for (let k = 2; k < len; k++) {
      const c = bytes[i + k]
      if (c === undefined || c < 0x80 || c > 0xbf) return i
    }
    i += len
  }
  return bytes.length
}

/**
 * For a lead byte: the length of its sequence and the range its second byte must be in (Unicode
 * table 3-7); length 0 for a byte that cannot start a sequence.
 */
function utf8Lead(byte: number): [number, number, number] {
  if (byte >= 0xc2 && byte <= 0xdf) return [2, 0x80, 0xbf]
  if (byte === 0xe0) return [3, 0xa0, 0xbf]
  if (byte === 0xed) return [3, 0x80, 0x9f] // no surrogates
  if (byte >= 0xe1 && byte <= 0xef) return [3, 0x80, 0xbf]
  if (byte === 0xf0) return [4, 0x90, 0xbf]
  if (byte >= 0xf1 && byte <= 0xf3) return [4, 0x80, 0xbf]
  if (byte === 0xf4) return [4, 0x80, 0x8f] // nothing above U+10FFFF
  return [0, 0, 0]
}

/**
 * The text of `rel` at a commit (`rev`), read from git's object store with the same rules as the
 * working tree: a symbolic link, a folder or a submodule is refused, so are a blob over the size
 * limit (from git's own record of its size, before reading it) and text that is not UTF-8.
 * Undefined when the commit has no such path. `rel` is relative to `cwd`, as for `git show
 * rev:./rel`.
 */
export async function readRepoTextAt(
  cwd: string,
  rev: string,
  rel: string,
  options: ReadOptions = {}
): Promise<string | undefined> {
  const norm = normalRel(rel)
  const listed = await git(cwd, ['ls-tree', '-z', '--long', rev, '--', norm])
  if (listed.code !== 0)
    throw new UserError(
      `could not list ${norm} at ${rev}: ${listed.stderr.trim().split('\n').pop() || `git exit ${listed.code}`}`
    )
  const line = listed.stdout.split('\0').find((e) => e.endsWith(`\t${norm}`))
  if (!line) return undefined
  return readTreeEntryText(cwd, rev, parseTreeEntry(line)!, options)
}

/** One entry of `git ls-tree --long` output: what git records of a path at a commit. */
export interface TreeEntry {
  path: string
  mode: string
  /** `blob`, `tree` or `commit` (a submodule). */
  type: string
  object: string
  /** Bytes of a blob; undefined for anything else. */
  size?: number
}

/** An entry of `git ls-tree -z --long` (`<mode> <type> <object> <size>\t<path>`), or undefined. */
export function parseTreeEntry(line: string): TreeEntry | undefined {
  const tab = line.indexOf('\t')
  if (tab < 0) return undefined
  const [mode, type, object, size] = line.slice(0, tab).trim().split(/\s+/)
  return {
    path: line.slice(tab + 1),
    mode,
    type,
    object,
    size: size === '-' ? undefined : Number(size)
  }
}

/** The text of a listed entry at `rev` (see readRepoTextAt for the rules). */
export async function readTreeEntryText(
  cwd: string,
  rev: string,
  entry: TreeEntry,
  options: ReadOptions = {}
): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_REPO_FILE_BYTES
  const where = { file: entry.path }
  if (entry.mode === '120000')
    throw new UnreadableFileError(
      'outside',
      `a symbolic link at ${rev.slice(0, 12)}, not a regular file (not followed)`,
      where
    )
  if (entry.type !== 'blob')
    throw new UnreadableFileError(
      'not-a-file',
      `a ${entry.type === 'tree' ? 'folder' : entry.type} at ${rev.slice(0, 12)}, not a regular file`,
      where
    )
  if ((entry.size ?? 0) > maxBytes)
    throw new UnreadableFileError(
      'too-large',
      `${entry.size} bytes at ${rev.slice(0, 12)}, over the ${maxBytes}-byte limit${mib(maxBytes)} for a repository file (not read)`,
      where
    )
  const blob = await git(cwd, ['cat-file', 'blob', entry.object], { bytes: true })
  if (blob.code !== 0 || !blob.stdoutBytes)
    throw new UserError(`could not read ${entry.path} at ${rev}: ${blob.stderr.trim()}`)
  return decodeUtf8(blob.stdoutBytes, entry.path)
}
