// Each rule with a passing and a failing case, over copies of examples/contribs-repo.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { UserError } from '@contribs-actions/shared'
import { cleanupTempDirs, copyExampleRepo, writeFiles } from '../../../test/kit/fixtures.js'
import { validate, warnings } from './kit.js'

afterAll(cleanupTempDirs)

/** A copy of the example repo with `files` written (null deletes). */
function repoWith(files: Record<string, string | null> = {}): string {
  const dir = copyExampleRepo()
  writeFiles(dir, files)
  return dir
}

/** Replaces text in a file of the copy; fails loudly when the text is not there. */
function edit(dir: string, rel: string, from: string | RegExp, to: string): void {
  const text = readFileSync(path.join(dir, rel), 'utf8')
  const next = text.replace(from, to)
  if (next === text) throw new Error(`edit did not apply to ${rel}`)
  writeFiles(dir, { [rel]: next })
}

test('the example repository keeps every rule', async () => {
  const r = await validate(repoWith())
  expect(r.violations).toEqual([])
  expect(r.result.outputs.ok).toBe(true)
  expect(r.result.failure).toBeUndefined()
  expect(r.result.outputs.summary).toMatch(/^all 6 subpackages keep the structure contract/)
})

test('a folder with no subpackage passes, with a warning that nothing was validated', async () => {
  const r = await validate(repoWith(), { path: 'docs' })
  expect(r.violations).toEqual([])
  expect(warnings(r)).toEqual([
    expect.objectContaining({ message: expect.stringContaining('no subpackages found') })
  ])
})

describe('rule 1: required files', () => {
  test.each(['pyproject.toml', 'OWNERS', 'README.md'])(
    'a missing %s is reported on its path',
    async (f) => {
      const r = await validate(repoWith({ [`citations/${f}`]: null }))
      expect(r.violations).toEqual([
        {
          package: 'citations',
          code: 'CA101',
          message: `missing required file: ${f}`,
          file: `citations/${f}`
        }
      ])
    }
  )

  test('a root folder with none of pyproject.toml, OWNERS or the namespace is not a subpackage', async () => {
    const r = await validate(repoWith({ 'test/conftest.py': 'import pytest\n' }))
    expect(r.violations).toEqual([])
  })
})

describe('rule 2: required directories', () => {
  test('tests/ and examples/ must be folders', async () => {
    const dir = repoWith({ 'dspy/tests': null, 'dspy/examples': null, 'dspy/examples.py': '' })
    writeFiles(dir, { 'dspy/examples': 'not a folder\n' })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA102',
        message: 'missing required directory: tests/',
        file: 'dspy/tests/'
      }),
      expect.objectContaining({
        code: 'CA102',
        message: 'missing required directory: examples/',
        file: 'dspy/examples/'
      })
    ])
  })
})

describe('rule 3: OWNERS names someone', () => {
  test('blank lines only: empty', async () => {
    const r = await validate(repoWith({ 'crewai/OWNERS': '\n  \n' }))
    expect(r.violations).toEqual([
      expect.objectContaining({ code: 'CA103', file: 'crewai/OWNERS' })
    ])
    expect(r.violations[0].message).toContain('OWNERS file is empty')
  })

  test('comments and non-handles only: no @handle line, on the first bad line', async () => {
    const r = await validate(repoWith({ 'crewai/OWNERS': '# maintainers\nalice\n' }))
    expect(r.violations).toEqual([
      expect.objectContaining({ code: 'CA103', file: 'crewai/OWNERS', line: 2 })
    ])
    expect(r.violations[0].message).toContain('"alice" is not an @user or @org/team')
  })

  test('one good handle passes; a stray non-handle beside it is a warning on its line', async () => {
    const r = await validate(repoWith({ 'crewai/OWNERS': '@alice\nbob\n@org/team\n' }))
    expect(r.violations).toEqual([])
    expect(warnings(r)).toContainEqual(
      expect.objectContaining({ code: 'CA204', file: 'crewai/OWNERS', line: 2 })
    )
  })
})

