// A clone must work with nothing beside it: no tracked file may read or mention the folder of
// private reading material that sits beside the developers' checkout. Bundles (dist/) are left
// out: they hold third-party code whose own comments are not ours to edit.
import { execFileSync } from 'node:child_process'

/** The parent-relative folder name, spelled in pieces so this file does not mention it itself. */
export const OUTSIDE_FOLDER = ['..', 'shared', ''].join('/')

/** Tracked files (repository-relative) outside dist/ that mention OUTSIDE_FOLDER. */
export function filesReachingOutside(root: string): string[] {
  try {
    const out = execFileSync(
      'git',
      ['grep', '-l', '-I', '-F', '-e', OUTSIDE_FOLDER, '--', '.', ':!**/dist/**'],
      { cwd: root, encoding: 'utf8' }
    )
    return out.split('\n').filter(Boolean)
  } catch (error) {
    // git grep exits 1 when nothing matches; anything else is a real failure.
    if ((error as { status?: number }).status === 1) return []
    throw error
  }
}
