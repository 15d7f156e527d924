// The sibling dependency rule beyond plain names: the root distribution's extras, hatch metadata
// hooks' inline arrays, and dependencies that cannot be read (a warning, not a silent gap).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { cleanupTempDirs, copyExampleRepo, writeFiles } from '../../../test/kit/fixtures.js'
import {
  buildGraph,
  dependsOnPackage,
  siblingReferences,
  rootDistribution,
  rootInstalls,
  rootSiblings,
  withDependents
} from '../src/graph.js'
import { readCiConfig } from '../src/ci-config.js'
import {
  dependenciesAndCiOnly,
  dependencyEntries,
  readPyProject,
  unreadDependencies,
  uvSourcePaths
} from '../src/pyproject.js'
import { defaultSettings } from '../src/settings.js'
import { loadRepo } from '../src/repo.js'

afterAll(cleanupTempDirs)

const pkg = (name: string, body = '') => `[project]\nname = "${name}"\nversion = "0.1.0"\n${body}`

/** The example repository with its root pyproject's dependency tables changed. */
function repoWithRoot(rootDeps: string, extraExtras = ''): string {
  const dir = copyExampleRepo()
  const root = readFileSync(path.join(dir, 'pyproject.toml'), 'utf8')
    .replace(/^dependencies = \[\].*$/m, `dependencies = ${rootDeps}`)
    .replace('[project.optional-dependencies]\n', `[project.optional-dependencies]\n${extraExtras}`)
  writeFiles(dir, { 'pyproject.toml': root })
  return dir
}

const depsOf = async (dir: string, p: string) =>
  [...buildGraph(await loadRepo(dir)).deps.get(p)!].sort()

test('a dependency on the root distribution with extras depends on what those extras name', async () => {
  const dir = repoWithRoot('["mellea-contribs-crewai"]')
  writeFiles(dir, {
    'citations/pyproject.toml': pkg(
      'mellea-contribs-citations',
      'dependencies = ["mellea>=0.6", "Mellea_Contribs[DSPy] >= 0.6"]\n'
    )
  })
  // pip installs the root's own dependencies with any extra.
  expect(await depsOf(dir, 'citations')).toEqual(['crewai', 'dspy'])
  const graph = buildGraph(await loadRepo(dir))
  expect(withDependents(graph, ['dspy']).has('citations')).toBe(true)
  expect(withDependents(graph, ['langchain']).has('citations')).toBe(false)
})

test('a plain dependency on the root distribution is its [project].dependencies only, as in pip', async () => {
  const dir = repoWithRoot('["mellea-contribs-crewai"]')
  writeFiles(dir, {
    'citations/pyproject.toml': pkg(
      'mellea-contribs-citations',
      'dependencies = ["mellea-contribs>=0.6"]\n'
    )
  })
  expect(await depsOf(dir, 'citations')).toEqual(['crewai'])
})

test('an extra naming the root itself brings in the extras it names', async () => {
  const dir = repoWithRoot(
    '[]',
    'all = ["mellea-contribs[dspy,langchain]"]\nloop = ["mellea-contribs[loop]"]\n'
  )
  writeFiles(dir, {
    'citations/pyproject.toml': pkg(
      'mellea-contribs-citations',
      '[dependency-groups]\ndev = ["mellea-contribs[all,loop]"]\n'
    )
  })
  expect(await depsOf(dir, 'citations')).toEqual(['dspy', 'langchain'])
  const repo = await loadRepo(dir)
  const root = rootDistribution(repo.rootPyproject)!
  expect([...rootInstalls(root, ['loop'])]).toEqual([])
  const refs = siblingReferences(repo.byDir.get('citations')!.pyproject!, 'citations', root)
  // discover's predicate says how: through the root requirement.
  expect(dependsOnPackage(refs, { dir: 'dspy', key: 'mellea-contribs-dspy' })).toEqual({
    through: 'mellea-contribs[all,loop]'
  })
  expect(dependsOnPackage(refs, { dir: 'crewai', key: 'mellea-contribs-crewai' })).toBeUndefined()
})

