import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateRepo, NESTED_GLOBS, PackageLayout } from '../../test/kit/generate-repo.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(HERE, '../..')
const GENERATOR = path.join(REPO_ROOT, 'test/kit/generate-repo.ts')
const CACHE = path.join(os.tmpdir(), 'contribs-bench-cache')

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1'
}

// gc.auto=0: a commit of thousands of new objects otherwise starts `git gc --auto` in the
// background, which races the repack below and eats a core while the first rounds are timed.
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', ...args], {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  }).trim()

export interface BenchRepo {
  dir: string
  packages: number
  layout: PackageLayout
  /** Where the packages are, for the floors: the uv workspace's members when nested. */
  globs?: string[]
  /** main's commit, and the head of branch `change` touching `changedFiles` files. */
  base: string
  head: string
  changedFiles: number
}

/**
 * Cached repositories are named after the generator's source and this file's, so a changed
 * generator (or way of committing) regenerates.
 */
const generatorVersion = () =>
  createHash('sha256')
    .update(readFileSync(GENERATOR))
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 12)

/**
 * A synthetic contribs repo of `count` packages from test/kit/generate-repo.ts in the given layout
 * (nested: group folders declared as a uv workspace, found with zero configuration), cached
 * across runs (generation is deterministic), with a branch `change` that edits two files in every
 * package (10,000 changed files at 5,000 packages) for discover.
 */
export function benchRepo(
  count: number,
  layout: PackageLayout = 'top-level',
  filesPerPackage = 4
): BenchRepo {
  const dir = path.join(CACHE, `${generatorVersion()}-${layout}-n${count}-f${filesPerPackage}`)
  // Beside the repository, not in it: the checkout stays clean, as a runner's is (an untracked
  // file would have git's ignore rules read, which a clean checkout never needs).
  const done = `${dir}.ready`
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true })
    const { packages } = generateRepo(dir, { packages: count, filesPerPackage, layout })
    git(dir, 'checkout', '-q', '-b', 'change')
    for (const { dir: pkg } of packages) {
      writeFileSync(path.join(dir, pkg, 'README.md'), `# ${pkg}\n\nChanged by the benchmark.\n`)
      writeFileSync(
        path.join(dir, pkg, 'tests/test_bench.py'),
        'def test_bench():\n    assert True\n'
      )
    }
    git(dir, 'add', '-A')
    git(dir, 'commit', '-q', '-m', 'bench change')
    // A runner's checkout is fetched, so its objects sit in a pack. Left loose, as commits leave
    // them, every tree git diffs is a file of its own to open and inflate: at 5,000 packages
    // `git diff` took five times as long as on the packed clone a runner has.
    git(dir, 'repack', '-a', '-d', '-q')
    git(dir, 'prune', '--expire=now')
    writeFileSync(done, String(packages.length * 2))
  }
  const base = git(dir, 'rev-parse', 'main')
  const head = git(dir, 'rev-parse', 'change')
  const changedFiles = Number(readFileSync(done, 'utf8'))
  const globs = layout === 'nested' ? NESTED_GLOBS : undefined
  return { dir, packages: count, layout, globs, base, head, changedFiles }
}
