import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(HERE, '../..')
const GENERATOR = path.resolve(REPO_ROOT, '../shared/bench/gen-monorepo.mjs')
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

export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  }).trim()

export interface BenchRepo {
  dir: string
  packages: number
  /** main's commit, and the head of branch `change` touching `changedFiles` files. */
  base: string
  head: string
  changedFiles: number
}

/**
 * A synthetic contribs repo of `n` packages from ../shared/bench/gen-monorepo.mjs, cached across
 * runs (generation is deterministic), with a branch `change` that edits two files in every
 * package (10,000 changed files at 5,000 packages) for discover.
 */
export function benchRepo(n: number, filesPerPackage = 4): BenchRepo {
  if (!existsSync(GENERATOR))
    throw new Error(`generator not found at ${GENERATOR} (../shared beside the repo)`)
  const dir = path.join(CACHE, `n${n}-f${filesPerPackage}`)
  const done = path.join(dir, '.bench-ready')
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(CACHE, { recursive: true })
    execFileSync(
      process.execPath,
      [GENERATOR, dir, '--packages', String(n), '--files-per-package', String(filesPerPackage)],
      { stdio: 'ignore' }
    )
    git(dir, 'checkout', '-q', '-b', 'change')
    let changed = 0
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (
        !e.isDirectory() ||
        e.name.startsWith('.') ||
        !existsSync(path.join(dir, e.name, 'OWNERS'))
      )
        continue
      writeFileSync(
        path.join(dir, e.name, 'README.md'),
        `# ${e.name}\n\nChanged by the benchmark.\n`
      )
      writeFileSync(
        path.join(dir, e.name, 'tests', 'test_bench.py'),
        'def test_bench():\n    assert True\n'
      )
      changed += 2
    }
    git(dir, 'add', '-A')
    git(dir, 'commit', '-q', '-m', 'bench change')
    writeFileSync(done, String(changed))
  }
  const base = git(dir, 'rev-parse', 'main')
  const head = git(dir, 'rev-parse', 'change')
  const changedFiles = Number(execFileSync('cat', [done], { encoding: 'utf8' }))
  return { dir, packages: n, base, head, changedFiles }
}
