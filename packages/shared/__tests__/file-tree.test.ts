import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  cleanupTempDirs,
  git,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { diskTree, FileTree, gitTree, readGitFacts, startFileTree } from '../src/file-tree.js'

afterAll(cleanupTempDirs)

/** Every file path the tree lists, walking its folders from the root. */
function allFiles(tree: FileTree, rel = ''): string[] {
  const listing = tree.list(rel)
  if (!listing) return []
  const here = (name: string) => (rel ? `${rel}/${name}` : name)
  return [...listing.files.map(here), ...listing.dirs.flatMap((d) => allFiles(tree, here(d)))]
}

/** git's own answer: what ls-files lists of the working tree, as far as it is on disk. */
function gitsAnswer(root: string): string[] {
  return git(root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')
    .split('\0')
    .filter((p) => p && existsSync(path.join(root, p)))
}

describe('the working tree as git sees it, folder by folder', () => {
  test('a clean checkout never asks git for the ignore rules; the first untracked entry does, once', async () => {
    const dir = tempDir()
    writeFiles(dir, { '.gitignore': 'build/\n', 'pkg/pyproject.toml': '', 'pkg/OWNERS': '@a\n' })
    initGitRepo(dir)
    const facts = await readGitFacts(dir)
    if (typeof facts === 'string') throw new Error(facts)
    let asked = 0
    const counted = { ...facts, outsideRules: () => (asked++, facts.outsideRules()) }
    expect(allFiles(gitTree(dir, counted)).sort()).toEqual([
      '.gitignore',
      'pkg/OWNERS',
      'pkg/pyproject.toml'
    ])
    expect(asked).toBe(0)
    writeFiles(dir, { 'pkg/new.py': '', 'build/pyproject.toml': '', 'notes.txt': '' })
    expect(allFiles(gitTree(dir, counted)).sort()).toEqual([
      '.gitignore',
      'notes.txt',
      'pkg/OWNERS',
      'pkg/new.py',
      'pkg/pyproject.toml'
    ])
    expect(asked).toBe(1)
  })

  test('names git orders otherwise than JavaScript (past U+FFFF) are listed as git lists them', async () => {
    const dir = tempDir()
    // git lists U+FF61 before U+1F600 (their UTF-8 bytes); UTF-16 units put the emoji first.
    writeFiles(dir, {
      'pkg/\uFF61.py': '',
      'pkg/\u{1F600}/inner.py': '',
      'pkg/\u{1F600}.py': '',
      'pkg/plain.py': ''
    })
    initGitRepo(dir)
    // Ignored from now on, so only git's list of tracked files keeps them.
    writeFiles(dir, { '.gitignore': '*.py\n' })
    const facts = await readGitFacts(dir)
    if (typeof facts === 'string') throw new Error(facts)
    expect(allFiles(gitTree(dir, facts)).sort()).toEqual(gitsAnswer(dir).sort())
    expect(gitTree(dir, facts).list('pkg')?.dirs).toEqual(['\u{1F600}'])
  })

  /** Ignore rules at three depths, negations, anchors, tracked-but-ignored files and a deletion. */
  function trickyRepo(): string {
    const dir = tempDir()
    writeFiles(dir, {
      '.gitignore': 'build/\n*.log\n!keep.log\n/top-only\ndocs/**/gen/\n',
      'pkg/.gitignore': 'local.txt\n!important.log\n',
      'pkg/sub/.gitignore': '!local.txt\n',
      'pkg/OWNERS': '@a\n',
      'pkg/sub/mod.py': '',
      'docs/index.md': ''
    })
    initGitRepo(dir)
    writeFiles(dir, { 'build/tracked.py': '' })
    git(dir, 'add', '-f', 'build/tracked.py')
    git(dir, 'commit', '-q', '-m', 'a tracked file in an ignored folder')
    writeFiles(dir, {
      'pkg/OWNERS': null,
      'pkg/new.py': '',
      'pkg/local.txt': '',
      'pkg/sub/local.txt': '',
      'pkg/important.log': '',
      'pkg/top-only': '',
      'pkg/ü x.py': '',
      'a.log': '',
      'keep.log': '',
      'top-only': '',
      'docs/x/gen/out.html': '',
      'docs/x/page.md': '',
      'build/other.py': '',
      'onlylogs/a.log': '',
      'secret.txt': '',
      'new-pkg/pyproject.toml': ''
    })
    mkdirSync(path.join(dir, 'empty'))
    writeFiles(dir, { '.git/info/exclude': 'secret*\n' })
    return dir
  }

  it('lists what git ls-files lists, at every depth', async () => {
    const dir = trickyRepo()
    const tree = await startFileTree(dir, 'git')
    expect(tree.source).toBe('git')
    expect(allFiles(tree).sort()).toEqual(gitsAnswer(dir).sort())
    // the answer was not trivially empty: each kind of rule decided something
    expect(allFiles(tree)).toEqual(
      expect.arrayContaining([
        'build/tracked.py',
        'keep.log',
        'pkg/important.log',
        'pkg/sub/local.txt'
      ])
    )
    expect(allFiles(tree)).not.toEqual(expect.arrayContaining(['pkg/OWNERS']))
    // a folder holding nothing git would list does not exist
    for (const gone of ['empty', 'onlylogs', 'docs/x/gen'])
      expect([gone, tree.list(gone)]).toEqual([gone, undefined])
    expect(tree.list('')?.dirs).toEqual(['build', 'docs', 'new-pkg', 'pkg'])
  })

  it('a root below the top of the work tree follows the rules above it', async () => {
    const dir = trickyRepo()
    const root = path.join(dir, 'pkg')
    expect(allFiles(await startFileTree(root, 'git')).sort()).toEqual(gitsAnswer(root).sort())
    const docs = path.join(dir, 'docs')
    expect(allFiles(await startFileTree(docs, 'git')).sort()).toEqual(['index.md', 'x/page.md'])
  })

  it('core.excludesFile is the weakest rule', async () => {
    const dir = trickyRepo()
    writeFiles(dir, { 'pkg/scratch.tmp': '', 'pkg/keep.tmp': '' })
    const excludes = path.join(tempDir(), 'ignore')
    writeFileSync(excludes, '*.tmp\n')
    writeFiles(dir, { 'pkg/.gitignore': 'local.txt\n!important.log\n!keep.tmp\n' })
    git(dir, 'config', 'core.excludesFile', excludes)
    const files = allFiles(await startFileTree(dir, 'git'))
    expect(files.sort()).toEqual(gitsAnswer(dir).sort())
    expect(files).toContain('pkg/keep.tmp')
    expect(files).not.toContain('pkg/scratch.tmp')
  })

  it('stray files named so: the tracked ones still on disk, outside hidden folders', async () => {
    const dir = tempDir()
    writeFiles(dir, {
      'pkg/pyproject.toml': '',
      'python/x/pyproject.toml': '',
      '.hidden/pyproject.toml': '',
      'gone/pyproject.toml': '',
      'pyproject.toml': ''
    })
    initGitRepo(dir)
    writeFiles(dir, { 'gone/pyproject.toml': null })
    const tree = await startFileTree(dir, 'git')
    expect(tree.filesNamed('pyproject.toml')).toEqual([
      'pkg/pyproject.toml',
      'pyproject.toml',
      'python/x/pyproject.toml'
    ])
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
