import { readPyProject } from '@contribs-actions/shared'
import { checkUpstream } from '../src/upstream.js'

/** A pyproject whose [project].dependencies holds exactly `deps`. */
function check(deps: string[], options: { upstream?: string; minimum?: string } = {}) {
  const text = `[project]\nname = "x"\ndependencies = [\n${deps.map((d) => `    ${JSON.stringify(d)},\n`).join('')}]\n`
  const p = readPyProject(text, 'x/pyproject.toml')
  return checkUpstream(p, 'x', { upstream: options.upstream ?? 'mellea', minimum: options.minimum })
}

describe('rule 6: an upstream dependency declares >= or ==', () => {
  test.each([
    'mellea>=0.6.0',
    'mellea==0.6.0',
    'mellea[litellm]==0.5.0',
    'mellea[litellm, hf]>=0.5',
    'mellea>=0.5,<1',
    'mellea<1,>=0.5',
    'mellea!=0.5.1,>=0.5',
    'mellea (>=0.6)',
    'Mellea>=0.6',
    'mellea>=0.6 ; python_version >= "3.11"'
  ])('accepts %s', (dep) => {
    expect(check([dep])).toEqual([])
  })

  test.each([
    ['mellea', 'CA106', 'must declare a version constraint'],
    ['mellea[litellm]', 'CA106', 'must declare a version constraint'],
    ['mellea ; python_version >= "3.11"', 'CA106', 'must declare a version constraint'],
    ['mellea~=0.5', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea<1', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea>0.5', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea===0.5', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea >= 0.5 <1', 'CA106', 'must be a valid PEP 508 requirement'],
    ['mellea[litellm', 'CA106', 'must be a valid PEP 508 requirement'],
    [
      'mellea @ git+https://github.com/generative-computing/mellea.git',
      'CA107',
      'must not be a git/url ref'
    ],
    ['mellea[hf] @ https://example.com/mellea-0.6.0.tar.gz', 'CA107', 'must not be a git/url ref']
  ])('rejects %s (%s)', (dep, code, text) => {
    const f = check([dep])
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({
      severity: 'error',
      code,
      package: 'x',
      file: 'x/pyproject.toml',
      line: 4
    })
    expect(f[0].message).toContain('`mellea` dependency must')
    expect(f[0].message).toContain(text)
  })

  test('siblings whose names start with the upstream are not the upstream', () => {
    expect(
      check(['mellea-contribs-integration-core', 'mellea-tools', 'mellea_tools', 'melleax'])
    ).toEqual([])
  })

  test('a constrained extra before a bare requirement does not hide it; the finding is on its own line', () => {
    const f = check(['mellea[litellm]>=0.5', 'pydantic>=2', 'mellea'])
    expect(f).toEqual([expect.objectContaining({ code: 'CA106', line: 6 })])
    expect(f[0].message).toContain('(got "mellea" in [project].dependencies)')
  })

  test('the word mellea in keywords, classifiers or a description is not a dependency', () => {
    const p = readPyProject(
      [
        '[project]',
        'name = "x"',
        'description = "mellea helpers; requires mellea"',
        'keywords = ["mellea", "contribs"]',
        'classifiers = ["Framework :: mellea"]',
        'dependencies = ["pydantic>=2"]',
        '[tool.x]',
        'mellea = "mellea"'
      ].join('\n'),
      'x/pyproject.toml'
    )
    expect(checkUpstream(p, 'x', { upstream: 'mellea' })).toEqual([])
  })

  test('every dependency array counts: optional dependencies and dependency groups', () => {
    const p = readPyProject(
      [
        '[project]',
        'name = "x"',
        'dependencies = ["mellea>=0.6"]',
        '[project.optional-dependencies]',
        'hf = ["mellea[hf]"]',
        '[dependency-groups]',
        'dev = [{ include-group = "lint" }, "mellea @ git+https://x/mellea.git"]',
        'lint = ["ruff"]'
      ].join('\n'),
      'x/pyproject.toml'
    )
    const f = checkUpstream(p, 'x', { upstream: 'mellea' })
    expect(f.map((x) => [x.code, x.line])).toEqual([
      ['CA106', 5],
      ['CA107', 7]
    ])
    expect(f[0].message).toContain('in [project.optional-dependencies].hf')
    expect(f[1].message).toContain('in [dependency-groups].dev')
  })

  test('the upstream is configurable: another project judges its own upstream', () => {
    expect(check(['mellea', 'acme>=1.0'], { upstream: 'acme' })).toEqual([])
    expect(check(['acme'], { upstream: 'acme' })[0].message).toContain(
      '`acme` dependency must declare'
    )
  })

  test('a floor below minimum_upstream_version is a warning on the line; at or above it, nothing', () => {
    const f = check(['mellea>=0.3.2,<1'], { minimum: '0.5.0' })
    expect(f).toEqual([expect.objectContaining({ severity: 'warning', code: 'CA201', line: 4 })])
    expect(f[0].message).toContain('floor 0.3.2 is below minimum_upstream_version 0.5.0')
    expect(check(['mellea==0.5.0'], { minimum: '0.5.0' })).toEqual([])
    expect(check(['mellea>=0.6.0rc1'], { minimum: '0.5.0' })).toEqual([])
    expect(check(['mellea==0.4.*'], { minimum: '0.5.0' })).toEqual([]) // a wildcard has no comparable floor
  })
})
