import { normalizeName } from '../src/pep503.js'
import { parseRequirement, requirementStart, RequirementSyntaxError } from '../src/pep508.js'

describe('parseRequirement (PEP 508)', () => {
  test('name, extras, specifiers and marker', () => {
    const r = parseRequirement('mellea[litellm, hf]>=0.5.0,<0.9 ; python_version >= "3.11"')
    expect(r.name).toBe('mellea')
    expect(r.extras).toEqual(['litellm', 'hf'])
    expect(r.specifiers).toEqual([
      { op: '>=', version: '0.5.0' },
      { op: '<', version: '0.9' }
    ])
    expect(r.marker).toBe('python_version >= "3.11"')
    expect(r.url).toBeUndefined()
  })

  test('a bare name has no specifier', () => {
    expect(parseRequirement('mellea').specifiers).toEqual([])
    expect(parseRequirement('mellea[litellm]').specifiers).toEqual([])
  })

  test('parenthesised specifiers', () => {
    expect(parseRequirement('mellea (==0.6.0)').specifiers).toEqual([
      { op: '==', version: '0.6.0' }
    ])
  })

  test('direct URL reference, with a marker after whitespace', () => {
    const r = parseRequirement(
      'mellea @ git+https://github.com/x/mellea.git@main ; sys_platform == "linux"'
    )
    expect(r.url).toBe('git+https://github.com/x/mellea.git@main')
    expect(r.marker).toBe('sys_platform == "linux"')
    expect(r.specifiers).toEqual([])
  })

  test('a URL may contain `;` when no whitespace precedes it', () => {
    expect(parseRequirement('pkg @ https://h/x;y=1').url).toBe('https://h/x;y=1')
  })

  test('names that only start with the upstream are other distributions', () => {
    expect(parseRequirement('mellea-contribs-integration-core>=0.1').key).toBe(
      'mellea-contribs-integration-core'
    )
    expect(parseRequirement('mellea_tools').key).not.toBe('mellea')
  })

  test('PEP 503 normalisation makes My_Pkg and my-pkg one name', () => {
    expect(normalizeName('My_Pkg')).toBe('my-pkg')
    expect(normalizeName('my.pkg')).toBe(normalizeName('MY--PKG'))
    expect(parseRequirement('Mellea>=1').key).toBe('mellea')
  })

  test.each([
    ['', 'does not start'],
    ['>=1.0', 'does not start'],
    ['mellea[litellm', 'unclosed'],
    ['mellea >> 1', 'bad version clause'],
    ['mellea @ ', 'empty URL'],
    ['mellea>=1;', 'empty marker']
  ])('rejects %j', (raw, why) => {
    expect(() => parseRequirement(raw)).toThrow(RequirementSyntaxError)
    expect(() => parseRequirement(raw)).toThrow(why)
  })
})

describe('requirementStart: what a string that may not be valid PEP 508 asks for', () => {
  test.each([
    ['pydantic-graph=={{ version }}', 'pydantic-graph', []],
    [' Pkg [a, b] >= 1 <2', 'Pkg', ['a', 'b']],
    ['pkg[bad extra!]>=1', 'pkg', []],
    ['pkg[a', 'pkg', []],
    ['pkg>=1', 'pkg', []]
  ])('%j names %j with extras %j', (raw, name, extras) => {
    expect(requirementStart(raw)).toEqual({ name, extras })
  })

  test('a string that starts with no name asks for nothing', () => {
    expect(requirementStart('{{ dependency }}')).toBeUndefined()
    expect(requirementStart('>=1')).toBeUndefined()
  })

  test('it reads a valid requirement as parseRequirement does', () => {
    const raw = 'mellea[litellm,hf]>=0.5 ; python_version >= "3.11"'
    const parsed = parseRequirement(raw)
    expect(requirementStart(raw)).toEqual({ name: parsed.name, extras: parsed.extras })
  })
})
