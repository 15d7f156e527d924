// git's tracked paths asked "does this folder hold anything tracked?", "what is tracked
// directly in this folder?" (file-tree.ts lists folders with them) and "where are the files with
// this name?", from git's list as it prints it or from a list in any order.
import { TrackedPaths } from '../src/tracked-paths.js'

// As `git ls-files` orders them: by bytes, so `a-b/` and `a.txt` come before `a/`.
const PATHS = ['README.md', 'a-b/x.py', 'a.txt', 'a/b/c.py', 'a/b/d/e.py', 'a/f.py', 'ab/g.py']

const entriesOf = (tracked: TrackedPaths) => {
  const { files, folders } = tracked.entries()
  return { files: [...files].sort(), folders: [...folders].sort() }
}

test('the folders holding a tracked path at any depth', () => {
  const tracked = TrackedPaths.of(PATHS)
  expect(['a', 'a/b', 'a/b/d', 'a-b', 'ab'].filter((dir) => tracked.holds(dir))).toHaveLength(5)
  // A file is not a folder, and a name that only starts like a tracked folder holds nothing.
  expect(tracked.holds('a.txt')).toBe(false)
  expect(tracked.holds('a/b/c.py')).toBe(false)
  expect(tracked.holds('a/')).toBe(false)
  expect(tracked.holds('a/b/')).toBe(false)
  expect(tracked.holds('b')).toBe(false)
  expect(TrackedPaths.of([]).holds('a')).toBe(false)
})

test("a folder's entries: its tracked files and the folders holding one, nothing deeper", () => {
  const tracked = TrackedPaths.of(PATHS)
  expect(entriesOf(tracked)).toEqual({
    files: ['README.md', 'a.txt'],
    folders: ['a', 'a-b', 'ab']
  })
  expect(entriesOf(tracked.inside('a'))).toEqual({ files: ['f.py'], folders: ['b'] })
  expect(entriesOf(tracked.inside('a').inside('a/b'))).toEqual({
    files: ['c.py'],
    folders: ['d']
  })
  expect(entriesOf(tracked.inside('a/b/d'))).toEqual({ files: ['e.py'], folders: [] })
  expect(entriesOf(tracked.inside('nothing'))).toEqual({ files: [], folders: [] })
  expect(tracked.inside('')).toBe(tracked)
})

test("inside a folder: the same answers about its entries, and nothing of its neighbours'", () => {
  const tracked = TrackedPaths.of(PATHS)
  const a = tracked.inside('a')
  expect(a.holds('a/b')).toBe(true)
  expect(a.holds('a/b/d')).toBe(true)
  expect(a.holds('a-b')).toBe(false)
  expect(a.holds('ab')).toBe(false)
  expect(tracked.inside('nothing').holds('nothing/x')).toBe(false)
})

test('the files with a name, at any depth, in code point order; a longer name is not one', () => {
  const tracked = TrackedPaths.of([
    'pyproject.toml',
    'a/pyproject.toml',
    'a/b/pyproject.toml',
    'a/old-pyproject.toml',
    'a/pyproject.toml.bak',
    'b/pyproject.toml/inner',
    'c/xpyproject.toml'
  ])
  expect(tracked.named('pyproject.toml')).toEqual([
    'a/b/pyproject.toml',
    'a/pyproject.toml',
    'pyproject.toml'
  ])
  expect(tracked.named('OWNERS')).toEqual([])
  expect(TrackedPaths.of(['OWNERS']).named('OWNERS')).toEqual(['OWNERS'])
})

test("git's list as it prints it (NUL after each path) gives the same answers", () => {
  const fromGit = TrackedPaths.fromGitList(PATHS.map((p) => `${p}\0`).join(''))
  const given = TrackedPaths.of(PATHS)
  for (const dir of ['', 'a', 'a/b', 'a/b/d', 'a-b', 'nothing'])
    expect(entriesOf(fromGit.inside(dir))).toEqual(entriesOf(given.inside(dir)))
  expect(['a', 'a/b', 'ab', 'b', 'a.txt'].map((d) => fromGit.holds(d))).toEqual([
    true,
    true,
    true,
    false,
    false
  ])
  expect(fromGit.named('e.py')).toEqual(['a/b/d/e.py'])
  expect(TrackedPaths.fromGitList('').holds('a')).toBe(false)
  // A list whose last path lacks its NUL still holds that path.
  expect(TrackedPaths.fromGitList('a/x.py\0b/y.py').holds('b')).toBe(true)
})

test("git's byte order is not JavaScript's past U+FFFF: such a list is sorted first", () => {
  // In UTF-8 bytes U+FF61 (EF BD A1) comes before U+1F600 (F0 9F 98 80), as git lists them;
  // in UTF-16 units the surrogate 0xD83D comes before 0xFF61.
  const gitOrder = ['p/\uFF61/w', 'p/\uFF61/x', 'p/\u{1F600}/y', 'q/z']
  const tracked = TrackedPaths.fromGitList(gitOrder.map((p) => `${p}\0`).join(''))
  expect(tracked.holds('p/\uFF61')).toBe(true)
  expect(tracked.holds('p/\u{1F600}')).toBe(true)
  expect(tracked.inside('p').holds('p/\u{1F600}')).toBe(true)
  expect(tracked.holds('q')).toBe(true)
  expect(entriesOf(tracked.inside('p/\uFF61'))).toEqual({ files: ['w', 'x'], folders: [] })
  expect(entriesOf(tracked.inside('p')).folders).toEqual(['\uFF61', '\u{1F600}'].sort())
  expect(tracked.named('y')).toEqual(['p/\u{1F600}/y'])
})

test('long and short runs side by side: the answers of a plain reading of the list', () => {
  // Folders holding 1 to 40 paths, some nested, so a folder's run ends at every distance.
  const paths: string[] = []
  for (let f = 0; f < 60; f++)
    for (let k = 0; k < 1 + ((f * 7) % 40); k++)
      paths.push(k % 5 === 4 ? `f${f}/sub${k % 3}/x${k}.py` : `f${f}/x${k}.py`)
  paths.push('top.txt')
  const tracked = TrackedPaths.of(paths)
  const plainEntries = (dir: string) => {
    const prefix = dir ? `${dir}/` : ''
    const below = paths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length))
    const files = below.filter((p) => !p.includes('/'))
    const folders = [...new Set(below.filter((p) => p.includes('/')).map((p) => p.split('/')[0]))]
    return { files: files.sort(), folders: folders.sort() }
  }
  for (const dir of ['', 'f0', 'f1', 'f7', 'f39', 'f59', 'f12/sub1', 'f5/sub0', 'nothing'])
    expect([dir, entriesOf(tracked.inside(dir))]).toEqual([dir, plainEntries(dir)])
  expect(entriesOf(tracked.inside('f12').inside('f12/sub1'))).toEqual(plainEntries('f12/sub1'))
})