describe('rule 4: pyproject.toml parses', () => {
  test('a syntax error is reported with the parser line and column, and skips the pyproject rules', async () => {
    const r = await validate(
      repoWith({
        'dspy/pyproject.toml': '[project]\nname = "mellea-contribs-dspy"\nversion = "0.1\n'
      })
    )
    expect(r.violations).toEqual([
      {
        package: 'dspy',
        code: 'CA104',
        message: expect.stringMatching(
          /^pyproject\.toml is invalid TOML: .+ \(line 3, column 15\)$/
        ),
        file: 'dspy/pyproject.toml',
        line: 3
      }
    ])
    expect(r.result.findings[0]).toMatchObject({ line: 3, column: 15 })
  })
})

describe('rule 5: the wheel ships the namespace', () => {
  test('another list is reported in the reference wording, on the key line', async () => {
    const dir = repoWith()
    edit(dir, 'crewai/pyproject.toml', 'packages = ["mellea_contribs"]', 'packages = ["src"]')
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'crewai',
        code: 'CA105',
        message:
          "[tool.hatch.build.targets.wheel].packages must be ['mellea_contribs'] (got ['src'])",
        file: 'crewai/pyproject.toml',
        line: 23
      }
    ])
  })

  test('a missing key is reported on the table line', async () => {
    const dir = repoWith()
    edit(dir, 'crewai/pyproject.toml', 'packages = ["mellea_contribs"]', 'only-include = ["x"]')
    const r = await validate(dir)
    expect(r.violations).toEqual([expect.objectContaining({ code: 'CA105', line: 22 })])
    expect(r.violations[0].message).toContain('(got nothing: the key is missing)')
  })

  test('the namespace input changes what is expected', async () => {
    const r = await validate(repoWith(), { namespace: 'acme_contribs' })
    expect(r.violations.filter((v) => v.package === 'dspy').map((v) => v.code)).toEqual([
      'CA105',
      'CA108',
      'CA112'
    ])
    expect(r.violations.find((v) => v.code === 'CA105')?.message).toContain(
      "must be ['acme_contribs']"
    )
  })
})

describe('rule 6: upstream constraint, in the repository', () => {
  test('a bare upstream after a constrained one in the same array is reported on its own line', async () => {
    const dir = repoWith()
    edit(dir, 'crewai/pyproject.toml', '"crewai>=0.1.0",', '"crewai>=0.1.0",\n    "mellea",')
    edit(dir, 'crewai/pyproject.toml', '"mellea>=0.6.0"', '"mellea[litellm]>=0.5"')
    const r = await validate(dir)
    expect(r.violations).toEqual([
      expect.objectContaining({
        package: 'crewai',
        code: 'CA106',
        file: 'crewai/pyproject.toml',
        line: 13
      })
    ])
    expect(r.violations[0].message).toContain(
      '`mellea` dependency must declare a version constraint'
    )
  })

  test('the upstream input: `mellea` lines are then ordinary dependencies', async () => {
    const dir = repoWith()
    edit(dir, 'crewai/pyproject.toml', '"mellea>=0.6.0"', '"mellea", "acme"')
    expect((await validate(dir)).codes).toEqual(['CA106 crewai'])
    const r = await validate(dir, { upstream: 'acme' })
    expect(r.codes).toEqual(['CA106 crewai'])
    expect(r.violations[0].message).toContain('`acme` dependency')
  })
})

