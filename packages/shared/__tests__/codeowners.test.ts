import {
  checkCodeowners,
  CODEOWNERS_BLOCK_HEADER,
  codeownersPatternMatches,
  generateCodeowners,
  packageStanding,
  parseCodeowners,
  readCodeowners,
  UnreadableFileError
} from '../src/index.js'
import { cleanupTempDirs, tempDir, writeFiles, writeLink } from '../../../test/kit/fixtures.js'

afterAll(cleanupTempDirs)

const FILE = '.github/CODEOWNERS'
const parse = (text: string) => parseCodeowners(text, FILE)

describe('patterns, as GitHub matches them', () => {
  test.each([
    ['*', 'dspy', true],
    ['/dspy/', 'dspy', true],
    ['/dspy/', 'dspy/pyproject.toml', true],
    ['/dspy/', 'libs/dspy/x.py', false],
    ['dspy/', 'libs/dspy/x.py', true], // no slash before the end: any depth
    ['dspy/**', 'dspy/a/b.py', true],
    ['/docs/*', 'docs/a.md', true],
    ['/docs/*', 'docs/build/a.md', false], // `*` owns the files there, not the ones further down
    ['*.md', 'dspy/README.md', true],
    ['*.md', 'dspy', false],
    ['/dspy/', 'dspy-two/x.py', false]
  ])('%s on %s: %s', (pattern, path, expected) => {
    expect(codeownersPatternMatches(pattern, path, !path.includes('.'))).toBe(expected)
  })

  test('a folder-only pattern does not name a file of that name', () => {
    expect(codeownersPatternMatches('build/', 'build', false)).toBe(false)
    expect(codeownersPatternMatches('build/', 'build', true)).toBe(true)
  })
})

describe('parseCodeowners', () => {
  test('rules with their lines; comments, blanks and trailing comments left out', () => {
    const f = parse('# top\n\n* @org/maint\n/dspy/ @a @b # the bridge\n/docs/\n')
    expect(f.rules).toEqual([
      { line: 3, pattern: '*', owners: ['@org/maint'] },
      { line: 4, pattern: '/dspy/', owners: ['@a', '@b'] },
      { line: 5, pattern: '/docs/', owners: [] }
    ])
    expect(f.invalid).toEqual([])
  })

  test('lines GitHub skips are listed with why, and are no rules', () => {
    const f = parse('!/dspy/ @a\n/x/ @ok\n/y/ not-an-owner\n/[ab]/ @a\n')
    expect(f.rules.map((r) => r.line)).toEqual([2])
    expect(f.invalid.map((i) => [i.line, i.reason])).toEqual([
      [1, expect.stringContaining('negated')],
      [3, expect.stringContaining('"not-an-owner" is not an @user')],
      [4, expect.stringContaining('character range')]
    ])
  })
})

describe('packageStanding and checkCodeowners', () => {
  const dspy = { dir: 'dspy', owners: ['@alice', '@org/team'] }

  test('its own last line with the same owners (any order, any case) is ok', () => {
    const f = parse('* @m\n/dspy/ @ORG/Team @alice\n')
    expect(packageStanding(f, dspy).kind).toBe('ok')
    expect(checkCodeowners(f, [dspy])).toEqual([])
  })

  test('no line of its own: the line that decides now, and the line to add after it', () => {
    const f = parse('# all\n* @m\n')
    expect(checkCodeowners(f, [dspy])).toEqual([
      {
        severity: 'error',
        package: 'dspy',
        file: FILE,
        line: 2,
        message:
          'no CODEOWNERS line for dspy/, so line 2 `* @m` decides its reviewers: add `/dspy/ @alice @org/team` after it'
      }
    ])
  })

  test('other owners: the line, and the line to write instead', () => {
    const [f] = checkCodeowners(parse('* @m\n/dspy/ @bob\n'), [dspy])
    expect(f).toMatchObject({ line: 2, file: FILE })
    expect(f.message).toBe(
      '`/dspy/ @bob` lists other owners than dspy/OWNERS: write `/dspy/ @alice @org/team`'
    )
  })

  test('a line a later catch-all overrides is reported on it, naming the later line', () => {
    const [f] = checkCodeowners(parse('/dspy/ @alice @org/team\n* @m\n'), [dspy])
    expect(f).toMatchObject({ line: 1 })
    expect(f.message).toContain('is overridden by line 2 `* @m`')
  })

  test('a later line for a path inside the package does not override it', () => {
    expect(
      checkCodeowners(parse('/dspy/ @alice @org/team\n/dspy/docs/ @writer\n'), [dspy])
    ).toEqual([])
  })

  test('no file at all: each package says which file to create', () => {
    expect(checkCodeowners(undefined, [dspy])[0]).toMatchObject({
      file: '.github/CODEOWNERS',
      message:
        'no CODEOWNERS file: create .github/CODEOWNERS with the line `/dspy/ @alice @org/team`'
    })
  })

  test('invalid lines are one finding, on the first of them', () => {
    const found = checkCodeowners(parse('!x @a\n* @m\n/y/ bad\n/dspy/ @alice @org/team\n'), [dspy])
    expect(found).toEqual([
      {
        severity: 'error',
        file: FILE,
        line: 1,
        message: expect.stringMatching(
          /^`!x @a` is a negated pattern.*GitHub skips this line \(and 1 more such line\)$/
        )
      }
    ])
  })

  test('a very long line is quoted cut short', () => {
    const [f] = checkCodeowners(parse(`/x/ ${'a'.repeat(5000)}\n`), [])
    expect(f.message.length).toBeLessThan(300)
    expect(f.message).toContain('…')
  })

  test('a package whose OWNERS names nobody is left to the OWNERS rule', () => {
    expect(checkCodeowners(parse('* @m\n'), [{ dir: 'dspy', owners: [] }])).toEqual([])
  })
})

