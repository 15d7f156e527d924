import { satisfies } from '@renovatebot/pep440'
import { readCiConfig } from '../src/ci-config.js'
import { UserError } from '../src/errors.js'
import { readPyProject } from '../src/pyproject.js'
import {
  defaultSettings,
  fillPattern,
  patternRegExp,
  resolveSettings,
  unknownPlaceholders
} from '../src/settings.js'

const root = (table: string) =>
  readPyProject(
    `[project]\nname = "mellea-contribs"\nversion = "0.6.0"\n\n${table}`,
    'pyproject.toml'
  )

describe('settings precedence: defaults < root table < inputs', () => {
  test('defaults reproduce mellea-contribs', () => {
    const { settings } = resolveSettings(undefined)
    expect(settings.table).toBe('mellea-contribs')
    expect(settings.upstream).toBe('mellea')
    expect(settings.namespace).toBe('mellea_contribs')
    expect(settings.ci).toEqual({
      skip_ollama: false,
      timeout_minutes: 30,
      python_versions: ['3.12']
    })
    expect(
      fillPattern(settings.bump_branch, {
        upstream: 'mellea',
        version: '0.8.0rc1',
        package: 'dspy'
      })
    ).toBe('sync-mellea-0.8.0rc1-dspy')
  })

  test('the root table overrides defaults and inputs override the table', () => {
    const r = root('[tool.mellea-contribs]\nupstream = "x"\nfailure_threshold = 3\n')
    expect(resolveSettings(r).settings.upstream).toBe('x')
    expect(resolveSettings(r).settings.failure_threshold).toBe(3)
    expect(resolveSettings(r, { upstream: 'y' }).settings.upstream).toBe('y')
  })

  test('another project names its own table after its root project', () => {
    const r = readPyProject(
      '[project]\nname = "x-contribs"\n[tool.x-contribs]\nupstream = "x"\nnamespace = "x_contribs"\n',
      'pyproject.toml'
    )
    const { settings } = resolveSettings(r)
    expect(settings.table).toBe('x-contribs')
    expect(settings.namespace).toBe('x_contribs')
  })

  test('a wrong type is a UserError naming file, line, key and value', () => {
    const r = root('[tool.mellea-contribs]\nfailure_threshold = "two"\n')
    expect(() => resolveSettings(r)).toThrow(UserError)
    try {
      resolveSettings(r)
    } catch (e) {
      expect((e as UserError).describe()).toBe(
        'pyproject.toml:6: [tool.mellea-contribs] failure_threshold must be an integer from 1 to 100 (got "two")'
      )
    }
  })

  test('archival_days must be strictly increasing: a repeated or reversed day is an error', () => {
    for (const days of ['[7, 7]', '[21, 14]']) {
      const r = root(`[tool.mellea-contribs]\narchival_days = ${days}\n`)
      expect(() => resolveSettings(r)).toThrow(
        `[tool.mellea-contribs] archival_days must be a non-empty list of strictly increasing integers >= 0 (got ${days.replace(' ', '')})`
      )
    }
    const ok = root('[tool.mellea-contribs]\narchival_days = [3, 7, 21]\n')
    expect(resolveSettings(ok).settings.archival_days).toEqual([3, 7, 21])
  })

  test('unknownPlaceholders: the {names} a pattern uses beyond the known ones, once each', () => {
    expect(unknownPlaceholders('{package} {nope} {day} {nope} {x_1}', ['package', 'day'])).toEqual([
      'nope',
      'x_1'
    ])
    // Only what fillPattern would fill counts as a placeholder.
    expect(unknownPlaceholders('{} { package } {a-b}', ['package'])).toEqual([])
  })

  test('patternRegExp reads back what fillPattern made, the open placeholder captured', () => {
    const branch = patternRegExp(
      'sync-{upstream}-{version}-{package}',
      { upstream: 'mellea', package: 'a.b' },
      'version'
    )
    expect(branch.exec('sync-mellea-0.8.0rc1-a.b')?.[1]).toBe('0.8.0rc1')
    // The filled-in text is literal: `.` is no wildcard, and the rest must be there.
    expect(branch.exec('sync-mellea-0.8.0-aXb')).toBeNull()
    expect(branch.exec('sync-mellea--a.b')).toBeNull()
    expect(branch.exec('x-sync-mellea-0.8.0-a.b')).toBeNull()
    // Twice in the pattern: the same text both times.
    const twice = patternRegExp('v{version}+{upstream}@{version}', { upstream: 'm' }, 'version')
    expect(twice.exec('v1.0+m@1.0')?.[1]).toBe('1.0')
    expect(twice.exec('v1.0+m@2.0')).toBeNull()
    // Without the placeholder: the filled text itself, nothing captured.
    const fixed = patternRegExp('contribs-{upstream}', { upstream: 'mellea' }, 'version')
    expect(fixed.exec('contribs-mellea')?.[1]).toBeUndefined()
    expect(fillPattern('sync-{upstream}-{version}', { upstream: 'm', version: '2' })).toMatch(
      patternRegExp('sync-{upstream}-{version}', { upstream: 'm' }, 'version')
    )
  })

  test('unknown keys are warnings; suppressions need a reason', () => {
    const r = root(
      '[tool.mellea-contribs]\ncolour = "blue"\n\n[tool.mellea-contribs.suppress]\ndspy = { CA109 = "vendored notebooks" }\n'
    )
    const { settings, findings } = resolveSettings(r)
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 6,
        message: expect.stringContaining('colour')
      })
    ])
    expect(settings.suppress).toEqual({ dspy: { CA109: 'vendored notebooks' } })
    expect(() =>
      resolveSettings(root('[tool.mellea-contribs.suppress]\ndspy = { CA109 = "" }\n'))
    ).toThrow('with a reason')
  })

  test.each([
    ['state_branch = ".."', /state_branch ".." is not a branch name/],
    ['state_branch = "a..b"', /state_branch "a..b" is not a branch name/],
    ['state_branch = "bot/.state"', /is not a branch name/],
    ['state_branch = "main"', /state_branch "main" is a default branch/],
    ['default_branch = "trunk"\nstate_branch = "trunk"', /"trunk" is a default branch/],
    ['state_dir = "."', /state_dir "." must be a folder inside the repository/],
    ['state_dir = ".."', /state_dir ".."/],
    ['state_dir = "../../x"', /state_dir "..\/..\/x"/],
    ['state_dir = "a//b"', /state_dir "a\/\/b"/],
    ['state_dir = "/abs"', /state_dir "\/abs"/]
  ])('the bot-state location is checked when the settings are read: %s', (toml, message) => {
    const r = root(`[tool.mellea-contribs]\n${toml}\n`)
    expect(() => resolveSettings(r)).toThrow(message)
    let line: number | undefined
    try {
      resolveSettings(r)
    } catch (e) {
      line = (e as UserError).line
    }
    expect(line).toBeGreaterThan(5)
  })

  test('a nested state folder with a dot-folder and a slash-separated branch are fine', () => {
    const r = root(
      '[tool.mellea-contribs]\nstate_branch = "bot-state/x"\nstate_dir = ".github/state/"\n'
    )
    expect(resolveSettings(r).settings).toMatchObject({ state_branch: 'bot-state/x' })
  })
})

