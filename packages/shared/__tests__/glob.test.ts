// globMatcher tests picomatch's regular expressions directly: it must answer as picomatch does.
import picomatch from 'picomatch'
import { globMatcher } from '../src/glob.js'

const GLOBS = [
  'pyproject.toml',
  'uv.lock',
  '.github/workflows/**',
  '.github/scripts/**',
  '**/*.py',
  'python/*',
  'python/instrumentation/*',
  '!legacy/*',
  'docs/{a,b}/*.md',
  'pkg[0-9]',
  'a?c',
  '**',
  '*',
  'src/**/test_*.py'
]

const PATHS = [
  'pyproject.toml',
  'sub/pyproject.toml',
  'uv.lock',
  '.github/workflows/ci.yml',
  '.github/workflows',
  '.github/scripts/x/y.sh',
  '.hidden/a.py',
  'a/.hidden.py',
  'a/b/c.py',
  'python/x',
  'python/x/y',
  'python/instrumentation/z',
  'legacy/old',
  'other',
  'docs/a/readme.md',
  'docs/c/readme.md',
  'pkg1',
  'pkgx',
  'abc',
  'a/c',
  'src/a/b/test_x.py',
  'src/test_y.py',
  '!legacy/*',
  'pkg[0-9]'
]

test.each([true, false])('each glob, and all of them at once, with dot %s', (dot) => {
  for (const glob of GLOBS) {
    const ours = globMatcher(glob, { dot })
    const theirs = picomatch(glob, { dot })
    for (const path of PATHS) expect([glob, path, ours(path)]).toEqual([glob, path, theirs(path)])
  }
  const ours = globMatcher(GLOBS, { dot })
  const theirs = picomatch(GLOBS, { dot })
  for (const path of PATHS) expect([path, ours(path)]).toEqual([path, theirs(path)])
})
