// Reading .git/index directly must give exactly what `git ls-files -z --cached` prints, and
// step aside (undefined) wherever it cannot be sure. Real repositories, real git.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { readIndexPaths } from '../src/git-index.js'
import { startFileTree, treeFromPaths, diskTree } from '../src/file-tree.js'
import {
  cleanupTempDirs,
  git,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'

afterAll(cleanupTempDirs)

const UNLIMITED = Number.MAX_SAFE_INTEGER

function lsFiles(dir: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached'], { cwd: dir, encoding: 'utf8' })
  return out.split('\0').filter(Boolean)
}

function repo(files: Record<string, string> = { 'pkg/OWNERS': '@a\n', 'README.md': 'r\n' }) {
  const dir = tempDir()
  writeFiles(dir, files)
  initGitRepo(dir)
  return dir
}

/** A blob in the repository, for index entries that need no file on disk. */
function blob(dir: string, text: string): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: text })
    .toString()
    .trim()
}

test('a checkout with staged, deleted and oddly named files reads as git ls-files', () => {
  const dir = repo({
    'pkg/pyproject.toml': '[project]\nname = "x"\n',
    'pkg/tests/test_x.py': '',
    'pkg/mellea_contribs/x/__init__.py': '',
    'a-b/x.txt': '',
    'a/x.txt': '',
    'héllo wörld/ünïcode name.md': '',
    'spaces and\ttab/f': '',
    'gone-on-disk.txt': 'x\n'
  })
  writeFiles(dir, { 'new/staged.txt': 'n\n', 'untracked.txt': 'u\n' })
  git(dir, 'add', 'new/staged.txt')
  git(dir, 'rm', '-q', '--cached', 'a/x.txt') // a staged deletion: gone from the index
  rmSync(path.join(dir, 'gone-on-disk.txt')) // deleted on disk only: still in the index
  const direct = readIndexPaths(dir, UNLIMITED)
  expect(direct).toEqual(lsFiles(dir))
  expect(direct).toContain('gone-on-disk.txt')
  expect(direct).not.toContain('untracked.txt')
})

test('index version 3 (intent-to-add entries carry extended flags) reads as git ls-files', () => {
  const dir = repo()
  writeFiles(dir, { 'later/file.txt': 'l\n' })
  git(dir, 'add', '-N', 'later/file.txt')
  expect(readIndexPaths(dir, UNLIMITED)).toEqual(lsFiles(dir))
  expect(readIndexPaths(dir, UNLIMITED)).toContain('later/file.txt')
})

test('a path of 4095 bytes or more (the name length field saturates) reads as git ls-files', () => {
  const dir = repo()
  const sha = blob(dir, 'deep\n')
  const deep = Array.from({ length: 45 }, (_, i) => `segment-${i}-${'d'.repeat(80)}`).join('/')
  for (const p of [`${deep}/a.txt`, `${deep.slice(0, 4090)}/b`, 'short.txt'])
    git(dir, 'update-index', '--add', '--cacheinfo', `100644,${sha},${p}`)
  expect(Buffer.byteLength(`${deep}/a.txt`)).toBeGreaterThan(0xfff)
  expect(readIndexPaths(dir, UNLIMITED)).toEqual(lsFiles(dir))
})

test('an unmerged path is listed once per stage, as git ls-files does', () => {
  const dir = repo({ 'f.txt': 'base\n' })
  const main = git(dir, 'rev-parse', '--abbrev-ref', 'HEAD')
  git(dir, 'checkout', '-q', '-b', 'other')
  writeFiles(dir, { 'f.txt': 'other\n' })
  git(dir, 'commit', '-qam', 'other')
  git(dir, 'checkout', '-q', main)
  writeFiles(dir, { 'f.txt': 'main\n' })
  git(dir, 'commit', '-qam', 'main')
  expect(() => git(dir, 'merge', '-q', 'other')).toThrow()
  expect(readIndexPaths(dir, UNLIMITED)).toEqual(lsFiles(dir))
  expect(readIndexPaths(dir, UNLIMITED)!.filter((p) => p === 'f.txt')).toHaveLength(3)
})

