// read-ci-config's built bundle, run as the runner runs it (see packages/cli/src/run-bundle.ts).
import { cpSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { runBundle } from '@contribs-actions/cli'
import {
  cleanupTempDirs,
  copyExampleRepo,
  EXAMPLE_REPO,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { groupTitles, stepLines, expectNoStackTrace } from '../../../test/kit/step-log.js'
import { generateRepo } from '../../../test/kit/generate-repo.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

afterAll(cleanupTempDirs)

test('single package: one output per key, with the package table over the defaults', async () => {
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { package: 'dspy' },
    workspace: EXAMPLE_REPO
  })
  expect(r.exitCode).toBe(0)
  expect(r.outputs.timeout_minutes).toBe('90')
  expect(r.outputs.skip_ollama).toBe('true')
  expect(JSON.parse(r.outputs.python_versions)).toEqual(['3.11', '3.12'])
  expect(JSON.parse(r.outputs.config)).toMatchObject({ extra_pytest_args: ['-m', 'not e2e'] })
  expect(r.annotations).toEqual([])
  expect(r.summary).toContain('| `dspy` | 90 | 3.11, 3.12 | true |')
})

test('an unknown key is passed through with a warning on its line', async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, {
    'crewai/pyproject.toml':
      '[project]\nname = "mellea-contribs-crewai"\n\n[tool.mellea-contribs.ci]\ngpu = "a100"\n'
  })
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { package: 'crewai' },
    workspace: dir
  })
  expect(r.exitCode).toBe(0)
  expect(JSON.parse(r.outputs.config)).toMatchObject({ gpu: 'a100' })
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'warning',
      file: 'crewai/pyproject.toml',
      line: 5,
      message: expect.stringContaining('gpu')
    })
  ])
})

test("a root [tool.<table>.ci] is every package's default; a package table overrides it key by key", async () => {
  const dir = copyExampleRepo()
  const rootFile = path.join(dir, 'pyproject.toml')
  writeFiles(dir, {
    'pyproject.toml': `${readFileSync(rootFile, 'utf8')}\n[tool.mellea-contribs.ci]\ntimeout_minutes = 45\npython_versions = ["3.11"]\n`
  })
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { packages: 'all' },
    workspace: dir
  })
  expect(r.exitCode).toBe(0)
  const configs = JSON.parse(r.outputs.configs) as Record<string, Record<string, unknown>>
  // citations has no table of its own; dspy sets both keys itself.
  expect(configs.citations).toMatchObject({ timeout_minutes: 45, python_versions: ['3.11'] })
  expect(configs.dspy).toMatchObject({ timeout_minutes: 90, python_versions: ['3.11', '3.12'] })
  expect(Object.values(configs).every((c) => c.timeout_minutes !== 30)).toBe(true)
})

test('a package without a table gets the defaults', async () => {
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { package: 'crewai' },
    workspace: EXAMPLE_REPO
  })
  expect(r.outputs).toMatchObject({
    timeout_minutes: '30',
    skip_ollama: 'false',
    python_versions: '["3.12"]'
  })
})

test('packages: all gives one JSON map keyed by folder', async () => {
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { packages: 'all' },
    workspace: EXAMPLE_REPO
  })
  expect(r.exitCode).toBe(0)
  const configs = JSON.parse(r.outputs.configs)
  expect(Object.keys(configs)).toEqual([
    '_integration_core',
    'agent-utilities',
    'citations',
    'crewai',
    'dspy',
    'langchain'
  ])
  expect(configs.langchain.timeout_minutes).toBe(45)
  expect(r.outputs.timeout_minutes).toBeUndefined()
})

test('packages as a JSON array, with `path` pointing below the workspace', async () => {
  const workspace = tempDir()
  cpSync(EXAMPLE_REPO, path.join(workspace, 'sub/repo'), { recursive: true })
  writeFiles(path.join(workspace, 'sub/repo'), {
    'langchain/pyproject.toml':
      '[project]\nname = "mellea-contribs-langchain"\n\n[tool.mellea-contribs.ci]\ngpu = "a100"\n'
  })
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { packages: '["dspy","langchain"]', path: 'sub/repo' },
    workspace
  })
  expect(Object.keys(JSON.parse(r.outputs.configs))).toEqual(['dspy', 'langchain'])
  // Annotations name workspace-relative paths, or they would not land on the diff.
  expect(r.annotations.map((a) => [a.file, a.line])).toEqual([
    ['sub/repo/langchain/pyproject.toml', 5]
  ])
})

