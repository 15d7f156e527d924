// The plain-release fast path against @renovatebot/pep440 itself.
import { lt, valid } from '@renovatebot/pep440'
import {
  canonicalVersion,
  isPreRelease,
  supersedes,
  validVersion,
  versionLt
} from '../src/pep440.js'

// Deterministic pseudo-random versions: segments of 1-4, digits with leading zeros and long runs.
function* versions(count: number): Generator<string> {
  let seed = 7
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n
  const digits = ['0', '00', '1', '01', '2', '9', '10', '010', '99', '100', '12345678901234567890']
  for (let i = 0; i < count; i++)
    yield Array.from({ length: 1 + next(4) }, () => digits[next(digits.length)]).join('.')
}

const others = [
  '1.0a1',
  '1.0.post1',
  '1!0.5',
  '1.0+local',
  'v1.2',
  '1.2.*',
  '1..2',
  '',
  ' 1.0',
  '1.0rc1'
]

test('validVersion answers as valid() for plain releases and everything else', () => {
  for (const v of [...versions(300), ...others]) expect(validVersion(v)).toBe(valid(v))
})

test('versionLt orders as lt() across plain releases, trailing zeros and leading zeros included', () => {
  const list = [...versions(120), '1', '1.0', '1.0.0', '0.6', '0.06', '0.10', '0.9.9']
  for (const a of list)
    for (const b of list) expect([a, b, versionLt(a, b)]).toEqual([a, b, lt(a, b)])
})

test('versionLt hands anything else to the library', () => {
  const list = ['1.0a1', '1.0', '1.0.post1', '1!0.5', '2.0rc1', '0.6']
  for (const a of list) for (const b of list) expect(versionLt(a, b)).toBe(lt(a, b))
})

test('supersedes: only a later version replaces an earlier one; a pre-release never a final of its own or a later release', () => {
  expect(supersedes('0.8.0', '0.8.0rc1')).toBe(true)
  expect(supersedes('0.8.1rc1', '0.8.0')).toBe(true)
  expect(supersedes('0.8.0rc2', '0.8.0rc1')).toBe(true)
  expect(supersedes('0.8.0rc1', '0.8.0')).toBe(false)
  expect(supersedes('0.8.0rc1', '0.9.0')).toBe(false)
  expect(supersedes('0.8.0', '0.8.0')).toBe(false)
  expect(supersedes('0.8.0', 'not-a-version')).toBe(false)
})

describe('canonicalVersion and isPreRelease', () => {
  test('normalize the way wheel file names carry a version', () => {
    expect(canonicalVersion('1.0.0-RC.1')).toBe('1.0.0rc1')
    expect(canonicalVersion('01.2')).toBe('1.2')
    expect(canonicalVersion('0.6.0')).toBe('0.6.0')
    expect(canonicalVersion('not a version')).toBeUndefined()
  })
  test('tell pre-releases from releases and post-releases', () => {
    expect(isPreRelease('0.7.0rc1')).toBe(true)
    expect(isPreRelease('0.7.0.dev2')).toBe(true)
    expect(isPreRelease('0.7.0.post1')).toBe(false)
    expect(isPreRelease('0.7.0')).toBe(false)
  })
})
