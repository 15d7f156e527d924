import { describe, expect, test } from '@jest/globals'
import { allowDirectReferences, rewriteDependencyStrings } from '../src/dependency-rewrite.js'

const to = (raw: string) => (raw.startsWith('sib') ? `sib @ https://x/sib.whl` : undefined)

describe('rewriteDependencyStrings', () => {
  test('replaces only the chosen strings, whatever their quoting, keeping comments and layout', () => {
    const text = `[project]
name = "p"
dependencies = [ 'sib>=1',   # literal string
  "requests",
]

[project.optional-dependencies]
extra = ["""sib"""]
`
    const out = rewriteDependencyStrings(text, 'f', (d) => to(d.raw))
    expect(out.text).toBe(`[project]
name = "p"
dependencies = [ "sib @ https://x/sib.whl",   # literal string
  "requests",
]

[project.optional-dependencies]
extra = ["sib @ https://x/sib.whl"]
`)
    expect(out.changes.map((c) => [c.group, c.line])).toEqual([
      ['project.dependencies', 3],
      ['project.optional-dependencies.extra', 8]
    ])
  })

  test("a hatch metadata hook's inline array is rewritten too", () => {
    const text = '[tool.hatch.metadata.hooks.custom]\ndependencies = ["sib"]\n'
    expect(rewriteDependencyStrings(text, 'f', (d) => to(d.raw)).text).toBe(
      '[tool.hatch.metadata.hooks.custom]\ndependencies = ["sib @ https://x/sib.whl"]\n'
    )
  })

  test('an array written inside an inline table is refused, naming the file', () => {
    const text = '[project]\nname = "p"\noptional-dependencies = { extra = ["sib"] }\n'
    expect(() => rewriteDependencyStrings(text, 'pkg/pyproject.toml', (d) => to(d.raw))).toThrow(
      'cannot be rewritten in place'
    )
  })

  test('nothing chosen: the same text back', () => {
    const text = '[project]\nname = "p"\ndependencies = ["requests"]\n'
    expect(rewriteDependencyStrings(text, 'f', () => undefined)).toEqual({ text, changes: [] })
  })
})

describe('allowDirectReferences', () => {
  test('appends the table, or sets the key where it is', () => {
    expect(allowDirectReferences('[project]\nname = "p"', 'f')).toBe(
      '[project]\nname = "p"\n\n[tool.hatch.metadata]\nallow-direct-references = true\n'
    )
    const off = '[tool.hatch.metadata]\nallow-direct-references = false # no\n'
    expect(allowDirectReferences(off, 'f')).toBe(
      '[tool.hatch.metadata]\nallow-direct-references = true # no\n'
    )
    const on = '[tool.hatch.metadata]\nallow-direct-references = true\n'
    expect(allowDirectReferences(on, 'f')).toBe(on)
  })

  test('a [tool.hatch] written inline cannot take the key: a clear error', () => {
    expect(() => allowDirectReferences('[tool]\nhatch = { build = {} }\n', 'f')).toThrow(
      '`tool.hatch` is an inline table, so `[tool.hatch.metadata] allow-direct-references = true` cannot be added'
    )
  })
})
