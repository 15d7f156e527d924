import { mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import {
  cleanupTempDirs,
  git,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { diskTree, startFileTree, treeFromPaths } from '../src/file-tree.js'

afterAll(cleanupTempDirs)

describe('treeFromPaths (git ls-files output)', () => {
  const empty = { source: 'disk' as const, list: () => undefined }

  it('lists files and folders per folder, in code-point order, at any depth', () => {
    // git's own order: whole paths byte-wise, so `a-b/` comes before `a/`
    const tree = treeFromPaths(
      ['README.md', 'pkg/a-b/x.py', 'pkg/a/y.py', 'pkg/a/deep/er/z.py', 'pkg/OWNERS', ''],
      empty
    )
    expect(tree.list('')).toEqual({ files: ['README.md'], dirs: ['pkg'] })
    expect(tree.list('pkg')).toEqual({ files: ['OWNERS'], dirs: ['a', 'a-b'] })
    expect(tree.list('pkg/a')).toEqual({ files: ['y.py'], dirs: ['deep'] })
    expect(tree.list('pkg/a/deep')).toEqual({ files: [], dirs: ['er'] })
    expect(tree.list('pkg/a/deep/er')).toEqual({ files: ['z.py'], dirs: [] })
  })

  it('a folder git does not hold under a tracked top-level folder is missing', () => {
    const tree = treeFromPaths(['pkg/OWNERS'], {
      source: 'disk',
      list: () => ({ files: ['on-disk'], dirs: [] })
    })
    expect(tree.list('pkg/tests')).toBeUndefined()
  })

  it('a top-level folder with no tracked file at all is asked of the fallback', () => {
    const asked: string[] = []
    const tree = treeFromPaths(['pkg/OWNERS'], {
      source: 'disk',
      list: (rel) => (asked.push(rel), { files: ['pyproject.toml'], dirs: ['tests'] })
    })
    expect(tree.list('new-pkg')).toEqual({ files: ['pyproject.toml'], dirs: ['tests'] })
    expect(tree.list('new-pkg/tests')).toEqual({ files: ['pyproject.toml'], dirs: ['tests'] })
    expect(asked).toEqual(['new-pkg', 'new-pkg/tests'])
  })
})

describe('startFileTree', () => {
  function repoWithNoise(): string {
    const dir = tempDir()
    writeFiles(dir, {
      '.gitignore': '.venv/\nbuild/\n',
      'pkg/OWNERS': '@alice\n',
      'pkg/tests/test_x.py': '',
      'pkg/mellea_contribs/pkg/__init__.py': ''
    })
    initGitRepo(dir)
    // after the commit: ignored output, an empty folder, an untracked file, a new package
    writeFiles(dir, {
      'pkg/.venv/lib/site.py': '',
      'pkg/build/lib/x.py': '',
      'pkg/notes.txt': '',
      'new-pkg/pyproject.toml': '[project]\nname = "new"\n'
    })
    mkdirSync(path.join(dir, 'pkg/examples'))
    return dir
  }

  it('git: what git tracks, so ignored, empty and untracked folders do not count', async () => {
    const dir = repoWithNoise()
    const tree = await startFileTree(dir, 'git')
    expect(tree.source).toBe('git')
    expect(tree.list('pkg')).toEqual({ files: ['OWNERS'], dirs: ['mellea_contribs', 'tests'] })
    expect(tree.list('pkg/build')).toBeUndefined()
    // a package not yet added is read from disk
    expect(tree.list('new-pkg')).toEqual({ files: ['pyproject.toml'], dirs: [] })
  })

  it('a staged file counts before it is committed', async () => {
    const dir = repoWithNoise()
    git(dir, 'add', 'pkg/notes.txt')
    const tree = await startFileTree(dir, 'git')
    expect(tree.list('pkg')?.files).toEqual(['OWNERS', 'notes.txt'])
  })

  it('a root below the top of the work tree lists paths relative to itself', async () => {
    const dir = tempDir()
    writeFiles(dir, { 'python/pkg/OWNERS': '@a\n', 'other/x': '' })
    initGitRepo(dir)
    const tree = await startFileTree(path.join(dir, 'python'), 'git')
    expect(tree.list('')).toEqual({ files: [], dirs: ['pkg'] })
    expect(tree.list('pkg')).toEqual({ files: ['OWNERS'], dirs: [] })
  })

  it('disk: the folders as they are', async () => {
    const dir = repoWithNoise()
    const tree = await startFileTree(dir, 'disk')
    expect(tree.source).toBe('disk')
    expect(tree.list('pkg')).toEqual({
      files: ['OWNERS', 'notes.txt'],
      dirs: ['.venv', 'build', 'examples', 'mellea_contribs', 'tests']
    })
    expect(tree.list('pkg/missing')).toBeUndefined()
  })

  it("git's output goes through a file in RUNNER_TEMP, removed whether git succeeds or not", async () => {
    const temp = tempDir()
    const saved = process.env.RUNNER_TEMP
    process.env.RUNNER_TEMP = temp
    try {
      expect((await startFileTree(repoWithNoise(), 'git')).source).toBe('git')
      expect((await startFileTree(tempDir(), 'git')).source).toBe('disk')
      // git cannot even start there: 'error' and then 'close', answered once
      const missing = await startFileTree(path.join(tempDir(), 'gone'), 'git')
      expect(missing.note).toMatch(/^listed folders from disk: git could not start/)
      expect(missing.list('')).toBeUndefined()
      await new Promise((r) => setTimeout(r, 50)) // let a late 'close' arrive
    } finally {
      if (saved === undefined) delete process.env.RUNNER_TEMP
      else process.env.RUNNER_TEMP = saved
    }
    expect(readdirSync(temp)).toEqual([])
  })

  it('outside a git work tree: the disk, with a note saying why', async () => {
    const dir = tempDir()
    writeFiles(dir, { 'pkg/OWNERS': '@a\n' })
    const tree = await startFileTree(dir, 'git')
    expect(tree.source).toBe('disk')
    expect(tree.note).toMatch(/^listed folders from disk: .*not a git repository/)
    expect(tree.list('pkg')).toEqual(diskTree(dir).list('pkg'))
  })
})