describe('rule 7: namespace and import folder', () => {
  test('no namespace folder', async () => {
    const r = await validate(repoWith({ 'citations/mellea_contribs': null }))
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA108',
        message: 'missing required directory: mellea_contribs/',
        file: 'citations/mellea_contribs/'
      })
    ])
  })

  test('no import folder (folder name with - as _)', async () => {
    const r = await validate(repoWith({ 'agent-utilities/mellea_contribs/agent_utilities': null }))
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA108',
        message: 'missing required namespace directory: mellea_contribs/agent_utilities/',
        file: 'agent-utilities/mellea_contribs/agent_utilities/'
      })
    ])
  })

  test('no __init__.py in the import folder', async () => {
    const r = await validate(repoWith({ 'citations/mellea_contribs/citations/__init__.py': null }))
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA109',
        message: 'missing __init__.py at mellea_contribs/citations/ (regular-package boundary)',
        file: 'citations/mellea_contribs/citations/__init__.py'
      })
    ])
  })

  test('_integration_core may import as integration_core or _integration_core', async () => {
    const dir = repoWith()
    writeFiles(dir, { '_integration_core/mellea_contribs/integration_core': null })
    writeFiles(dir, { '_integration_core/mellea_contribs/_integration_core/__init__.py': '' })
    expect((await validate(dir)).violations).toEqual([])
  })

  test('a stray <namespace>/__init__.py is a violation', async () => {
    const r = await validate(repoWith({ 'crewai/mellea_contribs/__init__.py': '' }))
    expect(r.violations).toEqual([
      expect.objectContaining({ code: 'CA114', file: 'crewai/mellea_contribs/__init__.py' })
    ])
    expect(r.violations[0].message).toContain(
      'turns the shared namespace package into a regular package'
    )
  })
})

describe('rule 8: mirror dirs and core paths', () => {
  test('valid nested core paths, __pycache__ and hidden folders pass', async () => {
    const base = 'dspy/mellea_contribs/dspy'
    const r = await validate(
      repoWith({
        [`${base}/stdlib/requirements/safety/__init__.py`]: '',
        [`${base}/__pycache__/x.pyc`]: '',
        [`${base}/stdlib/__pycache__/x.pyc`]: '',
        [`${base}/stdlib/.mypy_cache/x`]: ''
      })
    )
    expect(r.violations).toEqual([])
  })

  test('a folder that is not a mirror dir', async () => {
    const r = await validate(repoWith({ 'dspy/mellea_contribs/dspy/utils/__init__.py': '' }))
    expect(r.violations).toEqual([
      expect.objectContaining({ code: 'CA110', file: 'dspy/mellea_contribs/dspy/utils/' })
    ])
    expect(r.violations[0].message).toContain(
      'unexpected directory under mellea_contribs/dspy/: utils/ (not a core mirror)'
    )
  })

  test('a nested folder that is not a core path is reported once, at its top', async () => {
    const r = await validate(
      repoWith({ 'dspy/mellea_contribs/dspy/stdlib/bogus/deeper/__init__.py': '' })
    )
    expect(r.violations).toEqual([
      expect.objectContaining({ code: 'CA111', file: 'dspy/mellea_contribs/dspy/stdlib/bogus/' })
    ])
    expect(r.violations[0].message).toContain(
      'directory stdlib/bogus does not match any valid core_path'
    )
  })

  test('without a core paths file nested folders are not judged, with a warning', async () => {
    const r = await validate(
      repoWith({
        'cookiecutter/core_paths.json': null,
        'dspy/mellea_contribs/dspy/stdlib/bogus/__init__.py': ''
      })
    )
    expect(r.violations).toEqual([])
    expect(warnings(r)).toContainEqual(
      expect.objectContaining({
        file: 'cookiecutter/core_paths.json',
        message: expect.stringContaining('not found')
      })
    )
  })

  test('a malformed core paths file fails the run naming it', async () => {
    const dir = repoWith({ 'cookiecutter/core_paths.json': '{"paths": "stdlib"}' })
    await expect(validate(dir)).rejects.toThrow(UserError)
    await expect(validate(dir)).rejects.toMatchObject({ file: 'cookiecutter/core_paths.json' })
  })
})

