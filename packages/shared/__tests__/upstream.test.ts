import { parseRequirement } from '../src/pep508.js'
import { dependencyEntries, dependencyTarget, readPyProject } from '../src/pyproject.js'
import {
  lowerBound,
  upstreamDependencies,
  upstreamFloor,
  upstreamProblem
} from '../src/upstream.js'

/** A pyproject with `deps` in [project].dependencies and, optionally, other arrays. */
function pyproject(deps: string[], extra = '') {
  const list = deps.map((d) => `    ${JSON.stringify(d)},\n`).join('')
  return readPyProject(
    `[project]\nname = "x"\ndependencies = [\n${list}]\n${extra}`,
    'x/pyproject.toml'
  )
}

/** The problem of the one upstream requirement `dep`. */
function problemOf(dep: string) {
  const deps = upstreamDependencies(pyproject([dep]), 'mellea')
  expect(deps).toHaveLength(1)
  return upstreamProblem(deps[0])
}

describe('upstreamProblem: a requirement on the upstream needs >= or ==', () => {
  test.each([
    'mellea>=0.6.0',
    'mellea==0.6.0',
    'mellea==0.6.*',
    'mellea[litellm]==0.5.0',
    'mellea[litellm, hf]>=0.5',
    'mellea>=0.5,<1',
    'mellea<1,>=0.5',
    'mellea!=0.5.1,>=0.5',
    'mellea~=0.5,>=0.5.2',
    'mellea (>=0.6)',
    'Mellea>=0.6',
    'mellea>=0.6.0rc1',
    'mellea>=0.6 ; python_version >= "3.11"'
  ])('accepts %s', (dep) => {
    expect(problemOf(dep)).toBeUndefined()
  })

  test.each([
    ['mellea', 'CA106', 'unconstrained', undefined],
    ['mellea[litellm]', 'CA106', 'unconstrained', undefined],
    ['mellea ; python_version >= "3.11"', 'CA106', 'unconstrained', undefined],
    ['mellea~=0.5', 'CA106', 'no-floor-operator', '`~=`'],
    ['mellea<1', 'CA106', 'no-floor-operator', '`<`'],
    ['mellea>0.5,<1', 'CA106', 'no-floor-operator', '`>`, `<`'],
    ['mellea===0.5', 'CA106', 'no-floor-operator', '`===`'],
    ['mellea >= 0.5 <1', 'CA106', 'invalid', 'bad version clause ">= 0.5 <1"'],
    ['mellea[litellm', 'CA106', 'invalid', 'unclosed `[` in extras'],
    ['mellea>=latest', 'CA106', 'invalid', '"latest" in `>=latest` is not a PEP 440 version'],
    ['mellea>=0.5.*', 'CA106', 'invalid', '"0.5.*" in `>=0.5.*` is not a PEP 440 version'],
    ['mellea @ git+https://github.com/generative-computing/mellea.git', 'CA107', 'url', undefined],
    ['mellea[hf] @ https://example.com/mellea-0.6.0.tar.gz', 'CA107', 'url', undefined]
  ])('rejects %s (%s %s)', (dep, code, kind, detail) => {
    expect(problemOf(dep)).toEqual({ code, kind, ...(detail === undefined ? {} : { detail }) })
  })
})

describe('upstreamDependencies: which strings are on the upstream', () => {
  test('siblings whose names start with the upstream are not the upstream', () => {
    const p = pyproject([
      'mellea-contribs-integration-core',
      'mellea-tools>=1',
      'mellea_tools',
      'melleax',
      'mellea.ext'
    ])
    expect(upstreamDependencies(p, 'mellea')).toEqual([])
  })

  test('names compare PEP 503-normalised, both ways', () => {
    const p = pyproject(['Mellea>=0.6', 'acme_lib>=1', 'pydantic>=2'])
    expect(upstreamDependencies(p, 'mellea').map((d) => d.raw)).toEqual(['Mellea>=0.6'])
    expect(upstreamDependencies(p, 'Acme.Lib').map((d) => d.raw)).toEqual(['acme_lib>=1'])
  })

  test('skipping strings unparsed by their leading name picks what parsing all of them picks', () => {
    const strings = [
      'mellea>=0.6',
      ' Mellea [litellm] >= 0.5 ; python_version >= "3.11"',
      'mellea@ git+https://example.invalid/m.git',
      'mellea(>=0.5)',
      'mellea.>=1',
      'mellea_>=1',
      'mellea-tools>=1',
      'MELLEA',
      'mellea~=0.5',
      'pydantic>=2; extra == "mellea"',
      '',
      '>=1',
      'mellea[',
      'acme @ https://example.invalid/mellea.whl'
    ]
    const p = pyproject(strings)
    const byParsingAll = dependencyEntries(p).filter((d) => dependencyTarget(d)?.key === 'mellea')
    expect(upstreamDependencies(p, 'mellea')).toEqual(byParsingAll)
    expect(byParsingAll.map((d) => d.raw)).toEqual([
      'mellea>=0.6',
      ' Mellea [litellm] >= 0.5 ; python_version >= "3.11"',
      'mellea@ git+https://example.invalid/m.git',
      'mellea(>=0.5)',
      // Not valid PEP 508, and the name PEP 508 reads at their start is `mellea` (a name ends in
      // a letter or digit): broken requirements on the upstream, reported as such.
      'mellea.>=1',
      'mellea_>=1',
      'MELLEA',
      'mellea~=0.5',
      'mellea['
    ])
  })

  test('an unparseable string counts when its leading name is the upstream', () => {
    const p = pyproject(['mellea >= 0.5 <1', 'mellea-tools >= 1 <2', '[mellea]'])
    expect(upstreamDependencies(p, 'mellea').map((d) => d.raw)).toEqual(['mellea >= 0.5 <1'])
  })

  test('keywords, classifiers, descriptions and tool tables are not dependencies', () => {
    const p = readPyProject(
      [
        '[project]',
        'name = "x"',
        'description = "mellea helpers; requires mellea"',
        'keywords = ["mellea", "contribs"]',
        'classifiers = ["Framework :: mellea"]',
        'dependencies = ["pydantic>=2"]',
        '[tool.x]',
        'mellea = "mellea"',
        'dependencies = ["mellea"]'
      ].join('\n'),
      'x/pyproject.toml'
    )
    expect(upstreamDependencies(p, 'mellea')).toEqual([])
  })

  test('every dependency array counts, in file order; include-group tables name nothing', () => {
    const p = pyproject(
      ['mellea>=0.6'],
      '[project.optional-dependencies]\nhf = ["mellea[hf]"]\n' +
        '[dependency-groups]\ndev = [{ include-group = "lint" }, "mellea @ git+https://x/m.git"]\n' +
        'lint = ["ruff"]\n'
    )
    expect(upstreamDependencies(p, 'mellea').map((d) => `${d.group}: ${d.raw}`)).toEqual([
      'project.dependencies: mellea>=0.6',
      'project.optional-dependencies.hf: mellea[hf]',
      'dependency-groups.dev: mellea @ git+https://x/m.git'
    ])
  })
})

