import { parseOwners } from '../src/owners.js'

test('users, teams, comments and blanks', () => {
  const o = parseOwners(
    '# maintainers\n@alice\n\n  @generative-computing/crewai-maintainers  # team\n@bob # lead\n@alice\n'
  )
  expect(o.users).toEqual(['alice', 'bob'])
  expect(o.teams).toEqual(['generative-computing/crewai-maintainers'])
  expect(o.entries.map((e) => e.line)).toEqual([2, 4, 5])
  expect(o.invalid).toEqual([])
})

test('lines that are not @handles are reported with their line', () => {
  const o = parseOwners('alice\n@ok\nfoo@bar\n')
  expect(o.users).toEqual(['ok'])
  expect(o.invalid).toEqual([
    { line: 1, text: 'alice' },
    { line: 3, text: 'foo@bar' }
  ])
})

test('an empty or whitespace-only file has no owners', () => {
  expect(parseOwners('\n  \n').entries).toEqual([])
})
