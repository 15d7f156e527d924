// git's tracked paths asked "is this tracked?" and "does this folder hold anything tracked?" by
// binary search (file-tree.ts lists folders with it), in git's order or any other.
import { TrackedPaths } from '../src/tracked-paths.js'

// As `git ls-files` orders them: by bytes, so `a-b/` and `a.txt` come before `a/`.
const PATHS = ['README.md', 'a-b/x.py', 'a.txt', 'a/b/c.py', 'a/b/d/e.py', 'a/f.py', 'ab/g.py']

test('a tracked path, and the folders holding one at any depth', () => {
  const tracked = TrackedPaths.of(PATHS)
  for (const file of PATHS) expect(tracked.has(file)).toBe(true)
  expect(['a', 'a/b', 'a/b/d', 'a-b', 'ab'].filter((dir) => tracked.holds(dir))).toHaveLength(5)
  // Neither a folder's name nor a file's is the other's.
  expect(tracked.has('a')).toBe(false)
  expect(tracked.has('a/b')).toBe(false)
  expect(tracked.holds('a.txt')).toBe(false)
  expect(tracked.holds('a/b/c.py')).toBe(false)
  // A name that only starts like a tracked folder holds nothing.
  expect(tracked.holds('a/')).toBe(false)
  expect(tracked.holds('a/b/')).toBe(false)
  expect(tracked.holds('b')).toBe(false)
  expect(tracked.has('zzz')).toBe(false)
  expect(TrackedPaths.of([]).holds('a')).toBe(false)
})

test("inside a folder: the same answers about its entries, and nothing of its neighbours'", () => {
  const tracked = TrackedPaths.of(PATHS)
  const a = tracked.inside('a')
  expect(a.has('a/f.py')).toBe(true)
  expect(a.holds('a/b')).toBe(true)
  expect(a.holds('a/b/d')).toBe(true)
  expect(a.has('a.txt')).toBe(false)
  expect(a.holds('a-b')).toBe(false)
  expect(a.holds('ab')).toBe(false)
  expect(tracked.inside('a/b').inside('a/b/d').has('a/b/d/e.py')).toBe(true)
  expect(tracked.inside('nothing').holds('nothing/x')).toBe(false)
  expect(tracked.inside('')).toBe(tracked)
})

test("git's byte order is not JavaScript's past U+FFFF: such a list is sorted first", () => {
  // In UTF-8 bytes U+FF61 (EF BD A1) comes before U+1F600 (F0 9F 98 80), as git lists them;
  // in UTF-16 units the surrogate 0xD83D comes before 0xFF61.
  const gitOrder = ['p/\uFF61/x', 'p/\u{1F600}/y', 'q/z']
  const tracked = TrackedPaths.of(gitOrder)
  for (const file of gitOrder) expect(tracked.has(file)).toBe(true)
  expect(tracked.holds('p/\uFF61')).toBe(true)
  expect(tracked.holds('p/\u{1F600}')).toBe(true)
  expect(tracked.inside('p').holds('p/\u{1F600}')).toBe(true)
  expect(tracked.holds('q')).toBe(true)
  // The list it was given is left as it was.
  expect(gitOrder).toEqual(['p/\uFF61/x', 'p/\u{1F600}/y', 'q/z'])
})
