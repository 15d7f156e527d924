import picomatch from 'picomatch'

/** Options every glob of the suite is matched with. */
export interface GlobOptions {
  /** Whether `*` and `**` match names that start with a dot. */
  dot: boolean
}

/**
 * A test of whether a path (with `/`) matches any of `globs`, as picomatch's own matcher answers:
 * the glob itself, or picomatch's regular expression for it. The regular expression is tested
 * directly: picomatch's matcher builds a result object on every call, which over thousands of
 * changed files cost several times the matching itself.
 */
export function globMatcher(
  globs: string | readonly string[],
  options: GlobOptions
): (path: string) => boolean {
  const tests = (typeof globs === 'string' ? [globs] : globs).map((glob) => {
    const pattern = picomatch.makeRe(glob, options)
    return (path: string) => path === glob || pattern.test(path)
  })
  if (tests.length === 1) return tests[0]
  return (path) => tests.some((test) => test(path))
}
