import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

/**
 * The objects the emulator makes (blobs, trees, commits), written as git writes them: a loose
 * object, `<type> <size>\0<bytes>` compressed with zlib, named by the SHA-1 of those bytes. A
 * write through the API used to start five git processes (hash-object, read-tree,
 * update-index, write-tree, commit-tree) from the test process; this writes the same bytes
 * without them. The tests compare every kind of object with git's own (object-writer.test.ts).
 * Moving a ref stays with `git update-ref`, which compares and swaps under git's lock.
 */
export type ObjectType = 'blob' | 'tree' | 'commit'

let tempSeq = 0

/** Stores an object (unless it is there already) and returns its id. */
export async function writeObject(gitDir: string, type: ObjectType, data: Buffer): Promise<string> {
  const raw = Buffer.concat([Buffer.from(`${type} ${data.length}\0`), data])
  const sha = createHash('sha1').update(raw).digest('hex')
  const folder = join(gitDir, 'objects', sha.slice(0, 2))
  const file = join(folder, sha.slice(2))
  if (existsSync(file)) return sha
  await mkdir(folder, { recursive: true })
  // Written aside and renamed into place, so a reader never sees half an object.
  const temp = join(folder, `tmp_obj_${process.pid}_${++tempSeq}`)
  await writeFile(temp, deflateSync(raw), { mode: 0o444 })
  await rename(temp, file)
  return sha
}

/** One entry of a tree: its mode as git writes it (`100644`, `40000` for a folder). */
export interface TreeItem {
  mode: string
  name: string
  sha: string
}

/**
 * A tree's bytes: entries in git's order, which compares names byte by byte as if a folder's
 * name ended in `/`.
 */
export function treeBytes(items: TreeItem[]): Buffer {
  const key = (item: TreeItem) => Buffer.from(item.mode === '40000' ? `${item.name}/` : item.name)
  const sorted = [...items].sort((a, b) => Buffer.compare(key(a), key(b)))
  return Buffer.concat(
    sorted.flatMap((item) => [
      Buffer.from(`${item.mode} ${item.name}\0`),
      Buffer.from(item.sha, 'hex')
    ])
  )
}

export interface Ident {
  name: string
  email: string
  /** Seconds since the epoch; the zone is always +0000 here. */
  seconds: number
}

/** A commit's bytes, as `git commit-tree` writes them (the message as given). */
export function commitBytes(commit: {
  tree: string
  parents: string[]
  author: Ident
  committer: Ident
  message: string
}): Buffer {
  const lines = [
    `tree ${commit.tree}`,
    ...commit.parents.map((p) => `parent ${p}`),
    `author ${identLine(commit.author)}`,
    `committer ${identLine(commit.committer)}`
  ]
  return Buffer.from(`${lines.join('\n')}\n\n${commit.message}`)
}

/**
 * `Name <email> 1767583800 +0000`, cleaned as git cleans it: characters git treats as crud are
 * taken off both ends, and `<`, `>` and line breaks out of the middle. An empty name is refused,
 * as git refuses it.
 */
function identLine(ident: Ident): string {
  const name = withoutCrud(ident.name)
  if (!name) throw new Error(`empty ident name (for <${ident.email}>) not allowed`)
  return `${name} <${withoutCrud(ident.email)}> ${ident.seconds} +0000`
}

/** git's crud: control characters, space, and `.,:;<>"\'`, taken off either end. */
const crud = (char: string) => char <= ' ' || '.,:;<>"\\\''.includes(char)

function withoutCrud(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && crud(text[start])) start++
  while (end > start && crud(text[end - 1])) end--
  return text.slice(start, end).replace(/[\n<>]/g, '')
}
