import { UserError } from '../src/errors.js'
import {
  dependencyEntries,
  dependencyLine,
  readPyProject,
  uvSourcePaths
} from '../src/pyproject.js'
import { parseToml, TomlLines } from '../src/toml.js'

const TEXT = `# a comment
[project]
name = "mellea-contribs-dspy"   # trailing comment
version = '0.6.0'
keywords = ["mellea", "dspy"]
dependencies = [
    "mellea[litellm]>=0.6.0",  # upstream
    "mellea-contribs-integration-core",
]

[project.optional-dependencies]
test = ["pytest>=7", "mellea"]

[dependency-groups]
dev = ["ruff", { include-group = "test" }]

[tool.uv.sources]
mellea-contribs-integration-core = { path = "../_integration_core", editable = true }

[tool."mellea-contribs".ci]
timeout_minutes = 90
`

describe('pyproject reading', () => {
  const p = readPyProject(TEXT, 'dspy/pyproject.toml')

  test('name, key and version', () => {
    expect(p.name).toBe('mellea-contribs-dspy')
    expect(p.key).toBe('mellea-contribs-dspy')
    expect(p.version).toBe('0.6.0')
    expect(p.dynamicVersion).toBe(false)
  })

  test('dependency entries come only from dependency arrays, not keywords', () => {
    const entries = dependencyEntries(p)
    expect(entries.map((e) => `${e.group}:${e.raw}`)).toEqual([
      'project.dependencies:mellea[litellm]>=0.6.0',
      'project.dependencies:mellea-contribs-integration-core',
      'project.optional-dependencies.test:pytest>=7',
      'project.optional-dependencies.test:mellea',
      'dependency-groups.dev:ruff'
    ])
  })

  test('lines of dependencies, keys and quoted table headers', () => {
    const [first, second, , bareInExtra] = dependencyEntries(p)
    expect(dependencyLine(p, first)).toBe(7)
    expect(dependencyLine(p, second)).toBe(8)
    expect(dependencyLine(p, bareInExtra)).toBe(12)
    expect(p.lines.find(['tool', 'mellea-contribs', 'ci'], 'timeout_minutes')).toBe(21)
    expect(p.lines.find(['project'], 'version')).toBe(4)
    expect(p.lines.tableLine(['dependency-groups'])).toBe(14)
  })

  test('uv path sources (inline tables)', () => {
    expect(uvSourcePaths(p)).toEqual([
      { name: 'mellea-contribs-integration-core', path: '../_integration_core' }
    ])
  })

  test('a key is not found in the next table', () => {
    expect(new TomlLines('[a]\nx = 1\n[b]\ny = 2\n').find(['a'], 'y')).toBeUndefined()
  })

  test('lines of keys however TOML writes them, never inside a string or an array', () => {
    const text = [
      '[tool.x]', // 1
      'notes = """', // 2
      '[tool.x.ci]', // 3: inside a string, no header
      'timeout_minutes = 1', // 4: inside a string, no key
      '"""', // 5
      'ci.timeout_minutes = 90', // 6: a dotted key
      'matrix = [', // 7
      '  ["a"],', // 8
      '  "python_versions = x",', // 9
      ']', // 10
      'rules = { CA110 = "off" }', // 11: an inline table
      '' //
    ].join('\n')
    const lines = new TomlLines(text)
    expect(lines.tableLine(['tool', 'x', 'ci'])).toBeUndefined()
    expect(lines.find(['tool', 'x', 'ci'], 'timeout_minutes')).toBe(6)
    expect(lines.find(['tool', 'x'], 'matrix', 'a')).toBe(8)
    expect(lines.find(['tool', 'x'], 'python_versions')).toBeUndefined()
    expect(lines.find(['tool', 'x', 'rules'], 'CA110')).toBe(11)
  })

  test('a key that is a table of its own: its header, or its first dotted key', () => {
    const lines = new TomlLines(
      '[tool.x.ci]\ntimeout_minutes = 1\ngpu.kind = "a100"\n\n[tool.x.ci.extra]\nflag = true\n'
    )
    expect(lines.find(['tool', 'x', 'ci'], 'gpu')).toBe(3)
    expect(lines.find(['tool', 'x', 'ci'], 'extra')).toBe(5)
    expect(lines.find(['tool', 'x', 'ci'], 'other')).toBeUndefined()
  })
})

describe('TOML syntax errors', () => {
  test.each([
    ['a = "unterminated\n', 1],
    ['[project]\nname = "x"\n[tool.mellea-contribs.ci\nx = 1\n', 3],
    ['[t]\nskip = flase\n', 2],
    ['[t]\nx = 1\nx = 2\n', 3]
  ])('%j is a UserError with the line', (text, line) => {
    try {
      parseToml(text, 'pkg/pyproject.toml')
      throw new Error('expected a failure')
    } catch (e) {
      expect(e).toBeInstanceOf(UserError)
      const u = e as UserError
      expect(u.file).toBe('pkg/pyproject.toml')
      expect(u.line).toBe(line)
      expect(u.column).toBeGreaterThan(0)
      expect(u.describe()).toMatch(new RegExp(`^pkg/pyproject.toml:${line}:\\d+: invalid TOML: `))
    }
  })
})