describe('rule 9: top-level folders', () => {
  test('allowed and hidden folders pass; anything else is reported', async () => {
    const r = await validate(
      repoWith({
        'crewai/docs/x.md': '',
        'crewai/config/x.yaml': '',
        'crewai/.ruff_cache/x': '',
        'crewai/__pycache__/x.pyc': '',
        'crewai/notebooks/demo.ipynb': '{}'
      })
    )
    expect(r.violations).toEqual([
      {
        package: 'crewai',
        code: 'CA112',
        message: 'unexpected top-level directory: notebooks/',
        file: 'crewai/notebooks/'
      }
    ])
  })
})

describe('rule 10: unique distribution names (PEP 503)', () => {
  test('My_Pkg and my-pkg collide; the later folder reports and names both', async () => {
    const dir = repoWith()
    edit(
      dir,
      'agent-utilities/pyproject.toml',
      'name = "mellea-contribs-agent-utilities"',
      'name = "My_Pkg"'
    )
    edit(dir, 'citations/pyproject.toml', 'name = "mellea-contribs-citations"', 'name = "my-pkg"')
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'citations',
        code: 'CA113',
        message: expect.stringContaining(
          "duplicate distribution name 'my-pkg' (also in agent-utilities)"
        ),
        file: 'citations/pyproject.toml',
        line: 2
      }
    ])
    expect(r.violations[0].message).toContain('"My_Pkg" there')
  })

  test('three folders with one name: each later one reports against the first', async () => {
    const dir = repoWith()
    for (const p of ['crewai', 'dspy'])
      edit(
        dir,
        `${p}/pyproject.toml`,
        `name = "mellea-contribs-${p}"`,
        'name = "mellea-contribs-citations"'
      )
    expect((await validate(dir)).violations.map((v) => [v.package, v.message])).toEqual([
      ['crewai', "duplicate distribution name 'mellea-contribs-citations' (also in citations)"],
      ['dspy', "duplicate distribution name 'mellea-contribs-citations' (also in citations)"]
    ])
  })

  test('a missing [project] name is a violation', async () => {
    const dir = repoWith()
    edit(dir, 'citations/pyproject.toml', 'name = "mellea-contribs-citations"\n', '')
    expect((await validate(dir)).violations).toEqual([
      expect.objectContaining({ code: 'CA116', file: 'citations/pyproject.toml', line: 1 })
    ])
  })
})

describe('[tool.<table>.ci] validity', () => {
  test('a wrong type is a violation on its line; an unknown key stays a warning', async () => {
    const dir = repoWith()
    edit(dir, 'dspy/pyproject.toml', 'timeout_minutes = 90', 'timeout_minutes = "ninety"')
    edit(dir, 'dspy/pyproject.toml', 'extra_pytest_args = ', 'gpu = "a100"\nextra_pytest_args = ')
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'dspy',
        code: 'CA115',
        message:
          '[tool.mellea-contribs.ci] timeout_minutes must be an integer from 1 to 360 (got "ninety")',
        file: 'dspy/pyproject.toml',
        line: 33
      }
    ])
    expect(warnings(r)).toContainEqual(
      expect.objectContaining({ code: 'CA115', line: 35, message: expect.stringContaining('gpu') })
    )
  })
})

describe('minimum_upstream_version', () => {
  test('a floor below it is a warning on the dependency line, not a violation', async () => {
    const dir = repoWith()
    edit(dir, 'citations/pyproject.toml', '"mellea>=0.6.0"', '"mellea>=0.4.0"')
    const r = await validate(dir)
    expect(r.violations).toEqual([])
    expect(r.result.outputs.ok).toBe(true)
    expect(warnings(r)).toContainEqual(
      expect.objectContaining({ code: 'CA201', file: 'citations/pyproject.toml', line: 10 })
    )
    // The input overrides the table.
    expect(
      warnings(await validate(dir, { 'minimum-upstream-version': '0.3' })).map((w) => w.code)
    ).not.toContain('CA201')
  })

  test('a value that is not PEP 440 fails the run naming the root pyproject line', async () => {
    const dir = repoWith()
    edit(
      dir,
      'pyproject.toml',
      'minimum_upstream_version = "0.5.0"',
      'minimum_upstream_version = "soon"'
    )
    await expect(validate(dir)).rejects.toMatchObject({ file: 'pyproject.toml', line: 30 })
    await expect(validate(repoWith(), { 'minimum-upstream-version': 'soon' })).rejects.toThrow(
      'must be a PEP 440 version'
    )
  })
})