test('a requirement that is not valid PEP 508 still depends on the distribution it starts with', async () => {
  // Build-time versioning plugins fill in templates such as `=={{ version }}`: the sibling is
  // still a dependency, and leaving it out would leave its dependents untested.
  const dir = repoWithRoot('["mellea-contribs-crewai"]')
  writeFiles(dir, {
    'citations/pyproject.toml': pkg(
      'mellea-contribs-citations',
      'dependencies = ["mellea-contribs-dspy=={{ version }}", "mellea-contribs[langchain] >= 1 <2"]\n'
    ),
    'dspy/pyproject.toml': pkg('mellea-contribs-dspy', 'dependencies = ["{{ templated }}"]\n')
  })
  expect(await depsOf(dir, 'citations')).toEqual(['crewai', 'dspy', 'langchain'])
  expect(await depsOf(dir, 'dspy')).toEqual([])
  // Read by its start, a template is seen; a string that names nothing is a warning on its line.
  const repo = await loadRepo(dir)
  expect(unreadDependencies(repo.byDir.get('citations')!.pyproject!, 'citations')).toEqual([])
  expect(unreadDependencies(repo.byDir.get('dspy')!.pyproject!, 'dspy')).toEqual([
    expect.objectContaining({
      code: 'CA205',
      file: 'dspy/pyproject.toml',
      line: 4,
      message: expect.stringContaining('"{{ templated }}" in [project].dependencies names no')
    })
  ])
})

test("hatch metadata hooks' inline arrays are dependency arrays; hatch-requirements-txt's name files", async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, {
    'citations/pyproject.toml': pkg(
      'mellea-contribs-citations',
      'dynamic = ["dependencies", "optional-dependencies"]\n\n' +
        '[tool.hatch.metadata.hooks.custom]\ndependencies = ["mellea-contribs-dspy>=0.1"]\n\n' +
        '[tool.hatch.metadata.hooks.custom.optional-dependencies]\nextra = ["mellea-contribs-crewai"]\n'
    ),
    'agent-utilities/pyproject.toml': pkg(
      'mellea-contribs-agent-utilities',
      'dynamic = [\n  "version",\n  "dependencies",\n]\n\n' +
        '[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ["requirements.txt"]\n\n' +
        '[tool.hatch.metadata.hooks.requirements_txt.optional-dependencies]\nmellea-contribs-dspy = ["mellea-contribs-dspy"]\n'
    )
  })
  expect(await depsOf(dir, 'citations')).toEqual(['crewai', 'dspy'])
  expect(await depsOf(dir, 'agent-utilities')).toEqual([])
  const repo = await loadRepo(dir)
  const citations = repo.byDir.get('citations')!.pyproject!
  expect(dependencyEntries(citations).map((d) => [d.group, d.role])).toEqual([
    ['tool.hatch.metadata.hooks.custom.dependencies', 'dependencies'],
    ['tool.hatch.metadata.hooks.custom.optional-dependencies.extra', 'extra']
  ])
  expect(unreadDependencies(citations)).toEqual([])
  // The requirements file is not read: a warning on the `dynamic` line says so.
  expect(
    unreadDependencies(repo.byDir.get('agent-utilities')!.pyproject!, 'agent-utilities')
  ).toEqual([
    expect.objectContaining({
      severity: 'warning',
      code: 'CA205',
      package: 'agent-utilities',
      file: 'agent-utilities/pyproject.toml',
      line: 6,
      message: expect.stringMatching(
        /"dependencies" and the metadata hook requirements_txt \(files\)/
      )
    })
  ])
})

test('dynamic dependencies with no hook, or an unknown hook, are each a warning', () => {
  const none = readPyProject(pkg('x', 'dynamic = ["optional-dependencies"]\n'), 'x/pyproject.toml')
  expect(unreadDependencies(none)).toEqual([
    expect.objectContaining({
      line: 4,
      message: expect.stringContaining(
        '"optional-dependencies" and no [tool.hatch.metadata.hooks.<hook>] table'
      )
    })
  ])
  const other = readPyProject(
    pkg('x', 'dynamic = ["dependencies"]\n[tool.hatch.metadata.hooks.odoo]\naddons = "."\n'),
    'x/pyproject.toml'
  )
  expect(unreadDependencies(other)).toEqual([
    expect.objectContaining({
      message: expect.stringContaining('the metadata hook odoo sets them')
    })
  ])
  // Static dependencies need no warning, whatever the hooks.
  expect(
    unreadDependencies(readPyProject(pkg('x', 'dynamic = ["version"]\n'), 'x/pyproject.toml'))
  ).toEqual([])
})