describe('generateCodeowners', () => {
  const packages = [
    { dir: 'crewai', owners: ['@carol'] },
    { dir: 'dspy', owners: ['@alice'] },
    { dir: 'langchain', owners: ['@lee'] },
    { dir: 'quiet', owners: [] }
  ]

  test('keeps other lines byte for byte, rewrites a winning line in place, moves an overridden one, adds missing ones at the end', () => {
    const text = [
      '# Owners',
      '/langchain/ @lee',
      '*   @org/maint   # everyone else',
      '/dspy/ @old',
      '/dspy/docs/ @writer',
      '/quiet/ @someone',
      ''
    ].join('\n')
    expect(generateCodeowners(parse(text), packages)).toBe(
      [
        '# Owners',
        '*   @org/maint   # everyone else',
        '/dspy/ @alice',
        '/dspy/docs/ @writer',
        '/quiet/ @someone',
        '',
        CODEOWNERS_BLOCK_HEADER,
        '/crewai/ @carol',
        '/langchain/ @lee',
        ''
      ].join('\n')
    )
  })

  test('what it generates passes the check, and generating again changes nothing', () => {
    const once = generateCodeowners(parse('* @m\n/dspy/ @x\n/dspy/ @y\n'), packages)
    expect(checkCodeowners(parse(once), packages)).toEqual([])
    expect(generateCodeowners(parse(once), packages)).toBe(once)
    expect(once.match(/^\/dspy\//gm)).toHaveLength(1) // the earlier, overridden duplicate is gone
  })

  test('a line with the same owners in another order or form is kept as written', () => {
    const text = '* @m\ndspy/ @ALICE # mine\n'
    expect(generateCodeowners(parse(text), [packages[1]])).toBe(text)
  })

  test('a file with CRLF line ends keeps them', () => {
    expect(generateCodeowners(parse('* @m\r\n/dspy/ @x\r\n'), [packages[1]])).toBe(
      '* @m\r\n/dspy/ @alice\r\n'
    )
  })

  test('from no file: the header and one line per package', () => {
    expect(generateCodeowners(undefined, packages.slice(0, 2))).toBe(
      `${CODEOWNERS_BLOCK_HEADER}\n/crewai/ @carol\n/dspy/ @alice\n`
    )
  })
})

test('20,000 packages against a 20,000-line file: a few look-ups per package, not every line', () => {
  // Matching every pattern for every package would be 400 million pattern tests here.
  const packages = Array.from({ length: 20_000 }, (_, i) => ({
    dir: `pkg-${i}`,
    owners: ['@a', '@org/t']
  }))
  const text = [
    '* @m',
    '*.md @docs',
    '/docs/* @d',
    ...packages.map((p) => `/${p.dir}/ @a @org/t`),
    ''
  ]
  const file = parse(text.join('\n'))
  expect(checkCodeowners(file, packages)).toEqual([])
  expect(generateCodeowners(file, packages)).toBe(text.join('\n'))
}, 30_000)

describe('readCodeowners', () => {
  test("GitHub's order: .github/ first, then the root, then docs/", () => {
    const dir = tempDir()
    writeFiles(dir, { CODEOWNERS: '* @root\n', 'docs/CODEOWNERS': '* @docs\n' })
    expect(readCodeowners(dir)?.file).toBe('CODEOWNERS')
    writeFiles(dir, { '.github/CODEOWNERS': '* @github\n' })
    expect(readCodeowners(dir)?.rules[0].owners).toEqual(['@github'])
    expect(readCodeowners(dir, 'docs/CODEOWNERS')?.rules[0].owners).toEqual(['@docs'])
    expect(readCodeowners(tempDir())).toBeUndefined()
  })

  test('a link out of the checkout is refused, naming the file', () => {
    const dir = tempDir()
    writeLink(dir, '.github/CODEOWNERS', '/etc/passwd')
    expect(() => readCodeowners(dir)).toThrow(UnreadableFileError)
  })
})