test('steps aside for what it does not read: v4, split and sparse indexes, worktrees, GIT_* variables, size', () => {
  const v4 = repo()
  git(v4, 'update-index', '--index-version', '4')
  expect(readIndexPaths(v4, UNLIMITED)).toBeUndefined()

  const split = repo()
  git(split, 'update-index', '--split-index')
  expect(readIndexPaths(split, UNLIMITED)).toBeUndefined()

  const sparse = repo({ 'keep/a.txt': '', 'drop/b.txt': '', 'c.txt': '' })
  git(sparse, 'sparse-checkout', 'init', '--cone', '--sparse-index')
  git(sparse, 'sparse-checkout', 'set', 'keep')
  expect(readIndexPaths(sparse, UNLIMITED)).toBeUndefined()

  const main = repo()
  const linked = path.join(tempDir(), 'linked')
  git(main, 'worktree', 'add', '-q', linked)
  expect(readIndexPaths(linked, UNLIMITED)).toBeUndefined() // .git is a file there

  const plain = repo()
  expect(readIndexPaths(plain, UNLIMITED)).toEqual(lsFiles(plain))
  expect(readIndexPaths(plain, 64)).toBeUndefined() // over the caller's limit
  expect(readIndexPaths(path.join(plain, 'pkg'), UNLIMITED)).toBeUndefined() // not the top
  process.env.GIT_INDEX_FILE = path.join(plain, '.git', 'index')
  try {
    expect(readIndexPaths(plain, UNLIMITED)).toBeUndefined()
  } finally {
    delete process.env.GIT_INDEX_FILE
  }

  const empty = tempDir()
  git(empty, 'init', '-q')
  expect(readIndexPaths(empty, UNLIMITED)).toBeUndefined() // no index yet: git says
  expect(readIndexPaths(tempDir(), UNLIMITED)).toBeUndefined() // not a repository
})

test('a corrupt index steps aside rather than inventing paths', () => {
  const dir = repo()
  const index = path.join(dir, '.git', 'index')
  const good = readFileSync(index)
  for (const cut of [good.length - 30, 40, 13]) {
    writeFileSync(index, good.subarray(0, cut))
    expect(readIndexPaths(dir, UNLIMITED)).toBeUndefined()
  }
})

test('startFileTree reads a small index itself and lists the same tree as git does', async () => {
  const dir = repo({
    'pkg/pyproject.toml': '',
    'pkg/tests/t.py': '',
    'pkg/mellea_contribs/x/__init__.py': '',
    'pkg/.venv/ignored.py': '',
    'other/README.md': '',
    'root.txt': '',
    '.gitignore': '.venv/\n'
  })
  mkdirSync(path.join(dir, 'newpkg'))
  writeFiles(dir, { 'newpkg/OWNERS': '@b\n' }) // no tracked file: listed from disk
  // With a HEAD git refuses ("not a git repository"), only the direct read of the index can
  // answer: the spawning path lists the disk instead, saying why.
  const head = path.join(dir, '.git/HEAD')
  const goodHead = readFileSync(head)
  writeFileSync(head, 'not a ref\n')
  let direct
  try {
    direct = await startFileTree(dir, 'git')
    const fallback = await startFileTree(dir, 'git', { directIndexBytes: 0 })
    expect(fallback.source).toBe('disk')
    expect(fallback.note).toMatch(/^listed folders from disk: fatal: not a git repository/)
  } finally {
    writeFileSync(head, goodHead)
  }
  expect(direct.source).toBe('git')
  expect(direct.note).toBeUndefined()
  const spawned = await startFileTree(dir, 'git', { directIndexBytes: 0 })
  expect(spawned.source).toBe('git')
  {
    for (const rel of [
      '',
      'pkg',
      'pkg/tests',
      'pkg/mellea_contribs',
      'pkg/mellea_contribs/x',
      'pkg/.venv',
      'other',
      'newpkg'
    ])
      expect([rel, direct.list(rel)]).toEqual([rel, spawned.list(rel)])
    expect(direct.list('pkg/.venv')).toBeUndefined()
    expect(direct.list('newpkg')).toEqual(diskTree(dir).list('newpkg'))
    expect(direct.list('pkg')).toEqual(treeFromPaths(lsFiles(dir), diskTree(dir)).list('pkg'))
  }
})