describe('readCiConfig', () => {
  const pkg = (ci: string, requires = '>=3.11') =>
    readPyProject(
      `[project]\nname = "p"\nversion = "1"\nrequires-python = "${requires}"\n\n[tool.mellea-contribs.ci]\n${ci}`,
      'p/pyproject.toml'
    )
  const settings = defaultSettings()

  test('typed keys over defaults, extra keys passed through with a warning', () => {
    const r = readCiConfig(
      pkg('timeout_minutes = 90\nextra_pytest_args = ["-m", "not e2e"]\ngpu = "a100"\n'),
      settings,
      'p'
    )
    expect(r.config).toEqual({
      skip_ollama: false,
      timeout_minutes: 90,
      python_versions: ['3.12'],
      extra_pytest_args: ['-m', 'not e2e'],
      gpu: 'a100'
    })
    expect(r.present).toBe(true)
    // extra_pytest_args is known (package-ci uses it); gpu is not.
    expect(r.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 9,
        package: 'p',
        message: expect.stringContaining('gpu')
      })
    ])
  })

  test("a key named like a leg's own field is an error, not passed through; a version twice too", () => {
    const r = readCiConfig(pkg('package = "evil"\npython = "2.7"\ntimeout = 1\n'), settings, 'p')
    expect(r.config).toEqual({ ...settings.ci, python_versions: ['3.12'] })
    expect(r.findings).toEqual(
      ['package', 'python', 'timeout'].map((key, i) =>
        expect.objectContaining({
          severity: 'error',
          file: 'p/pyproject.toml',
          line: 7 + i,
          message: `[tool.mellea-contribs.ci] ${key} names a field every matrix leg sets itself (package, python, timeout); give the setting another name`
        })
      )
    )
    const twice = readCiConfig(pkg('python_versions = ["3.12", "3.12"]\n'), settings, 'p')
    expect(twice.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 7,
        message: expect.stringContaining('must be a non-empty list of distinct "X.Y" strings')
      })
    ])
  })

  test('extra_pytest_args is a string or a list of strings', () => {
    expect(
      readCiConfig(pkg('extra_pytest_args = "-x"\n'), settings, 'p').config.extra_pytest_args
    ).toBe('-x')
    const bad = readCiConfig(pkg('extra_pytest_args = 3\n'), settings, 'p')
    expect(bad.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          '[tool.mellea-contribs.ci] extra_pytest_args must be a string or a list of strings (got 3)'
      })
    ])
  })

  test.each([
    ['timeout_minutes = 0', 'timeout_minutes must be an integer from 1 to 360 (got 0)', 7],
    ['timeout_minutes = 361', 'got 361', 7],
    ['timeout_minutes = "90"', 'got "90"', 7],
    // TOML's own words for what JSON would print as null
    ['timeout_minutes = inf', 'timeout_minutes must be an integer from 1 to 360 (got inf)', 7],
    ['timeout_minutes = -inf', '(got -inf)', 7],
    ['timeout_minutes = nan', '(got nan)', 7],
    ['skip_ollama = "yes"', 'skip_ollama must be true or false', 7],
    ['python_versions = []', 'non-empty list', 7],
    ['python_versions = ["3.12", 3.13]', 'python_versions must be', 7],
    ['python_versions = ["py3"]', '"X.Y" strings', 7]
  ])('%s is an error on its line', (ci, message, line) => {
    const r = readCiConfig(pkg(`${ci}\n`), settings, 'p')
    const errors = r.findings.filter((f) => f.severity === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain(message)
    expect(errors[0]).toMatchObject({ file: 'p/pyproject.toml', line })
  })

  test('python versions outside requires-python are warnings', () => {
    const r = readCiConfig(
      pkg('python_versions = ["3.10", "3.12"]\n', '>=3.11,<3.13'),
      settings,
      'p'
    )
    expect(r.findings).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('"3.10"') })
    ])
  })

  test('a plain `>=A.B` floor (judged without the PEP 440 library) agrees with it', () => {
    const versions = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
    for (const requires of ['>=3.11', ' >= 3.10 ', '>=3.9', '>=3.13', '>=3.11,<3.13', '~=3.10']) {
      const warned = readCiConfig(
        pkg(`python_versions = ${JSON.stringify(versions)}\n`, requires),
        settings,
        'p'
      ).findings.map((f) => /^python_versions has "([\d.]+)"/.exec(f.message)![1])
      const byLibrary = versions.filter(
        (v) => !satisfies(`${v}.0`, requires) && !satisfies(`${v}.999`, requires)
      )
      expect([requires, warned]).toEqual([requires, byLibrary])
    }
  })

  test('no table: defaults', () => {
    const r = readCiConfig(readPyProject('[project]\nname = "p"\n', 'p/pyproject.toml'), settings)
    expect(r).toEqual({ config: settings.ci, findings: [], present: false })
  })
})