describe('grandfathering', () => {
  test('listed paths and everything under them are exempt; a stale entry is a warning with file and line', async () => {
    const dir = repoWith({
      'agent-utilities/OWNERS': null, // a grandfathered package may break every rule
      'dspy/mellea_contribs/dspy/legacy/__init__.py': '', // a grandfathered folder inside a package
      '.github/scripts/grandfather_legacy.json': JSON.stringify(
        {
          legacy_paths: [
            'mellea_contribs/legacy_tools',
            'agent-utilities/',
            'dspy/mellea_contribs/dspy/legacy',
            'old_flat_pkg'
          ]
        },
        null,
        2
      )
    })
    const r = await validate(dir)
    expect(r.violations).toEqual([])
    expect(r.result.outputs.summary).toContain('5 subpackages')
    expect(warnings(r)).toContainEqual({
      severity: 'warning',
      code: 'CA202',
      message: expect.stringContaining('"old_flat_pkg" no longer exists'),
      file: '.github/scripts/grandfather_legacy.json',
      line: 6
    })
  })

  test('without the list file nothing is grandfathered', async () => {
    const r = await validate(repoWith({ '.github/scripts/grandfather_legacy.json': null }))
    expect(r.violations).toEqual([])
  })
})

describe('suppressions', () => {
  const table = (body: string) => `\n[tool.mellea-contribs.suppress]\n${body}\n`

  test('silence a code (or slug) for one package, listed with the reason', async () => {
    const dir = repoWith({ 'citations/README.md': null, 'citations/notebooks/a.ipynb': '{}' })
    edit(
      dir,
      'pyproject.toml',
      /$/,
      table(
        'citations = { CA101 = "README moves in #12", top-level-dir = "notebooks are demo data" }'
      )
    )
    const r = await validate(dir)
    expect(r.violations).toEqual([])
    expect(r.result.outputs.ok).toBe(true)
    expect(r.result.outputs.summary).toContain('2 suppressed')
    expect(r.result.summary).toContain('README moves in #12')
    expect(r.result.summary).toContain('notebooks are demo data')
    expect(warnings(r).filter((w) => w.code === 'CA203')).toEqual([])
  })

  test('an unknown package, an unknown code and a code that silences nothing are warnings', async () => {
    const dir = repoWith({ 'crewai/README.md': null })
    edit(
      dir,
      'pyproject.toml',
      /$/,
      table(
        'gone = { CA101 = "x" }\ncitations = { CA105 = "old", CA999 = "typo" }\ncrewai = { CA101 = "later" }'
      )
    )
    const r = await validate(dir)
    expect(r.violations).toEqual([])
    const w = warnings(r).filter((x) => x.code === 'CA203')
    expect(w.map((x) => x.message)).toEqual([
      expect.stringContaining('"gone", which is not a validated subpackage'),
      expect.stringContaining('"CA999" is not a rule code or slug'),
      expect.stringContaining('CA105 silences nothing')
    ])
    expect(w.every((x) => x.file === 'pyproject.toml' && typeof x.line === 'number')).toBe(true)
  })
})

