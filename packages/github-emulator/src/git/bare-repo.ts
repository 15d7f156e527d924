import { ObjectReader, parseTree } from './object-reader.js'
import { commitBytes, treeBytes, writeObject, type TreeItem } from './object-writer.js'
import { gitOk, runGit } from './run.js'

export interface TreeEntry {
  mode: string
  type: 'blob' | 'tree' | 'commit'
  sha: string
  /** Blob size in bytes; undefined for trees and submodules. */
  size?: number
  path: string
}

/** One change to a tree: `sha: null` deletes the path (a file or a whole directory). */
export interface TreeChange {
  path: string
  mode?: string
  type?: 'blob' | 'tree' | 'commit'
  sha: string | null
}

export interface Signature {
  name: string
  email: string
  /** ISO date; stored in the commit so commit shas depend only on the emulator clock. */
  date: string
}

export interface CommitInfo {
  sha: string
  tree: string
  parents: string[]
  author: Signature
  committer: Signature
  message: string
}

const ZERO = '0000000000000000000000000000000000000000'
const SHA_RE = /^[0-9a-f]{40}$/
/** A folder's mode in a tree object (`git ls-tree` prints it as 040000). */
const TREE_MODE = '40000'

/** A tree being changed by buildTree: its entries, a folder among them once it is read. */
interface Folder {
  items: Map<string, FolderItem>
  /** The tree it was read from; written again only when `changed`. */
  sha?: string
  changed: boolean
}

type FolderItem = { mode: string; sha: string } | { folder: Folder }

/** How many answers about immutable objects a repository remembers before it starts over. */
const REMEMBERED = 4096

/**
 * A bare git repository: the emulator's source of truth for code. Questions about refs and
 * objects go to one `git cat-file --batch` per repository (ObjectReader); blobs, trees and
 * commits are written as git writes them (object-writer.ts); moving a ref, listings and merges
 * run git once each. What an object id names never changes, so the answers about one (the entry
 * at a path of a commit, a blob's bytes) are remembered: a bot reading its state file before
 * every write asks the same questions dozens of times a run.
 */
export class BareRepo {
  private readonly entries = new Map<string, TreeEntry | null>()
  private readonly blobs = new Map<string, Buffer>()
  private readonly objects: ObjectReader

  constructor(readonly gitDir: string) {
    this.objects = new ObjectReader(gitDir)
  }

  /** Ends the repository's git reader (the emulator's reset and shutdown). */
  close(): void {
    this.objects.close()
  }