test('a malformed table fails naming the file, line and key', async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, {
    'crewai/pyproject.toml':
      '[project]\nname = "mellea-contribs-crewai"\n\n[tool.mellea-contribs.ci]\ntimeout_minutes = "ninety"\n'
  })
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { package: 'crewai' },
    workspace: dir
  })
  expect(r.exitCode).toBe(1)
  expect(r.outputs.timeout_minutes).toBeUndefined()
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'error',
      file: 'crewai/pyproject.toml',
      line: 5,
      message:
        '[tool.mellea-contribs.ci] timeout_minutes must be an integer from 1 to 360 (got "ninety")'
    })
  )
  expect(r.stdout).toContain('::error::1 invalid CI setting: crewai/pyproject.toml:5:')
  // The failing package's problems, together in a closed group before the failure line.
  expect(groupTitles(r.stdout)).toEqual(['crewai: 1 invalid CI setting'])
  const lines = stepLines(r.stdout)
  expect(lines.indexOf('::endgroup::')).toBeLessThan(
    lines.findIndex((l) => l.startsWith('::error::1 invalid CI setting'))
  )
})

test('a run an error stops shows what it logged before, then one ::error:: line', async () => {
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { packages: '["dspy", "nope"]' },
    workspace: EXAMPLE_REPO
  })
  expect(r.exitCode).toBe(1)
  expect(stepLines(r.stdout)).toEqual([
    'reading [tool.mellea-contribs.ci] of dspy, nope',
    '::error::no subpackage "nope" in the repository (subpackages: _integration_core, agent-utilities, citations, crewai, dspy, langchain)'
  ])
})

test('a TOML syntax error fails with line and column', async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, { 'dspy/pyproject.toml': '[project]\nname = "x"\n[tool.mellea-contribs.ci\n' })
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { package: 'dspy' },
    workspace: dir
  })
  expect(r.exitCode).toBe(1)
  expect(r.annotations[0]).toMatchObject({ level: 'error', file: 'dspy/pyproject.toml', line: 3 })
})

test.each([
  [{ package: 'nope' }, 'no subpackage "nope"'],
  [{}, 'input `package` (one folder) or `packages`'],
  [{ package: 'dspy', packages: 'all' }, 'not both'],
  [{ packages: '["dspy"' }, 'not valid JSON']
])('bad inputs %j fail with a clear message and no outputs', async (inputs, message) => {
  const r = await runBundle({ action: 'read-ci-config', inputs, workspace: EXAMPLE_REPO })
  expect(r.exitCode).toBe(1)
  expect(r.stdout).toContain(message)
  expectNoStackTrace(r)
  expect(r.outputs).toEqual({})
})

test('a named package is read on its own: a broken sibling does not fail its leg', async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, { 'crewai/pyproject.toml': '[project\nname = "broken"\n' })
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { package: 'dspy' },
    workspace: dir
  })
  expect(r.exitCode).toBe(0)
  expect(r.outputs.timeout_minutes).toBe('90')
  expect(r.annotations).toEqual([])
})

test('an unknown package fails naming the subpackages there are', async () => {
  const dir = copyExampleRepo()
  // a top-level folder that is not a package is no more selectable than a missing one
  writeFiles(dir, { 'scripts/run.sh': 'echo\n' })
  for (const name of ['nope', 'scripts']) {
    const r = await runBundle({
      action: 'read-ci-config',
      inputs: { package: name },
      workspace: dir
    })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain(
      `no subpackage "${name}" in the repository (subpackages: _integration_core, agent-utilities, citations, crewai, dspy, langchain)`
    )
  }
})

test('nested packages of a uv workspace are read and keyed by their folder path', async () => {
  const dir = path.join(tempDir(), 'repo')
  const { packages } = generateRepo(dir, { packages: 12, layout: 'nested', git: false })
  const r = await runBundle({
    action: 'read-ci-config',
    inputs: { packages: 'all' },
    workspace: dir
  })
  expect(r.exitCode).toBe(0)
  const configs = JSON.parse(r.outputs.configs) as Record<string, unknown>
  expect(Object.keys(configs).sort()).toEqual(packages.map((p) => p.dir).sort())
  const deep = packages.find((p) => p.dir.startsWith('python/instrumentation/'))!.dir
  const one = await runBundle({
    action: 'read-ci-config',
    inputs: { package: deep },
    workspace: dir
  })
  expect([one.exitCode, one.outputs.timeout_minutes]).toEqual([0, '30'])
})
