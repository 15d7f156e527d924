// Where the packages are: top-level folders by default, the root's uv workspace members, or
// package_globs at any depth; and never a silent "nothing here" when the layout misses them.
import path from 'node:path'
import { buildGraph, loadRepo } from '@contribs-actions/shared'
import { cleanupTempDirs, tempDir, writeFiles } from '../../kit/fixtures.js'
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
    'package_globs = ["exporters/*","integrations/*","python/instrumentation/*"]'
  )

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
