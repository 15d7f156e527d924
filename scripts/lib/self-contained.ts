// A clone must work with nothing beside it: no tracked file may read or mention the folder of
// private reading material that sits beside the developers' checkout. Bundles (dist/) are left
// out: they hold third-party code whose own comments are not ours to edit.
import { execFileSync } from 'node:child_process'

/** The parent-relative folder name, spelled in pieces so this file does not mention it itself. */
export const OUTSIDE_FOLDER = ['..', 'shared', ''].join('/')

/**
 * The folders inside it: a path that starts at its name without the `../` is a mention all the
 * same, and names nothing a clone has. A path inside a folder of ours that has the same name
 * (`packages/shared/...`) is not one.
 */
const INSIDE = ['spec', 'reference', 'reliability', 'hooks']

/** Tracked files (repository-relative) outside dist/ that mention OUTSIDE_FOLDER or a folder in it. */
export function filesReachingOutside(root: string): string[] {
  const escaped = OUTSIDE_FOLDER.replace(/\./g, '\\.')
  const inside = `(^|[^/[:alnum:]_.-])shared/(${INSIDE.join('|')})/`
  try {
    const out = execFileSync(
      'git',
      ['grep', '-l', '-I', '-E', '-e', escaped, '-e', inside, '--', '.', ':!**/dist/**'],
      { cwd: root, encoding: 'utf8' }
    )
    return out.split('\n').filter(Boolean)
  } catch (error) {
    // git grep exits 1 when nothing matches; anything else is a real failure.
    if ((error as { status?: number }).status === 1) return []
    throw error
  }
}
