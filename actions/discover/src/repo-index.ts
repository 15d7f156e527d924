import { closeSync, readSync, statSync } from 'node:fs'
import path from 'node:path'
import {
  assertUtf8,
  DEPENDENCY_TABLES,
  Finding,
  Grandfather,
  openRepoFile,
  packageCandidates,
  pathExists,
  PyProject,
  pyprojectFromData,
  readGrandfather,
  readRepoText,
  resolveSettings,
  ROOT_BASE_TABLES,
  RootDistribution,
  rootDistribution,
  Settings,
  startFileTree,
  TomlTable,
  UserError
} from '@contribs-actions/shared'
import { parseTomlPartial, quickTable } from './partial-toml.js'

/**
 * The subpackages at head, found with the same rule as the shared `loadRepo` (one of the shared
 * packageCandidates, over git's view of the working tree, holding a `pyproject.toml`, an `OWNERS`
 * file or the namespace folder), but reading only what discover needs: each `pyproject.toml` once as
 * text, parsed lazily and only in the tables asked for. On 5,000 packages loadRepo's full parse
 * and per-folder listings cost several times the reads themselves.
 */
export interface RepoIndex {
  root: string
  settings: Settings
  settingsFindings: Finding[]
  /** `[project] name` and `[tool]` of the root pyproject.toml only. */
  rootPyproject?: PyProject
  /**
   * The root distribution (see the shared rootDistribution), its tables parsed on the first call:
   * only finding dependents needs them. With `extras: false` only ROOT_BASE_TABLES are parsed,
   * which is all a package naming the root without extras needs.
   */
  rootDistribution(extras: boolean): RootDistribution | undefined
  grandfather: Grandfather
  /** Package folders, sorted by code point. */
  dirs: string[]
  has(dir: string): boolean
  /**
   * `[tool.<table>.ci]` and what can contain it, read while the files were read, when the fast
   * path could (see quickTable); undefined means "ask pyproject()".
   */
  ciData(dir: string): TomlTable | undefined
  /** The raw `pyproject.toml` text (decoded once, then kept); undefined when there is none. */
  text(dir: string): string | undefined
  /**
   * The package's pyproject with only the given tables parsed (see parseTomlPartial); a TOML
   * syntax error is thrown as a UserError naming the file, line and column. Kept for the next
   * call unless `once` (a single pass over every package, where keeping would only cost memory).
   */
  pyproject(dir: string, tables: string[][], options?: { once?: boolean }): PyProject | undefined
}

/**
 * Reads files one after another into one growing buffer and hands out views of it. Against
 * reading each file into a Buffer of its own this saves an allocation per file (and, against
 * readFileSync, the read that finds the end; the fstat now serves the shared reader's checks).
 */
export class FileArena {
  private buf = Buffer.allocUnsafe(1 << 20)
  private used = 0
  /** Buffers given up for a bigger one, with how much of each holds files. */
  private readonly retired = new Map<ArrayBufferLike, { buf: Buffer; used: number }>()
  private readonly decoded = new Map<ArrayBufferLike, string>()

  /**
   * The bytes of `rel` below `root`, or undefined when there is no such file; read with the
   * shared reader's checks (see openRepoFile) and refused unless UTF-8. `rel` is in a folder
   * the file tree listed (a package candidate).
   */
  read(root: string, rel: string): Buffer | undefined {
    const opened = openRepoFile(root, rel, { folderListed: true })
    if (!opened) return undefined
    const { fd, size } = opened
    if (this.buf.length - this.used < size) {
      // A new buffer from this file on; the views handed out keep the old one alive.
      this.retired.set(this.buf.buffer, { buf: this.buf, used: this.used })
      this.buf = Buffer.allocUnsafe(Math.max(2 * this.buf.length, 2 * size))
      this.used = 0
    }
    const start = this.used
    try {
      // The size fstat gave, never more (see the shared readRepoBytes): no read past it.
      while (this.used - start < size) {
        const n = readSync(fd, this.buf, this.used, size - (this.used - start), null)
        if (n === 0) break
        this.used += n
      }
      assertUtf8(this.buf.subarray(start, this.used), rel)
    } catch (e) {
      this.used = start
      throw e
    } finally {
      closeSync(fd)
    }
    return this.buf.subarray(start, this.used)
  }

