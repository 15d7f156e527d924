import { hasControlCharacter } from './text.js'

/**
 * Names that end up in git refs and repository paths, checked before anything is written: a
 * name git or GitHub would refuse (or read differently) is found when the settings are read,
 * not halfway through a run.
 */

// git check-ref-format's rules: no `.` at a component start, no `..`, no space, `~^:?*[\`,
// no `@{`, no `//`, no `.lock` component end, no trailing `/` or `.`, not `@` alone.
const BAD_REF = /(^|\/)\.|\.\.|[\s~^:?*[\\]|@\{|\/\/|\.lock($|\/)|\/$|\.$|^@$|^\//

/** Whether git accepts `name` as a branch name (`refs/heads/<name>`). */
export function isBranchName(name: string): boolean {
  return name.length > 0 && !BAD_REF.test(name) && !hasControlCharacter(name)
}

/**
 * Whether `path` is a folder path inside the repository: relative, `/`-separated, with no empty,
 * `.` or `..` component (GitHub's trees refuse them, and `..` would leave the folder).
 */
export function isRepoFolder(path: string): boolean {
  if (!path || path.startsWith('/') || path.includes('\\') || hasControlCharacter(path))
    return false
  return path
    .replace(/\/+$/, '')
    .split('/')
    .every((part) => part !== '' && part !== '.' && part !== '..')
}