describe('repository-wide CI defaults: the root [tool.<table>.ci]', () => {
  const pkg = (ci: string) =>
    readPyProject(
      `[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.11"\n${ci}`,
      'p/pyproject.toml'
    )

  test('reach every package; a package overrides them key by key', () => {
    const r = root(
      '[tool.mellea-contribs.ci]\ntimeout_minutes = 90\npython_versions = ["3.11", "3.12"]\nextra_pytest_args = ["-x"]\n'
    )
    const { settings, findings } = resolveSettings(r)
    expect(findings).toEqual([])
    expect(readCiConfig(pkg(''), settings).config).toEqual({
      skip_ollama: false,
      timeout_minutes: 90,
      python_versions: ['3.11', '3.12'],
      extra_pytest_args: ['-x']
    })
    const own = readCiConfig(pkg('[tool.mellea-contribs.ci]\ntimeout_minutes = 20\n'), settings)
    expect(own.config).toMatchObject({
      timeout_minutes: 20,
      python_versions: ['3.11', '3.12'],
      extra_pytest_args: ['-x']
    })
    expect(own.present).toBe(true)
  })

  test('an unknown root key is a warning and passes through; a wrong type or a non-table is an error', () => {
    const { settings, findings } = resolveSettings(
      root('[tool.mellea-contribs.ci]\ngpu = "a100"\n')
    )
    expect(settings.ci.gpu).toBe('a100')
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: 'pyproject.toml',
        line: 6,
        message: expect.stringContaining('unknown key [tool.mellea-contribs.ci] gpu')
      })
    ])
    expect(() =>
      resolveSettings(root('[tool.mellea-contribs.ci]\ntimeout_minutes = "soon"\n'))
    ).toThrow(/timeout_minutes/)
    expect(() => resolveSettings(root('[tool.mellea-contribs]\nci = "yes"\n'))).toThrow(
      '[tool.mellea-contribs] ci must be a table (got "yes")'
    )
  })
})
