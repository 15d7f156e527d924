import { mkdirSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import {
  cleanupTempDirs,
  git,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { diskTree, startFileTree, treeFromPaths, workingTreePaths } from '../src/file-tree.js'

afterAll(cleanupTempDirs)

describe('treeFromPaths', () => {
  it('lists files and folders per folder, in code-point order, at any depth', () => {
    // git's own order: whole paths byte-wise, so `a-b/` comes before `a/`
    const tree = treeFromPaths([
      'README.md',
      'pkg/a-b/x.py',
      'pkg/a/y.py',
      'pkg/a/deep/er/z.py',
      'pkg/OWNERS',
      ''
    ])
    expect(tree.list('')).toEqual({ files: ['README.md'], dirs: ['pkg'] })
    expect(tree.list('pkg')).toEqual({ files: ['OWNERS'], dirs: ['a', 'a-b'] })
    expect(tree.list('pkg/a')).toEqual({ files: ['y.py'], dirs: ['deep'] })
    expect(tree.list('pkg/a/deep')).toEqual({ files: [], dirs: ['er'] })
    expect(tree.list('pkg/a/deep/er')).toEqual({ files: ['z.py'], dirs: [] })
  })

  it('a folder holding none of the paths does not exist, at the top or below', () => {
    const tree = treeFromPaths(['pkg/OWNERS', 'other/x', 'pkg/late.py'])
    expect(tree.list('pkg')).toEqual({ files: ['OWNERS', 'late.py'], dirs: [] })
    expect(tree.list('pkg/tests')).toBeUndefined()
    expect(tree.list('build')).toBeUndefined()
  })
})

describe('workingTreePaths', () => {
  it('tracked and untracked files count; deleted and skip-worktree ones do not', () => {
    const output = [
      '? pkg/new.py',
      'H pkg/OWNERS',
      'R pkg/OWNERS',
      'H pkg/a.py',
      'S pkg/sparse.py',
      ''
    ]
    expect(workingTreePaths(output.join('\0'))).toEqual(['pkg/new.py', 'pkg/a.py'])
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

  it('git: the working tree as git sees it, so ignored output and empty folders do not count', async () => {
    const dir = repoWithNoise()
    const tree = await startFileTree(dir, 'git')
    expect(tree.source).toBe('git')
    // the untracked notes.txt counts; .venv/, build/ (ignored) and examples/ (empty) do not
    expect(tree.list('pkg')).toEqual({
      files: ['OWNERS', 'notes.txt'],
      dirs: ['mellea_contribs', 'tests']
    })
    expect(tree.list('pkg/build')).toBeUndefined()
    // a package not yet added is there, as on disk
    expect(tree.list('new-pkg')).toEqual({ files: ['pyproject.toml'], dirs: [] })
  })

  it('git: a tracked file deleted but not staged is gone; ignored top-level output is no folder', async () => {
    const dir = repoWithNoise()
    writeFiles(dir, { 'pkg/OWNERS': null, 'build/pyproject.toml': '[project]\nname = "x"\n' })
    const tree = await startFileTree(dir, 'git')
    expect(tree.list('pkg')?.files).toEqual(['notes.txt'])
    expect(tree.list('')?.dirs).toEqual(['new-pkg', 'pkg'])
  })

  it('a staged deletion is gone; a staged file counts once', async () => {
    const dir = repoWithNoise()
    git(dir, 'add', 'pkg/notes.txt')
    git(dir, 'rm', '-q', 'pkg/tests/test_x.py')
    const tree = await startFileTree(dir, 'git')
    expect(tree.list('pkg')).toEqual({ files: ['OWNERS', 'notes.txt'], dirs: ['mellea_contribs'] })
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

  it('git that cannot start (no such folder): the disk, with a note saying why', async () => {
    const missing = await startFileTree(path.join(tempDir(), 'gone'), 'git')
    expect(missing.source).toBe('disk')
    expect(missing.note).toMatch(/^listed folders from disk: git could not start/)
    expect(missing.list('')).toBeUndefined()
  })

  it('outside a git work tree: the disk, with a note saying why', async () => {
    const dir = tempDir()
    writeFiles(dir, { 'pkg/OWNERS': '@a\n' })
    const tree = await startFileTree(dir, 'git')
    expect(tree.source).toBe('disk')
    expect(tree.note).toMatch(/^listed folders from disk: .*not a git repository/)
    expect(tree.list('pkg')).toEqual(diskTree(dir).list('pkg'))
  })

  it('never lists through a symbolic link: a link to a folder outside, or a loop, is a file of its folder', async () => {
    const dir = tempDir()
    const outside = tempDir()
    writeFiles(outside, { 'etc/passwd': 'root:x:0:0\n' })
    writeFiles(dir, { 'pkg/OWNERS': '@a\n', 'pkg/tests/test_x.py': '' })
    symlinkSync(outside, path.join(dir, 'pkg', 'docs'))
    symlinkSync('.', path.join(dir, 'pkg', 'again'))
    symlinkSync('loop', path.join(dir, 'pkg', 'loop'))
    symlinkSync(outside, path.join(dir, 'evil'))
    initGitRepo(dir)
    for (const source of ['git', 'disk'] as const) {
      const tree = await startFileTree(dir, source)
      const top = tree.list('')!
      expect([source, top.files, top.dirs.filter((d) => d !== '.git')]).toEqual([
        source,
        ['evil'],
        ['pkg']
      ])
      expect(tree.list('pkg')).toEqual({
        files: ['OWNERS', 'again', 'docs', 'loop'],
        dirs: ['tests']
      })
      // Asked for directly, a link is no folder: nothing outside is ever listed.
      for (const rel of [
        'evil',
        'evil/etc',
        'pkg/docs',
        'pkg/again',
        'pkg/loop',
        'pkg/again/tests'
      ])
        expect([source, rel, tree.list(rel)]).toEqual([source, rel, undefined])
    }
  })
})
