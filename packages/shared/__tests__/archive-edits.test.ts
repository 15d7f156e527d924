// The text edits of archiving a package: the archived list, the smoke matrix list and the
// meta-package's extras, each keeping every other byte of its file.
import { describe, expect, test } from '@jest/globals'
import {
  addArchived,
  appendListItem,
  checkRemovedExtras,
  findJsonList,
  parseArchivedList,
  removeArchived,
  removeFromExtras,
  removeListItem,
  restoreExtras
} from '../src/index.js'

describe('JSON lists', () => {
  const edit = (
    text: string,
    key: string,
    f: (t: string, l: NonNullable<ReturnType<typeof findJsonList>>) => string
  ) => f(text, findJsonList(text, key, 'f.json')!)

  test('removing an item keeps the rest of the document byte for byte, one line or several', () => {
    const one = '{ "subpackages": ["a", "dspy", "c"], "other": [1] }\n'
    const index = (t: string, name: string) =>
      findJsonList(t, 'subpackages', 'f.json')!.items.findIndex((i) => i.value === name)
    expect(edit(one, 'subpackages', (t, l) => removeListItem(t, l, index(t, 'dspy')))).toBe(
      '{ "subpackages": ["a", "c"], "other": [1] }\n'
    )
    expect(edit(one, 'subpackages', (t, l) => removeListItem(t, l, index(t, 'c')))).toBe(
      '{ "subpackages": ["a", "dspy"], "other": [1] }\n'
    )
    const many = '{\r\n  "subpackages": [\r\n    "a",\r\n    "dspy"\r\n  ]\r\n}\r\n'
    expect(edit(many, 'subpackages', (t, l) => removeListItem(t, l, 1))).toBe(
      '{\r\n  "subpackages": [\r\n    "a"\r\n  ]\r\n}\r\n'
    )
    expect(
      edit('{"subpackages": ["dspy"]}', 'subpackages', (t, l) => removeListItem(t, l, 0))
    ).toBe('{"subpackages": []}')
  })

  test('appending follows the separators the list already uses', () => {
    const one = '{ "subpackages": ["a", "b"] }'
    expect(edit(one, 'subpackages', (t, l) => appendListItem(t, l, '"dspy"'))).toBe(
      '{ "subpackages": ["a", "b", "dspy"] }'
    )
    const many = '{\n  "subpackages": [\n    "a"\n  ]\n}\n'
    expect(edit(many, 'subpackages', (t, l) => appendListItem(t, l, '"dspy"'))).toBe(
      '{\n  "subpackages": [\n    "a",\n    "dspy"\n  ]\n}\n'
    )
    expect(edit('{"subpackages": []}', 'subpackages', (t, l) => appendListItem(t, l, '"x"'))).toBe(
      '{"subpackages": ["x"]}'
    )
  })

  test('a key that is not a list, or a document that is not an object, names the file', () => {
    expect(() => findJsonList('{"subpackages": "a"}', 'subpackages', 'm.json')).toThrow(
      /"subpackages" must be a list/
    )
    expect(() => findJsonList('[1]', 'subpackages', 'm.json')).toThrow(/must be a JSON object/)
    expect(() => findJsonList('{', 'subpackages', 'm.json')).toThrow(/invalid JSON/)
    expect(findJsonList('{"x": []}', 'subpackages', 'm.json')).toBeUndefined()
  })
})

