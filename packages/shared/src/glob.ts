import picomatch from 'picomatch'

/** Options every glob of the suite is matched with. */
export interface GlobOptions {
  /** Whether `*` and `**` match names that start with a dot. */
  dot: boolean
}

/**
 * A test of whether a path (with `/`) matches any of `globs`, as picomatch's own matcher answers:
 * the glob itself, or picomatch's regular expression for it. The expressions are joined into one
 * and tested directly: picomatch's matcher builds a result object on every call, which over
 * thousands of changed files cost several times the matching itself, and one expression is one
 * pass over the path however many globs there are.
 */
export function globMatcher(
  globs: string | readonly string[],
  options: GlobOptions
): (path: string) => boolean {
  const list = typeof globs === 'string' ? [globs] : globs
  const patterns = list.map((glob) => picomatch.makeRe(glob, options))
  const literals = new Set(list)
  // Each expression is anchored at both ends, so joined they match what any of them matches; one
  // that refers back to its own groups by number would not survive the join.
  const joinable = patterns.length > 1 && !patterns.some((re) => /\\[1-9]/.test(re.source))
  if (!joinable)
    return (path) => literals.has(path) || patterns.some((pattern) => pattern.test(path))
  const joined = new RegExp(patterns.map((re) => `(?:${re.source})`).join('|'), patterns[0].flags)
  return (path) => literals.has(path) || joined.test(path)
}
