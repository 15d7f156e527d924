// Test fixtures over real files and real git: temporary folders, the example contribs repo, and
// git repositories built commit by commit. Shared by every test suite in the repo.
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOwners } from '@contribs-actions/shared'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const EXAMPLE_REPO = path.join(REPO_ROOT, 'examples/contribs-repo')

/** The subpackages of examples/contribs-repo, in code-point order (every report's order). */
export const EXAMPLE_PACKAGES = [
  '_integration_core',
  'agent-utilities',
  'citations',
  'crewai',
  'dspy',
  'langchain'
]

/** Every individual named in an OWNERS file of examples/contribs-repo (teams left out), sorted. */
export const EXAMPLE_OWNER_USERS: string[] = readdirSync(EXAMPLE_REPO, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(EXAMPLE_REPO, e.name, 'OWNERS')))
  .flatMap(
    (e) => parseOwners(readFileSync(path.join(EXAMPLE_REPO, e.name, 'OWNERS'), 'utf8')).users
  )
  .sort()

const made: string[] = []

/** A fresh temporary folder, removed by cleanupTempDirs() (call it in afterAll). */
export function tempDir(prefix = 'contribs-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** A copy of examples/contribs-repo in a temporary folder (not yet a git repository). */
export function copyExampleRepo(): string {
  const dir = tempDir('contribs-example-')
  cpSync(EXAMPLE_REPO, dir, { recursive: true })
  return dir
}

/** Writes files (root-relative paths); a null value deletes the file or folder. */
export function writeFiles(root: string, files: Record<string, string | Buffer | null>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel)
    if (content === null) rmSync(abs, { recursive: true, force: true })
    else {
      mkdirSync(path.dirname(abs), { recursive: true })
      writeFileSync(abs, content)
    }
  }
}

/**
 * Makes `rel` (root-relative) a symbolic link to `target`, replacing what is there: how a
 * repository commits a link (git stores the target text; a checkout makes the link again).
 */
export function writeLink(root: string, rel: string, target: string): void {
  const abs = path.join(root, rel)
  rmSync(abs, { recursive: true, force: true })
  mkdirSync(path.dirname(abs), { recursive: true })
  symlinkSync(target, abs)
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.invalid',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null'
}

/** Runs git synchronously in `cwd` with a fixed identity; returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd,
      env: { ...process.env, ...GIT_ENV },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024
    }
  ).trim()
}

/** `git init` on branch main, everything committed; returns the commit sha. */
export function initGitRepo(dir: string, message = 'initial'): string {
  git(dir, 'init', '-q', '-b', 'main')
  return commitAll(dir, message)
}

export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '--allow-empty', '-m', message)
  return git(dir, 'rev-parse', 'HEAD')
}
