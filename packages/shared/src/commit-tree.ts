import { UserError } from './errors.js'
import { FileTree, hiddenOrModules } from './file-tree.js'
import { git } from './git.js'
import { parseTreeEntry, TreeEntry } from './repo-file.js'
import { sortByCodePoint } from './text.js'
import { TrackedPaths } from './tracked-paths.js'

/**
 * The files of a commit as a FileTree, listed once with `git ls-tree -r`, with git's record of
 * each path (its mode, object and size) to read it or to tell whether it is the checkout's. For a
 * run that compares a head it has not checked out: nothing is written to the disk, so a commit
 * from a fork is read as data, never checked out.
 */
export interface CommitTree extends FileTree {
  readonly rev: string
  entry(rel: string): TreeEntry | undefined
}

/** Lists commit `rev` below `root` (paths relative to it, as everywhere in the model). */
export async function commitTree(root: string, rev: string): Promise<CommitTree> {
  const listed = await git(root, ['ls-tree', '-r', '-z', '--long', rev])
  if (listed.code !== 0)
    throw new UserError(
      `could not list the files of ${rev}: ${listed.stderr.trim().split('\n').pop() || `git exit ${listed.code}`}`
    )
  const entries = new Map<string, TreeEntry>()
  for (const line of listed.stdout.split('\0')) {
    const entry = parseTreeEntry(line)
    if (entry) entries.set(entry.path, entry)
  }
  const paths = TrackedPaths.of([...entries.keys()])
  return {
    source: 'commit',
    rev,
    entry: (rel) => entries.get(rel),
    list(rel) {
      if (rel && !paths.holds(rel)) return undefined
      const { files, folders } = paths.inside(rel).entries()
      return { files: sortByCodePoint([...files]), dirs: sortByCodePoint([...folders]) }
    },
    filesNamed(name, where) {
      return paths
        .named(name)
        .filter((p) => !p.split('/').slice(0, -1).some(hiddenOrModules) && (!where || where(p)))
    }
  }
}
