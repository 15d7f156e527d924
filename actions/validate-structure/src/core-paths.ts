import { parseRepoJson, readRepoText, UserError } from '@contribs-actions/shared'

/**
 * `cookiecutter/core_paths.json` (`{"paths": [...]}`): the dotted paths a mirror tree may use.
 * Undefined when the file is absent (the nested-path rule is then skipped, with a warning); a
 * file that is there but malformed is a configuration error and fails the run before any check.
 */
export function readCorePaths(root: string, file: string): Set<string> | undefined {
  // Synchronous: one small file, and fs.promises would load another Node module at start-up.
  const text = readRepoText(root, file)
  return text === undefined ? undefined : parseCorePaths(text, file)
}

function parseCorePaths(text: string, file: string): Set<string> {
  const data = parseRepoJson(text, file)
  const paths = (data as { paths?: unknown } | null)?.paths
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
    throw new UserError(
      'expected {"paths": [...]}: a list of dotted core paths such as "stdlib.sampling"',
      { file }
    )
  }
  return new Set(paths)
}