test('the run-time scope leaves out development groups and path sources only they use', async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, {
    'citations/pyproject.toml': pkg(
      'mellea-contribs-citations',
      'dependencies = ["mellea>=0.6"]\n' +
        '[project.optional-dependencies]\nlc = ["mellea-contribs-langchain"]\n' +
        '[dependency-groups]\ndev = ["mellea-contribs-dspy", "mellea-contribs-crewai"]\n' +
        '[tool.uv.sources]\nmellea-contribs-crewai = { path = "../crewai" }\n'
    )
  })
  const repo = await loadRepo(dir)
  expect([...buildGraph(repo).deps.get('citations')!].sort()).toEqual([
    'crewai',
    'dspy',
    'langchain'
  ])
  expect([...buildGraph(repo, 'runtime').deps.get('citations')!]).toEqual(['langchain'])
  // A path source for a run-time requirement counts in both.
  expect([...buildGraph(repo, 'runtime').deps.get('crewai')!]).toEqual(['_integration_core'])
})

test('rootSiblings: what the meta-package installs, through its dependencies or its extras', async () => {
  const dir = repoWithRoot('["mellea-contribs-crewai"]', 'all = ["mellea-contribs[dspy]"]\n')
  const { base, extras } = rootSiblings(await loadRepo(dir))
  expect([...base]).toEqual(['crewai'])
  expect([...extras].sort()).toEqual([
    '_integration_core',
    'agent-utilities',
    'citations',
    'dspy',
    'langchain'
  ])
})

test('dependenciesAndCiOnly keeps every table the dependency and CI readers read, and no other', () => {
  const full = readPyProject(
    `[project]
name = "pkg"
requires-python = ">=3.12"
dynamic = ["optional-dependencies"]
dependencies = ["core-pkg>=1"]

[project.optional-dependencies]
x = ["extra-pkg"]

[dependency-groups]
dev = ["dev-pkg", { include-group = "x" }]

[build-system]
requires = ["hatchling"]

[tool.hatch.build.targets.wheel]
packages = ["mellea_contribs"]

[tool.hatch.metadata.hooks.custom]
dependencies = ["hooked-pkg"]

[tool.uv.sources]
local = { path = "../local/" }

[tool.ruff]
line-length = 100

[tool.mellea.ci]
python_versions = ["3.11", "3.12"]
timeout_minutes = "ten"
`,
    'pkg/pyproject.toml'
  )
  const slim = dependenciesAndCiOnly(full, 'mellea')
  const root = rootDistribution(
    readPyProject('[project]\nname = "meta"\ndependencies = []\n', 'pyproject.toml')
  )
  const settings = defaultSettings('mellea')
  const answers = (p: typeof full) => ({
    entries: dependencyEntries(p),
    sources: uvSourcePaths(p),
    unread: unreadDependencies(p, 'pkg'),
    references: siblingReferences(p, 'pkg', root),
    ci: readCiConfig(p, settings, 'pkg')
  })
  expect(answers(slim)).toEqual(answers(full))
  expect(answers(full).ci.findings.length).toBeGreaterThan(0)
  expect(answers(full).entries.map((e) => e.raw)).toEqual([
    'core-pkg>=1',
    'extra-pkg',
    'dev-pkg',
    'hooked-pkg'
  ])
  expect(Object.keys(slim.data).sort()).toEqual(['dependency-groups', 'project', 'tool'])
  expect(Object.keys(slim.data.tool as object).sort()).toEqual(['hatch', 'mellea', 'uv'])
  expect(Object.keys((slim.data.tool as { hatch: object }).hatch)).toEqual(['metadata'])
})
