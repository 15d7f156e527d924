import { UserError } from '../src/errors.js'
import { setProjectVersion, VersionEdit } from '../src/pyproject-edit.js'
import { parseToml } from '../src/toml.js'

function edited(edit: VersionEdit): Extract<VersionEdit, { kind: 'edited' }> {
  if (edit.kind !== 'edited') throw new Error(`expected an edit, got ${edit.kind}`)
  return edit
}

/** The lines that differ between two texts, as [index, before, after]. */
function changedLines(a: string, b: string): [number, string | undefined, string | undefined][] {
  const x = a.split('\n')
  const y = b.split('\n')
  const out: [number, string | undefined, string | undefined][] = []
  for (let k = 0; k < Math.max(x.length, y.length); k++)
    if (x[k] !== y[k]) out.push([k, x[k], y[k]])
  return out
}

const TRICKY = `# Top comment: version = "9.9.9" must not move
[project]
name = "mellea-contribs-dspy"  # the distribution
version = '0.6.0'   # kept in single quotes
description = """
A multi-line string that mentions
version = "1.0"
[project]
"""
dependencies = [
    "mellea[litellm]>=0.6.0",   # upstream floor: never touched
    "mellea-contribs-integration-core==0.6.0",
    [
    ]
]

[tool.poetry]
version = "0.6.0"

[[package]]
name = "x"
version = "0.6.0"
`

describe('setProjectVersion', () => {
  test('changes only the version value, keeping quote style, comments and spacing', () => {
    const e = edited(setProjectVersion(TRICKY, '0.8.0rc1', 'dspy/pyproject.toml'))
    expect(e.line).toBe(4)
    expect(e.before).toBe('0.6.0')
    expect(changedLines(TRICKY, e.text)).toEqual([
      [
        3,
        "version = '0.6.0'   # kept in single quotes",
        "version = '0.8.0rc1'   # kept in single quotes"
      ]
    ])
    const data = parseToml(e.text, 'x') as { tool: { poetry: { version: string } } }
    expect(data.tool.poetry.version).toBe('0.6.0')
  })

  test('a `version` key in another table or inside a string is never taken for [project] version', () => {
    const text = `[tool.poetry]\nversion = "0.1.0"\n\n[project]\nname = "a"\nversion = "0.6.0"\n`
    const e = edited(setProjectVersion(text, '0.7.0', 'f'))
    expect(e.text).toBe(text.replace('version = "0.6.0"', 'version = "0.7.0"'))
    expect(e.line).toBe(6)
  })

  test('CRLF line endings are kept on every line, including an inserted one', () => {
    const crlf = '[project]\r\nname = "a"\r\nversion = "0.6.0"\r\n\r\n[x]\r\ny = 1\r\n'
    const e = edited(setProjectVersion(crlf, '0.8.0', 'f'))
    expect(e.text).toBe(crlf.replace('0.6.0', '0.8.0'))
    const noVersion = '[project]\r\nname = "a"\r\nrequires-python = ">=3.11"\r\n'
    const ins = edited(setProjectVersion(noVersion, '0.8.0', 'f'))
    expect(ins.text).toBe(
      '[project]\r\nname = "a"\r\nversion = "0.8.0"\r\nrequires-python = ">=3.11"\r\n'
    )
    expect(ins.inserted).toBe(true)
    expect(ins.line).toBe(3)
  })

  test('absent version: inserted right after name, with the name line indentation', () => {
    const text = `[project]\n  name = 'meta'   # root\n  description = "x"\n`
    const e = edited(setProjectVersion(text, '1.0.0.post1', 'pyproject.toml'))
    expect(e.text).toBe(
      `[project]\n  name = 'meta'   # root\n  version = "1.0.0.post1"\n  description = "x"\n`
    )
    expect(e.before).toBeUndefined()
  })

  test('absent version after a name on the last line without a newline keeps the file unterminated', () => {
    const e = edited(setProjectVersion('[project]\nname = "a"', '2.0', 'f'))
    expect(e.text).toBe('[project]\nname = "a"\nversion = "2.0"')
    expect(e.line).toBe(3)
  })

  test('dotted keys in the root table get a dotted version key', () => {
    const e = edited(setProjectVersion('project.name = "a"\n[tool.x]\ny = 1\n', '1.0', 'f'))
    expect(e.text).toBe('project.name = "a"\nproject.version = "1.0"\n[tool.x]\ny = 1\n')
    const d = edited(setProjectVersion('project.name = "a"\nproject.version = "0.1"\n', '1.0', 'f'))
    expect(d.text).toBe('project.name = "a"\nproject.version = "1.0"\n')
  })

  test('a dynamic version is reported, not corrupted', () => {
    const text = `[project]\nname = "a"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "a/__init__.py"\n`
    expect(setProjectVersion(text, '1.0', 'f')).toEqual({ kind: 'dynamic', line: 3 })
  })

  test('already at the version: unchanged, no edit', () => {
    expect(
      setProjectVersion('[project]\nname = "a"\nversion = "0.8.0rc1"\n', '0.8.0rc1', 'f')
    ).toEqual({
      kind: 'unchanged',
      line: 3
    })
  })

  test('triple-quoted and quoted-key forms', () => {
    const e = edited(
      setProjectVersion(`[project]\nname = "a"\n"version" = """0.1"""\n`, '0.2', 'f')
    )
    expect(e.text).toBe(`[project]\nname = "a"\n"version" = """0.2"""\n`)
    const h = edited(
      setProjectVersion(`[ project ]  # hdr\nname="a"\nversion="0.1"#c\n`, '0.2', 'f')
    )
    expect(h.text).toBe(`[ project ]  # hdr\nname="a"\nversion="0.2"#c\n`)
  })

  test('a byte-order mark and trailing content are left alone', () => {
    const text = `\uFEFF[project]\nname = "a"\nversion = "0.1"\n\n# end`
    expect(edited(setProjectVersion(text, '0.2', 'f')).text).toBe(text.replace('0.1', '0.2'))
  })

  test('no [project] table, or neither name nor version: a UserError naming the file', () => {
    expect(() => setProjectVersion('[tool.x]\na = 1\n', '1.0', 'p/pyproject.toml')).toThrow(
      UserError
    )
    expect(() =>
      setProjectVersion('[project]\ndescription = "x"\n', '1.0', 'p/pyproject.toml')
    ).toThrow(/neither `version` nor `name`/)
  })

  test('an inline project table is refused on its line, not mistaken for a table without name', () => {
    const text = '# pkg\nproject = { name = "a", version = "0.1" }\n\n[tool.x]\nversion = "9"\n'
    expect(() => setProjectVersion(text, '0.2', 'p/pyproject.toml')).toThrow(
      expect.objectContaining({
        file: 'p/pyproject.toml',
        line: 2,
        message: expect.stringMatching(/^inline \[project\] tables are not edited/)
      })
    )
    // A dotted key under the root table is not an inline table: it is edited in place.
    const dotted = 'project.name = "a"\nproject.version = "0.1"\n'
    expect(edited(setProjectVersion(dotted, '0.2', 'f')).text).toBe(dotted.replace('0.1', '0.2'))
  })

  test('a non-string version is a UserError on its line', () => {
    try {
      setProjectVersion('[project]\nname = "a"\nversion = 1\n', '1.0', 'p/pyproject.toml')
      throw new Error('no error')
    } catch (e) {
      expect(e).toBeInstanceOf(UserError)
      expect((e as UserError).line).toBe(3)
    }
  })
})
