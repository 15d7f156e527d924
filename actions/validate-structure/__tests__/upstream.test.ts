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
    ['mellea', 'CA106', 'must declare a version constraint'],
    ['mellea[litellm]', 'CA106', 'must declare a version constraint'],
    ['mellea ; python_version >= "3.11"', 'CA106', 'must declare a version constraint'],
    ['mellea~=0.5', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea<1', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea>0.5', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea===0.5', 'CA106', 'with `>=X.Y.Z` or `==X.Y.Z`'],
    ['mellea >= 0.5 <1', 'CA106', 'must be a valid PEP 508 requirement'],
    ['mellea[litellm', 'CA106', 'must be a valid PEP 508 requirement'],
    ['mellea>=latest', 'CA106', '"latest" in `>=latest` is not a PEP 440 version'],
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

  test('a constrained extra before a bare requirement does not hide it; the finding is on its own line', () => {
    const f = check(['mellea[litellm]>=0.5', 'pydantic>=2', 'mellea'])
    expect(f).toEqual([expect.objectContaining({ code: 'CA106', line: 6 })])
    expect(f[0].message).toContain('(got "mellea" in [project].dependencies)')
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
  })

  test('the floor is the shared one: `==X.*` is compared at X, the lowest requirement sets it, on its line', () => {
    expect(check(['mellea==0.4.*'], { minimum: '0.5.0' })).toEqual([
      expect.objectContaining({ code: 'CA201', line: 4 })
    ])
    // One warning for the package, on the requirement that lets the oldest upstream in.
    const f = check(['mellea>=0.4', 'pydantic>=2', 'mellea[hf]>=0.3'], { minimum: '0.5.0' })
    expect(f).toEqual([expect.objectContaining({ code: 'CA201', line: 6 })])
    expect(f[0].message).toBe(
      '`mellea` floor 0.3 is below minimum_upstream_version 0.5.0 (got "mellea[hf]>=0.3" in [project].dependencies)'
    )
  })

  test('an unbounded requirement is an error, not also a floor warning', () => {
    const f = check(['mellea>=0.3', 'mellea<2'], { minimum: '0.5.0' })
    expect(f.map((x) => [x.severity, x.code, x.line])).toEqual([['error', 'CA106', 5]])
  })
})