test('dynamic dependencies no inline list declares are a CA205 warning on the dynamic line', async () => {
  const dir = repoWith()
  edit(
    dir,
    'citations/pyproject.toml',
    /^dependencies = \[[^\]]*\]\n/m,
    'dynamic = ["dependencies"]\n'
  )
  const r = await validate(dir)
  expect(r.violations).toEqual([])
  expect(warnings(r)).toContainEqual(
    expect.objectContaining({
      code: 'CA205',
      file: 'citations/pyproject.toml',
      line: 9,
      message: expect.stringContaining('[project].dynamic lists "dependencies"')
    })
  )
  // A hook listing them inline is read: nothing to warn about.
  writeFiles(dir, {
    'citations/pyproject.toml': `${readFileSync(path.join(dir, 'citations/pyproject.toml'), 'utf8')}\n[tool.hatch.metadata.hooks.custom]\ndependencies = ["mellea>=0.6.0"]\n`
  })
  expect(warnings(await validate(dir)).filter((w) => w.code === 'CA205')).toEqual([])
})

describe('the contract, repo-wide: rules, required_files, required_dirs, namespace', () => {
  /** The example repo with `lines` added to its root `[tool.mellea-contribs]` table (line 31 on). */
  function configured(lines: string, files: Record<string, string | null> = {}): string {
    const dir = repoWith(files)
    const at = 'minimum_upstream_version = "0.5.0"'
    edit(dir, 'pyproject.toml', at, `${at}\n${lines}`)
    return dir
  }
  const pairs = (fs: { code?: string; package?: string }[]) =>
    fs.filter((f) => f.code).map((f) => `${f.code} ${f.package ?? ''}`.trim())

  test('rules switches a rule off, or makes it a warning or an error, in every package', async () => {
    const files = {
      'citations/README.md': null, // CA101
      'agent-utilities/README.md': null, // CA101
      'crewai/scripts/run.py': "print('hi')\n", // CA112
      'dspy/mellea_contribs/dspy/utils/__init__.py': '' // CA110
    }
    const dir = configured(
      'rules = { CA101 = "off", top-level-dir = "warning", CA201 = "error" }',
      files
    )
    edit(dir, '_integration_core/pyproject.toml', '"mellea>=0.6.0"', '"mellea>=0.4.0"') // CA201
    const r = await validate(dir)
    expect(r.codes).toEqual(['CA201 _integration_core', 'CA110 dspy'])
    expect(pairs(warnings(r))).toEqual(['CA112 crewai'])
    expect(r.result.outputs.summary).toBe('2 violations in 2 of 6 subpackages (1 warning)')

    // The input's levels go over the table's, code by code; the rest of the table still holds.
    const relaxed = await validate(dir, { rules: 'CA110=warning\nupstream-floor=warning' })
    expect(relaxed.codes).toEqual([])
    expect(pairs(warnings(relaxed))).toEqual([
      'CA201 _integration_core',
      'CA112 crewai',
      'CA110 dspy'
    ])
    // Zero configuration is the contract: the same files fail on all four.
    const plain = await validate(repoWith(files))
    expect(plain.codes).toEqual([
      'CA101 agent-utilities',
      'CA101 citations',
      'CA112 crewai',
      'CA110 dspy'
    ])
  })

  test('a level for no rule, or one that is not a level, fails the run naming file, line and value', async () => {
    await expect(validate(configured('rules = { CA999 = "off" }'))).rejects.toMatchObject({
      file: 'pyproject.toml',
      line: 31,
      message: expect.stringContaining(
        '[tool.mellea-contribs.rules] names "CA999", which is not a rule code or slug'
      )
    })
    const table = configured('\n[tool.mellea-contribs.rules]\nCA101 = "off"\nmirror-dir = "warn"')
    await expect(validate(table)).rejects.toMatchObject({
      file: 'pyproject.toml',
      line: 34,
      message:
        '[tool.mellea-contribs.rules] mirror-dir must be "off", "warning" or "error" (got "warn")'
    })
    await expect(validate(configured('rules = ["CA101"]'))).rejects.toMatchObject({
      line: 31,
      message: expect.stringContaining('rules must be a table')
    })
    await expect(validate(repoWith(), { rules: 'CA110=warn' })).rejects.toThrow(
      'input `rules` takes <code>=<level> items'
    )
    await expect(validate(repoWith(), { rules: 'CA110' })).rejects.toThrow('(got "CA110")')
    await expect(validate(repoWith(), { rules: 'CA1100=off' })).rejects.toThrow(
      'input `rules` names "CA1100", which is not a rule code or slug'
    )
  })

  test('a suppression of a rule that is off says why it silences nothing', async () => {
    const dir = configured(
      'rules = { CA101 = "off" }\n\n[tool.mellea-contribs.suppress]\ncitations = { CA101 = "README later" }',
      { 'citations/README.md': null }
    )
    const r = await validate(dir)
    expect(r.codes).toEqual([])
    expect(warnings(r).map((w) => [w.code, w.message])).toEqual([
      [
        'CA203',
        '[tool.mellea-contribs.suppress.citations] CA101 silences nothing: CA101 is off for the whole repository ([tool.mellea-contribs] rules) (remove the entry)'
      ]
    ])
  })

  test('required_files and required_dirs replace the lists; a required folder is an allowed one', async () => {
    const dir = configured(
      'required_files = ["pyproject.toml", "LICENSE"]\nrequired_dirs = ["tests", "notebooks"]',
      {
        'citations/OWNERS': null, // no longer required
        'citations/README.md': null,
        'citations/examples': null,
        'citations/LICENSE': 'Apache-2.0\n',
        'citations/notebooks/demo.ipynb': '{}',
        'dspy/LICENSE': 'MIT\n',
        'dspy/notebooks/demo.ipynb': '{}'
      }
    )
    const r = await validate(dir)
    const missing = r.violations.map((v) => `${v.code} ${v.file}`)
    expect(missing).toEqual([
      'CA101 _integration_core/LICENSE',
      'CA102 _integration_core/notebooks/',
      'CA101 agent-utilities/LICENSE',
      'CA102 agent-utilities/notebooks/',
      'CA101 crewai/LICENSE',
      'CA102 crewai/notebooks/',
      'CA101 langchain/LICENSE',
      'CA102 langchain/notebooks/'
    ])
    expect(r.violations.find((v) => v.code === 'CA102')!.message).toBe(
      'missing required directory: notebooks/'
    )
    await expect(validate(configured('required_dirs = ["a/b"]'))).rejects.toMatchObject({
      line: 31,
      message: expect.stringContaining('required_dirs must be a list of folder names')
    })
  })

  test('namespace = "" turns the namespace rules off; its folder is then an ordinary one', async () => {
    const dir = configured('namespace = ""', {
      'crewai/mellea_contribs/__init__.py': '', // CA114 with a namespace
      'dspy/mellea_contribs/dspy/utils/__init__.py': '', // CA110
      'citations/mellea_contribs/citations/__init__.py': null, // CA109
      'test/conftest.py': 'import pytest\n' // plumbing: still no package
    })
    edit(dir, 'crewai/pyproject.toml', 'packages = ["mellea_contribs"]', 'packages = ["src"]') // CA105
    const r = await validate(dir)
    // Only rule 9 speaks of the folder now: it is not the namespace any more.
    expect(r.violations.map((v) => `${v.code} ${v.file}`)).toEqual([
      'CA112 _integration_core/mellea_contribs/',
      'CA112 agent-utilities/mellea_contribs/',
      'CA112 citations/mellea_contribs/',
      'CA112 crewai/mellea_contribs/',
      'CA112 dspy/mellea_contribs/',
      'CA112 langchain/mellea_contribs/'
    ])
    await expect(validate(configured('namespace = "x-y"'))).rejects.toThrow(
      'namespace must be a Python identifier, or "" for packages without a namespace'
    )
  })
})