describe('the archived list', () => {
  const entry = {
    package: 'dspy',
    issue: 'https://github.com/acme/r/issues/1',
    since: '2026-01-26',
    reason: 'smoke red for 21 days',
    restore: { smoke_matrix: true }
  }

  test('adding creates the file, or appends to the list keeping names written by hand', () => {
    const created = addArchived(undefined, entry)
    expect(parseArchivedList(created)).toEqual([{ ...entry, line: 3 }])
    const hand = '{\n  "packages": [\n    "old-pkg"\n  ]\n}\n'
    const added = addArchived(hand, entry)
    expect(added).toBe(`{\n  "packages": [\n    "old-pkg",\n    ${JSON.stringify(entry)}\n  ]\n}\n`)
    expect(parseArchivedList(added).map((e) => e.package)).toEqual(['old-pkg', 'dspy'])
    // Added twice: one entry, the newer one.
    expect(parseArchivedList(addArchived(added, { ...entry, since: '2026-03-01' }))).toEqual([
      { package: 'old-pkg', line: 3 },
      { ...entry, since: '2026-03-01', line: 4 }
    ])
  })

  test('removing takes out every entry for the package and nothing else', () => {
    const text = addArchived('{"packages": ["a", "dspy/"]}', entry)
    expect(removeArchived(text, 'dspy')).toBe('{"packages": ["a"]}')
    expect(removeArchived(text, 'nope')).toBe(text)
  })

  test('a wrong shape names the file', () => {
    expect(() => parseArchivedList('{"packages": [3]}')).toThrow(/must be \{"packages"/)
    expect(() => parseArchivedList('{"pkgs": []}')).toThrow(/must be \{"packages"/)
  })
})

describe('the meta-package extras', () => {
  const text = [
    '[project]',
    'name = "mellea-contribs"',
    '',
    '[project.optional-dependencies]',
    '# One extra per subpackage.',
    'integration-core = ["mellea-contribs-integration-core"]',
    "dspy = ['mellea-contribs-dspy']  # the DSPy bridge",
    'crewai = ["mellea-contribs-crewai"]',
    'all = [',
    '    "mellea-contribs-integration-core",',
    '    "Mellea_Contribs.DSPy>=0.1",',
    '    "mellea-contribs[crewai]",',
    ']',
    '',
    '[build-system]',
    'requires = ["hatchling"]',
    ''
  ].join('\n')

  test("the package's extra goes whole, its item leaves `all`, and nothing else changes", () => {
    const { text: out, removed } = removeFromExtras(text, 'pyproject.toml', 'mellea-contribs-dspy')
    expect(out).toBe(
      text
        .replace("dspy = ['mellea-contribs-dspy']  # the DSPy bridge\n", '')
        .replace('    "Mellea_Contribs.DSPy>=0.1",\n', '')
    )
    expect(removed).toEqual({
      extras: [
        {
          name: 'dspy',
          text: "dspy = ['mellea-contribs-dspy']  # the DSPy bridge\n",
          after: 'integration-core'
        }
      ],
      members: [{ extra: 'all', item: '"Mellea_Contribs.DSPy>=0.1"', index: 1 }]
    })
    // The reverse edit restores the file exactly, and twice changes nothing more.
    const back = restoreExtras(out, 'pyproject.toml', removed)
    expect(back).toEqual({ text, left: [] })
    expect(restoreExtras(back.text, 'pyproject.toml', removed).text).toBe(text)
  })

  test('a self-reference to the removed extra leaves `all` too; a package in no extra changes nothing', () => {
    const { text: out, removed } = removeFromExtras(
      text,
      'pyproject.toml',
      'mellea-contribs-crewai',
      'mellea-contribs'
    )
    expect(out).not.toContain('crewai')
    expect(removed.members).toEqual([{ extra: 'all', item: '"mellea-contribs[crewai]"', index: 2 }])
    expect(restoreExtras(out, 'pyproject.toml', removed).text).toBe(
      // Put back in its place in `all`, after the extra it followed.
      text
    )
    const none = removeFromExtras(text, 'pyproject.toml', 'somebody-else')
    expect(none).toEqual({ text, removed: { extras: [], members: [] } })
  })

  test('a self-reference naming other extras too is narrowed to them, as written, and restored', () => {
    const meta = [
      '[project]',
      'name = "mellea-contribs"',
      '',
      '[project.optional-dependencies]',
      'dspy = ["mellea-contribs-dspy"]',
      'crewai = ["mellea-contribs-crewai"]',
      'all = [\'mellea-contribs[dspy, crewai]\', "mellea-contribs[crewai,dspy]"]',
      ''
    ].join('\n')
    const { text: out, removed } = removeFromExtras(
      meta,
      'pyproject.toml',
      'mellea-contribs-crewai',
      'mellea-contribs'
    )
    expect(out).toBe(
      meta
        .replace('crewai = ["mellea-contribs-crewai"]\n', '')
        .replace("'mellea-contribs[dspy, crewai]'", "'mellea-contribs[dspy]'")
        .replace('"mellea-contribs[crewai,dspy]"', '"mellea-contribs[dspy]"')
    )
    expect(removed.narrowed).toEqual([
      { extra: 'all', from: "'mellea-contribs[dspy, crewai]'", to: "'mellea-contribs[dspy]'" },
      { extra: 'all', from: '"mellea-contribs[crewai,dspy]"', to: '"mellea-contribs[dspy]"' }
    ])
    expect(restoreExtras(out, 'pyproject.toml', removed)).toEqual({ text: meta, left: [] })
    // Read back from the archived list as archival-sweep stores it.
    expect(checkRemovedExtras(JSON.parse(JSON.stringify(removed)), 'f.json')).toEqual(removed)
  })

  test('what has nowhere to go is reported, not invented', () => {
    const removed = {
      extras: [],
      members: [{ extra: 'all', item: '"mellea-contribs-dspy"', index: 0 }]
    }
    const plain = '[project]\nname = "x"\n'
    expect(restoreExtras(plain, 'pyproject.toml', removed)).toEqual({
      text: plain,
      left: ['"mellea-contribs-dspy" in extra all']
    })
  })
})
