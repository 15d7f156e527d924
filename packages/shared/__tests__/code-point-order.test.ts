// Every report and listing orders names by byCodePoint; sortByCodePoint is the same order
// without a comparator call per comparison.
import { byCodePoint, sortByCodePoint } from '../src/text.js'

const NAMES = [
  'b',
  'B',
  'a',
  '_integration_core',
  'a-b',
  'a.b',
  'a/b',
  'ab',
  '10',
  '9',
  '',
  '\u00e9',
  '\uFF61',
  '\u{1F600}',
  'Z'
]

test('sortByCodePoint orders as byCodePoint does, in place', () => {
  const list = [...NAMES]
  const sorted = sortByCodePoint(list)
  expect(sorted).toBe(list)
  expect(sorted).toEqual([...NAMES].sort(byCodePoint))
  expect(sorted.slice(0, 6)).toEqual(['', '10', '9', 'B', 'Z', '_integration_core'])
})