describe('lowerBound: the highest bound among the clauses of one requirement', () => {
  test.each([
    ['mellea>=0.6.0', '0.6.0'],
    ['mellea>=0.5,<1', '0.5'],
    ['mellea~=0.6.1', '0.6.1'],
    ['mellea==0.6.*', '0.6'],
    ['mellea==0.6.0', '0.6.0'],
    ['mellea===0.6.0', '0.6.0'],
    ['mellea>0.4', '0.4'],
    ['mellea>0.4,>=0.5', '0.5'],
    ['mellea>=0.3,~=0.6', '0.6'],
    ['mellea>=0.6.0rc1', '0.6.0rc1'],
    ['mellea!=0.5,<2', undefined],
    ['mellea<=2', undefined],
    ['mellea===latest', undefined],
    ['mellea', undefined]
  ])('%s -> %s', (dep, floor) => {
    expect(lowerBound(parseRequirement(dep).specifiers)).toBe(floor)
  })
})

describe('upstreamFloor: the lowest bound across all of a package’s upstream requirements', () => {
  test.each([
    [['mellea>=0.6'], '0.6', 'mellea>=0.6'],
    [['mellea>=0.6', 'mellea[hf]>=0.4'], '0.4', 'mellea[hf]>=0.4'],
    [['mellea~=0.5', 'mellea>=0.6'], '0.5', 'mellea~=0.5'],
    [['mellea>=0.5', 'mellea==0.5.*'], '0.5', 'mellea>=0.5'], // a tie: the first sets it
    [['mellea>=0.6', 'mellea<2'], null, 'mellea<2'],
    [['mellea', 'mellea>=0.6'], null, 'mellea'],
    [['mellea>=0.6', 'mellea @ https://x/m.tar.gz'], null, 'mellea @ https://x/m.tar.gz'],
    [['mellea>=0.6', 'mellea >= 0.5 <1'], null, 'mellea >= 0.5 <1'],
    [['mellea>=0.6', 'mellea>=latest'], null, 'mellea>=latest']
  ])('%j -> %s (set by %s)', (deps, floor, raw) => {
    expect(upstreamFloor(pyproject(deps), 'mellea')).toEqual({
      floor,
      entry: expect.objectContaining({ raw })
    })
  })

  test('across arrays: a dependency group with an older floor lowers the package', () => {
    const p = pyproject(['mellea>=0.6'], '[dependency-groups]\ncompat = ["Mellea>=0.4"]\n')
    expect(upstreamFloor(p, 'mellea')).toEqual({
      floor: '0.4',
      entry: expect.objectContaining({ group: 'dependency-groups.compat', raw: 'Mellea>=0.4' })
    })
  })

  test('no requirement on the upstream: no floor; look-alike siblings do not count', () => {
    expect(upstreamFloor(pyproject(['pydantic>=2', 'mellea-tools']), 'mellea')).toBeUndefined()
  })

  test('a requirement without a problem always has a floor', () => {
    for (const dep of ['mellea>=0.6', 'mellea==0.6.*', 'mellea<1,>=0.5', 'mellea~=0.5,==0.5.3']) {
      const p = pyproject([dep])
      expect(upstreamProblem(upstreamDependencies(p, 'mellea')[0])).toBeUndefined()
      expect(upstreamFloor(p, 'mellea')?.floor).not.toBeNull()
    }
  })
})