  /**
   * A view's bytes as latin1 text (one character per byte), cut from one decoding of the buffer
   * it lies in. Decoding 5,000 files one by one put megabytes of short-lived strings on the
   * young heap, a garbage collection every few hundred files. Only once reading is over.
   */
  latin1(view: Buffer): string {
    let text = this.decoded.get(view.buffer)
    const chunk = this.retired.get(view.buffer) ?? { buf: this.buf, used: this.used }
    if (text === undefined) {
      text = chunk.buf.toString('latin1', 0, chunk.used)
      this.decoded.set(view.buffer, text)
    }
    const at = view.byteOffset - chunk.buf.byteOffset
    return text.slice(at, at + view.length)
  }
}

export async function indexRepo(root: string, table?: string): Promise<RepoIndex> {
  const abs = path.resolve(root)
  if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`repository path ${JSON.stringify(root)} is not a directory`)
  const rootText = readRepoText(abs, 'pyproject.toml')
  // The settings need `[project] name` and `[tool]`; the root's extras list (one per package)
  // is the largest table in the repository and is read only to find dependents.
  const rootPyproject =
    rootText === undefined
      ? undefined
      : pyprojectFrom(rootText, 'pyproject.toml', [['project', 'name'], ['tool']])
  const { settings, findings } = resolveSettings(rootPyproject, {}, table)
  const grandfather = await readGrandfather(abs, settings.grandfather_file)
  const tree = await startFileTree(abs, 'git')
  const candidates = packageCandidates(tree.list('')?.dirs ?? [], settings, grandfather)

  // Synchronous reads (see FileArena): for thousands of small files they are several times
  // faster than fs.promises (one thread-pool round trip per open/stat/read/close). Nothing
  // yields to the event loop meanwhile: the git processes started before this write into files
  // (see the shared git()), so none waits for this process to drain a pipe. The files are kept
  // as bytes, outside the JavaScript heap: 5,000 retained strings cost more garbage-collection
  // time than decoding each file again when it is read.
  const files = new Map<string, Buffer | undefined>()
  const arena = new FileArena()
  // The CI table is what most runs need from every package: read it now, while git works.
  const ciPath = ['tool', settings.table, 'ci']
  const ci = new Map<string, TomlTable>()
  for (let i = 0; i < candidates.length; i++) {
    const dir = candidates[i]
    const folder = `${abs}/${dir}`
    const bytes = arena.read(abs, `${dir}/pyproject.toml`)
    if (bytes !== undefined) files.set(dir, bytes)
    else if (pathExists(`${folder}/OWNERS`) || pathExists(`${folder}/${settings.namespace}`))
      files.set(dir, undefined)
  }
  for (const [dir, bytes] of files) {
    const data = bytes && quickTable(bytes, ciPath, arena.latin1(bytes))
    if (data) ci.set(dir, data)
  }
  const dirs = [...files.keys()]
  const texts = new Map<string, string>()
  const text = (dir: string) => {
    let t = texts.get(dir)
    if (t === undefined) {
      const bytes = files.get(dir)
      if (bytes === undefined) return undefined
      texts.set(dir, (t = bytes.toString('utf8')))
    }
    return t
  }
  const parsed = new Map<string, Map<string, PyProject>>()
  const rootDists = new Map<boolean, RootDistribution | undefined>()
  return {
    root: abs,
    settings,
    settingsFindings: findings,
    rootPyproject,
    rootDistribution(extras) {
      if (rootText === undefined) return undefined
      if (!rootDists.has(extras)) {
        const tables = extras ? DEPENDENCY_TABLES : ROOT_BASE_TABLES
        rootDists.set(extras, rootDistribution(pyprojectFrom(rootText, 'pyproject.toml', tables)))
      }
      return rootDists.get(extras)
    },
    grandfather,
    dirs,
    has: (dir) => files.has(dir),
    ciData: (dir) => ci.get(dir),
    text,
    pyproject(dir, tables, options = {}) {
      const file = `${dir}/pyproject.toml`
      if (options.once) {
        const bytes = files.get(dir)
        return bytes && pyprojectFrom(texts.get(dir) ?? bytes.toString('utf8'), file, tables)
      }
      const key = tables.join(' ')
      let cache = parsed.get(key)
      if (!cache) parsed.set(key, (cache = new Map()))
      let p = cache.get(dir)
      if (!p) {
        const t = text(dir)
        if (t === undefined) return undefined
        cache.set(dir, (p = pyprojectFrom(t, file, tables)))
      }
      return p
    }
  }
}

/** A PyProject over the whole text (for line look-ups) with only `tables` parsed. */
export function pyprojectFrom(text: string, file: string, tables: string[][]): PyProject {
  return pyprojectFromData(text, file, parseTomlPartial(text, file, tables))
}
