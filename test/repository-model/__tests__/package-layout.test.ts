// Where the packages are: top-level folders by default, the root's uv workspace members, or
// package_globs at any depth; and never a silent "nothing here" when the layout misses them.
import path from 'node:path'
import { runBundle } from '@contribs-actions/cli'
import {
  buildGraph,
  escapeRegExp,
  loadRepo,
  nestedPackages,
  UserError
} from '@contribs-actions/shared'
import { cleanupTempDirs, copyExampleRepo, tempDir, writeFiles } from '../../kit/fixtures.js'
import { expectNoStackTrace } from '../../kit/step-log.js'
import { CORE_DIR, generateRepo, NESTED_GLOBS } from '../../kit/generate-repo.js'

afterAll(cleanupTempDirs)

const warnings = (findings: { severity: string; message: string }[]) =>
  findings.filter((f) => f.severity === 'warning').map((f) => f.message)

test('a uv workspace is read with zero configuration, nested members and cross-group dependencies included', async () => {
  const dir = path.join(tempDir(), 'repo')
  const generated = generateRepo(dir, { packages: 80, layout: 'nested', git: false })
  const repo = await loadRepo(dir)
  expect(repo.layout).toMatchObject({ kind: 'globs', source: 'uv workspace' })
  expect(repo.packages.map((p) => p.dir)).toEqual(generated.packages.map((p) => p.dir).sort())
  const graph = buildGraph(repo)
  for (const pkg of generated.packages) expect([...graph.deps.get(pkg.dir)!]).toEqual(pkg.dependsOn)
  expect(generated.packages.some((p) => p.dependsOn.some((d) => d !== CORE_DIR))).toBe(true)
  expect(warnings(repo.settingsFindings)).toEqual([])
})

test('nested packages without configuration: a warning that names them and the globs to set', async () => {
  const dir = path.join(tempDir(), 'repo')
  generateRepo(dir, { packages: 12, layout: 'nested', workspace: false, git: false })
  const repo = await loadRepo(dir)
  expect(repo.packages.map((p) => p.dir)).toEqual([CORE_DIR])
  const [warning, ...more] = warnings(repo.settingsFindings)
  expect(more).toEqual([])
  expect(warning).toContain('11 pyproject.toml files outside every subpackage')
  expect(warning).toContain('looked for top-level folders holding a pyproject.toml')
  expect(warning).toContain(
    'package_globs = ["*","exporters/*","integrations/*","python/instrumentation/*"] in [tool.mellea-contribs] of the root pyproject.toml'
  )
  // Followed as written, the suggestion keeps the package found so far and finds the rest.
  const suggested = JSON.parse(/package_globs = (\[[^\]]*\])/.exec(warning)![1]) as string[]
  const followed = await loadRepo(dir, { overrides: { package_globs: suggested } })
  expect(followed.packages).toHaveLength(12)

  const configured = await loadRepo(dir, { overrides: { package_globs: NESTED_GLOBS } })
  expect(configured.packages).toHaveLength(12)
  expect(warnings(configured.settingsFindings)).toEqual([])
})

test('no package at all is a warning saying what was looked for', async () => {
  const dir = path.join(tempDir(), 'repo')
  writeFiles(dir, { 'pyproject.toml': '[project]\nname = "x"\n', 'src/x.py': '' })
  const repo = await loadRepo(dir, { overrides: { package_globs: ['python/*'] } })
  expect(repo.packages).toEqual([])
  expect(warnings(repo.settingsFindings)).toEqual([
    'no subpackages found: looked for folders holding a pyproject.toml that match the package_globs globs python/*'
  ])
})