  static async init(gitDir: string, defaultBranch: string): Promise<BareRepo> {
    await gitOk(gitDir, ['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`])
    return new BareRepo(gitDir)
  }

  /** Copies every branch and tag of a local repository into this one. */
  async fetchFrom(source: string): Promise<void> {
    await gitOk(this.gitDir, [
      'fetch',
      '--quiet',
      '--no-tags',
      source,
      '+refs/heads/*:refs/heads/*',
      '+refs/tags/*:refs/tags/*'
    ])
  }

  /** Copies a ref of another local repository (and the objects it needs) as `ref` here. */
  async fetchRef(source: string, sourceRef: string, ref: string): Promise<void> {
    await gitOk(this.gitDir, ['fetch', '--quiet', '--no-tags', source, `+${sourceRef}:${ref}`])
  }

  async setHead(branch: string): Promise<void> {
    await gitOk(this.gitDir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`])
  }

  /** The object a full ref name points at, or null. */
  async refSha(fullRef: string): Promise<string | null> {
    if (!fullRef.startsWith('refs/')) return null
    return (await this.objects.read(fullRef))?.sha ?? null
  }

  async branchSha(branch: string): Promise<string | null> {
    return this.refSha(`refs/heads/${branch}`)
  }

  async listRefs(prefix = 'refs/'): Promise<{ ref: string; sha: string }[]> {
    const out = await gitOk(this.gitDir, [
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      prefix
    ])
    return out
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, ref] = line.split(' ')
        return { sha, ref }
      })
  }

  /** Branch, tag or commit sha (as the contents API's `ref` accepts) → commit sha, or null. */
  async resolveCommit(ref: string): Promise<string | null> {
    const candidates = [`refs/heads/${ref}`, `refs/tags/${ref}`]
    if (/^[0-9a-f]{7,40}$/i.test(ref)) candidates.push(ref)
    for (const candidate of candidates) {
      const found = await this.objects.read(`${candidate}^{commit}`)
      if (found) return found.sha
    }
    return null
  }

  async objectType(sha: string): Promise<string | null> {
    if (!SHA_RE.test(sha)) return null
    return (await this.objects.read(sha))?.type ?? null
  }

  async treeOf(commit: string): Promise<string> {
    const tree = await this.objects.read(`${commit}^{tree}`)
    if (!tree) throw new Error(`${commit} names no commit or tree`)
    return tree.sha
  }

  /** The entry at `path` in a commit; the empty path is the root tree. */
  async entryAt(commit: string, path: string): Promise<TreeEntry | null> {
    const key = SHA_RE.test(commit) ? `${commit}\0${path}` : undefined
    const known = key === undefined ? undefined : this.entries.get(key)
    if (known !== undefined) return known && { ...known }
    const entry =
      path === ''
        ? ({ mode: '040000', type: 'tree', sha: await this.treeOf(commit), path: '' } as const)
        : await this.entryInTree(commit, path)
    if (key !== undefined) remember(this.entries, key, entry)
    return entry && { ...entry }
  }

  /** `path` (not empty) in a commit, as `git ls-tree -l` lists it: read from its folder's tree. */
  private async entryInTree(commit: string, path: string): Promise<TreeEntry | null> {
    const slash = path.lastIndexOf('/')
    const folder = slash < 0 ? '' : path.slice(0, slash)
    const name = path.slice(slash + 1)
    const tree = await this.objects.read(folder ? `${commit}:${folder}` : `${commit}^{tree}`)
    if (tree?.type !== 'tree' || !name) return null
    const raw = parseTree(tree.data).find((e) => e.name === name)
    if (!raw) return null
    const mode = raw.mode.padStart(6, '0')
    const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob'
    const size = type === 'blob' ? (await this.readBlob(raw.sha)).length : undefined
    return { mode, type, sha: raw.sha, size, path }
  }

  /** The entries directly inside directory `path` of a commit (or of a tree sha). */
  async listDir(treeish: string, path: string): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-z', '-l', '--full-tree', treeish]
    if (path !== '') args.push('--', `${path}/`)
    return parseLsTree(await gitOk(this.gitDir, args))
  }

  /** A tree's entries; recursive lists subtrees and their contents too (like the API's `recursive`). */
  async lsTree(tree: string, recursive: boolean): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-z', '-l', ...(recursive ? ['-r', '-t'] : []), tree]
    return parseLsTree(await gitOk(this.gitDir, args))
  }

  async readBlob(sha: string): Promise<Buffer> {
    const known = this.blobs.get(sha)
    if (known) return Buffer.from(known)
    const blob = await this.objects.read(sha)
    if (blob?.type !== 'blob') throw new Error(`${sha} names no blob`)
    if (SHA_RE.test(sha)) remember(this.blobs, sha, blob.data)
    return Buffer.from(blob.data)
  }

  async writeBlob(content: Buffer): Promise<string> {
    return writeObject(this.gitDir, 'blob', content)
  }

  /**
   * Builds a tree from `base` (null = empty) plus changes, as git's index builds one: a path set
   * replaces whatever was there (a file where a folder is needed gives way to the folder), a
   * deletion takes the path and everything under it, a tree given for a path adds its files
   * there, and a folder left empty is dropped. Only the folders on a changed path are read and
   * written again.
   */
  async buildTree(base: string | null, changes: TreeChange[]): Promise<string> {
    const root = await this.folder(base)
    for (const change of changes) {
      const segments = change.path.replace(/^\/+|\/+$/g, '').split('/')
      if (change.sha === null) await this.remove(root, segments)
      else if (change.type === 'tree' || change.mode === '040000') {
        for (const e of await this.lsTree(change.sha, true))
          if (e.type !== 'tree') await this.place(root, [...segments, ...e.path.split('/')], e)
      } else await this.place(root, segments, { mode: change.mode ?? '100644', sha: change.sha })
    }
    return (await this.storeFolder(root)) ?? writeObject(this.gitDir, 'tree', treeBytes([]))
  }

  /** A tree's entries, to change (an empty folder for null). */
  private async folder(tree: string | null): Promise<Folder> {
    if (tree === null) return { items: new Map(), changed: true }
    const object = await this.objects.read(tree)
    if (object?.type !== 'tree') throw new Error(`${tree} names no tree`)
    const items = new Map<string, FolderItem>()
    for (const e of parseTree(object.data)) items.set(e.name, { mode: e.mode, sha: e.sha })
    return { items, sha: tree, changed: false }
  }

  /** The folder at `name` in `parent`, read or made; undefined when `create` is off and there is none. */
  private async child(parent: Folder, name: string, create: boolean): Promise<Folder | undefined> {
    const item = parent.items.get(name)
    if (item && 'folder' in item) return item.folder
    const folder =
      item?.mode === TREE_MODE
        ? await this.folder(item.sha)
        : create
          ? { items: new Map(), changed: true }
          : undefined
    if (folder) parent.items.set(name, { folder })
    return folder
  }

  private async place(root: Folder, segments: string[], leaf: { mode: string; sha: string }) {
    let folder = root
    for (const name of segments.slice(0, -1)) {
      folder.changed = true
      folder = (await this.child(folder, name, true))!
    }
    folder.changed = true
    folder.items.set(segments[segments.length - 1], { mode: leaf.mode, sha: leaf.sha })
  }

  private async remove(root: Folder, segments: string[]): Promise<void> {
    const path: Folder[] = [root]
    for (const name of segments.slice(0, -1)) {
      const next = await this.child(path[path.length - 1], name, false)
      if (!next) return
      path.push(next)
    }
    if (!path[path.length - 1].items.delete(segments[segments.length - 1])) return
    for (const folder of path) folder.changed = true
  }

  /** Writes the changed folders bottom up; the tree's id, or null for a folder left empty. */
  private async storeFolder(folder: Folder): Promise<string | null> {
    if (!folder.changed && folder.sha) return folder.sha
    const items: TreeItem[] = []
    for (const [name, item] of folder.items) {
      if (!('folder' in item)) items.push({ name, mode: item.mode, sha: item.sha })
      else {
        const sha = await this.storeFolder(item.folder)
        if (sha) items.push({ name, mode: TREE_MODE, sha })
      }
    }
    return items.length ? writeObject(this.gitDir, 'tree', treeBytes(items)) : null
  }

  async commitTree(options: {
    tree: string
    parents: string[]
    message: string
    author: Signature
    committer: Signature
  }): Promise<string> {
    const ident = (sig: Signature) => ({
      name: sig.name,
      email: sig.email,
      seconds: Math.floor(new Date(sig.date).getTime() / 1000)
    })
    const bytes = commitBytes({
      tree: options.tree,
      parents: options.parents,
      author: ident(options.author),
      committer: ident(options.committer),
      message: options.message
    })
    return writeObject(this.gitDir, 'commit', bytes)
  }

  /** Moves a ref; with `expected`, only if it still points there (compare-and-swap). */
  async updateRef(fullRef: string, sha: string, expected?: string | null): Promise<boolean> {
    const args = ['update-ref', fullRef, sha]
    if (expected !== undefined) args.push(expected ?? ZERO)
    return (await runGit(this.gitDir, args)).code === 0
  }

  async deleteRef(fullRef: string): Promise<boolean> {
    return (await runGit(this.gitDir, ['update-ref', '-d', fullRef])).code === 0
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await runGit(this.gitDir, ['merge-base', '--is-ancestor', ancestor, descendant])
    return r.code === 0
  }

  /** Commits reachable from `head` but not from `base`. */
  async countAhead(base: string, head: string): Promise<number> {
    const out = await gitOk(this.gitDir, ['rev-list', '--count', `${base}..${head}`])
    return Number.parseInt(out.toString().trim(), 10)
  }

  /** A three-way merge without a work tree: the merged tree, or null on conflicts. */
  async mergeTree(ours: string, theirs: string): Promise<string | null> {
    const r = await runGit(this.gitDir, [
      'merge-tree',
      '--write-tree',
      '--no-messages',
      ours,
      theirs
    ])
    if (r.code !== 0) return null
    return r.stdout.toString().split('\n')[0].trim()
  }

  async readCommit(sha: string): Promise<CommitInfo | null> {
    const commit = SHA_RE.test(sha) ? await this.objects.read(sha) : null
    if (commit?.type !== 'commit') return null
    const raw = commit.data.toString()
    const split = raw.indexOf('\n\n')
    const headers = raw.slice(0, split).split('\n')
    const message = raw.slice(split + 2)
    const info: CommitInfo = {
      sha,
      tree: '',
      parents: [],
      author: { name: '', email: '', date: '' },
      committer: { name: '', email: '', date: '' },
      message
    }
    for (const line of headers) {
      const [key, ...rest] = line.split(' ')
      const value = rest.join(' ')
      if (key === 'tree') info.tree = value
      else if (key === 'parent') info.parents.push(value)
      else if (key === 'author') info.author = parseSignature(value)
      else if (key === 'committer') info.committer = parseSignature(value)
    }
    return info
  }
}

function parseLsTree(out: Buffer): TreeEntry[] {
  return out
    .toString()
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const tab = record.indexOf('\t')
      const [mode, type, sha, size] = record.slice(0, tab).trim().split(/\s+/)
      return {
        mode,
        type: type as TreeEntry['type'],
        sha,
        size: size === '-' || size === undefined ? undefined : Number.parseInt(size, 10),
        path: record.slice(tab + 1)
      }
    })
}

function parseSignature(value: string): Signature {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value)
  if (!m) return { name: value, email: '', date: '' }
  return {
    name: m[1],
    email: m[2],
    date: new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z')
  }
}

/** Files changed and lines added/removed between two commits (three-dot, like a pull request). */
export async function diffStat(
  repo: BareRepo,
  base: string,
  head: string
): Promise<{ files: number; additions: number; deletions: number }> {
  const out = await gitOk(repo.gitDir, ['diff', '--numstat', '-z', `${base}...${head}`])
  let files = 0
  let additions = 0
  let deletions = 0
  for (const rec of out.toString().split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t/.exec(rec)
    if (!m) continue
    files += 1
    additions += m[1] === '-' ? 0 : Number(m[1])
    deletions += m[2] === '-' ? 0 : Number(m[2])
  }
  return { files, additions, deletions }
}

/** Keeps `value` under `key`, forgetting everything first once REMEMBERED answers are kept. */
function remember<V>(memory: Map<string, V>, key: string, value: V): void {
  if (memory.size >= REMEMBERED) memory.clear()
  memory.set(key, value)
}