test('globs: `!` and uv `exclude` leave folders out; folders without a pyproject.toml are no packages', async () => {
  const project = (name: string) => `[project]\nname = "${name}"\nversion = "0.1.0"\n`
  const dir = path.join(tempDir(), 'repo')
  writeFiles(dir, {
    'pyproject.toml': `${project('root')}\n[tool.uv.workspace]\nmembers = ["libs/*", "libs/deep/**"]\nexclude = ["libs/skip"]\n`,
    'libs/a/pyproject.toml': project('a'),
    'libs/skip/pyproject.toml': project('skip'),
    'libs/notes/OWNERS': '@someone\n',
    'libs/deep/x/y/pyproject.toml': project('y'),
    'libs/.hidden/pyproject.toml': project('hidden')
  })
  const repo = await loadRepo(dir)
  expect(repo.packages.map((p) => p.dir)).toEqual(['libs/a', 'libs/deep/x/y'])
  // libs/skip is left out on purpose, libs/notes holds no pyproject.toml: neither is a stray.
  expect(warnings(repo.settingsFindings)).toEqual([])
  const globbed = await loadRepo(dir, { overrides: { package_globs: ['libs/*', '!libs/a'] } })
  expect(globbed.packages.map((p) => p.dir)).toEqual(['libs/skip'])
  expect(warnings(globbed.settingsFindings)).toEqual([
    expect.stringContaining('and libs/deep/x/y/pyproject.toml is not in one')
  ])
})

describe('globs a pull request could write to make every action hang or crash are refused', () => {
  const project = (name: string) => `[project]\nname = "${name}"\nversion = "0.1.0"\n`
  const refusal = async (dir: string, globs?: string[]) =>
    loadRepo(dir, globs ? { overrides: { package_globs: globs } } : {}).then(
      () => 'loaded',
      (e: UserError) => e.describe()
    )

  test.each([
    ['/etc', 'it is absolute'],
    ['!', 'it is empty'],
    ['python//x', 'empty part'],
    ['../*', '`..` part'],
    ['**/**/**/x', 'more than two `**` parts'],
    ['*a*a*a*a*c', 'more than three wildcards'],
    ['{a,b}/*', 'brace and extglob'],
    ['python/a**', '`**` must stand alone']
  ])('the input %j: %s', async (glob, reason) => {
    const dir = path.join(tempDir(), 'repo')
    writeFiles(dir, { 'pyproject.toml': project('root') })
    const message = await refusal(dir, [glob])
    expect(message.startsWith(`the package-globs input ${JSON.stringify(glob)} is refused: `)).toBe(
      true
    )
    expect(message).toContain(reason)
  })

  test('in the settings table or the uv workspace, the refusal names the file and line', async () => {
    const dir = path.join(tempDir(), 'repo')
    writeFiles(dir, {
      'pyproject.toml': `${project('root')}\n[tool.mellea-contribs]\npackage_globs = ["python/*", "**/**/**/**/x"]\n`
    })
    expect(await refusal(dir)).toBe(
      'pyproject.toml:6: [tool.mellea-contribs] package_globs "**/**/**/**/x" is refused: it has more than two `**` parts'
    )
    writeFiles(dir, {
      'pyproject.toml': `${project('root')}\n[tool.uv.workspace]\nmembers = ["libs/*"]\nexclude = ["/etc"]\n`
    })
    expect(await refusal(dir)).toMatch(
      /^pyproject\.toml:7: \[tool\.uv\.workspace\] exclude "\/etc" is refused: it is absolute/
    )
  })

  test('a uv workspace of the wrong shape is refused, not read as no workspace', async () => {
    const dir = path.join(tempDir(), 'repo')
    for (const [table, message] of [
      [
        '[tool.uv.workspace]\nmembers = "libs/*"\n',
        '[tool.uv.workspace] members must be a list of strings (got "libs/*")'
      ],
      [
        '[tool.uv.workspace]\nmembers = ["libs/*", 1]\n',
        '[tool.uv.workspace] members must be a list of strings (got ["libs/*",1])'
      ],
      [
        '[tool.uv.workspace]\nmembers = ["libs/*"]\nexclude = 7\n',
        '[tool.uv.workspace] exclude must be a list of strings (got 7)'
      ],
      ['[tool.uv]\nworkspace = 5\n', '[tool.uv] workspace must be a table (got 5)']
    ]) {
      writeFiles(dir, { 'pyproject.toml': `${project('root')}\n${table}` })
      expect(await refusal(dir)).toMatch(
        new RegExp(`^pyproject\\.toml:\\d+: ${escapeRegExp(message)}$`)
      )
    }
  })

  test('repeated globs count once; more than 256 different ones are refused', async () => {
    const dir = path.join(tempDir(), 'repo')
    writeFiles(dir, { 'pyproject.toml': project('root'), 'libs/a/pyproject.toml': project('a') })
    const repo = await loadRepo(dir, {
      overrides: { package_globs: Array(150_000).fill('libs/*') }
    })
    expect(repo.layout).toMatchObject({ globs: ['libs/*'] })
    expect(repo.packages.map((p) => p.dir)).toEqual(['libs/a'])
    const many = Array.from({ length: 20_000 }, (_, i) => `!x${i}/*`)
    expect(await refusal(dir, [...many, 'libs/*'])).toBe(
      'the package-globs input "!x0/*" is one of 20001 globs; at most 256 are read'
    )
  })
})

test('a uv workspace missing some packages: the suggestion is the members plus what finds the rest', async () => {
  const project = (name: string) => `[project]\nname = "${name}"\nversion = "0.1.0"\n`
  const dir = path.join(tempDir(), 'repo')
  writeFiles(dir, {
    'pyproject.toml': `${project('otel-contrib')}\n[tool.uv.workspace]\nmembers = ["instrumentation/*"]\nexclude = ["instrumentation/old"]\n`,
    'instrumentation/a/pyproject.toml': project('a'),
    'instrumentation/old/pyproject.toml': project('old'),
    'processor/b/pyproject.toml': project('b')
  })
  const repo = await loadRepo(dir)
  const [warning] = warnings(repo.settingsFindings)
  // No settings table: the suggestion names one after the root project, which then becomes it.
  expect(warning).toContain(
    'set package_globs = ["instrumentation/*","!instrumentation/old","processor/*"] in [tool.otel-contrib] of the root pyproject.toml'
  )
  const followed = await loadRepo(dir, {
    overrides: { package_globs: ['instrumentation/*', '!instrumentation/old', 'processor/*'] }
  })
  expect(followed.packages.map((p) => p.dir)).toEqual(['instrumentation/a', 'processor/b'])
  expect(warnings(followed.settingsFindings)).toEqual([])
})

test('with no root pyproject.toml the suggestion is the input', async () => {
  const dir = path.join(tempDir(), 'repo')
  writeFiles(dir, { 'python/a/pyproject.toml': '[project]\nname = "a"\nversion = "0.1.0"\n' })
  const [warning] = warnings((await loadRepo(dir)).settingsFindings)
  expect(warning).toContain(
    'set package_globs = ["python/*"] in the package-globs input (there is no root pyproject.toml'
  )
})

test('a package inside another is a warning naming both; bump-versions refuses branches git cannot hold', async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, {
    'dspy/sub/pyproject.toml': '[project]\nname = "mellea-contribs-dspy-sub"\nversion = "0.6.0"\n'
  })
  const repo = await loadRepo(dir, { overrides: { package_globs: ['*', 'dspy/*'] } })
  expect(repo.packages.map((p) => p.dir)).toContain('dspy/sub')
  expect(warnings(repo.settingsFindings)).toContainEqual(
    expect.stringContaining('dspy/sub lies inside the package dspy')
  )
  expect(nestedPackages(['a', 'a-b', 'a/b', 'a/b/c', 'b/c'])).toEqual([
    ['a', 'a/b'],
    ['a/b', 'a/b/c']
  ])
  const bump = await runBundle({
    action: 'bump-versions',
    workspace: dir,
    inputs: {
      version: '0.8.0',
      'dry-run': 'true',
      token: '',
      'lock-command': '',
      'package-globs': '*,dspy/*'
    }
  })
  expect(bump.exitCode).toBe(1)
  expect(bump.stdout).toContain(
    'bump branches "sync-mellea-0.8.0-dspy" and "sync-mellea-0.8.0-dspy/sub" cannot both exist in git'
  )
  expectNoStackTrace(bump)
})
