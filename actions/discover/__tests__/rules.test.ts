// The classification rules on real git changes to the example repo (pull_request events).
import { cpSync } from 'node:fs'
import path from 'node:path'
import {
  cleanupTempDirs,
  EXAMPLE_REPO,
  git,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { ALL, change, discoverIn, exampleRepo, prPayload, touch } from './helpers.js'

afterAll(cleanupTempDirs)

// One repository for the whole file; every test works on its own branch off main.
let repo: { dir: string; main: string }
let branches = 0
beforeAll(() => {
  repo = exampleRepo()
})

/** A fresh branch off main in the shared repository; returns its folder and main's commit. */
function branch(): { dir: string; main: string } {
  git(repo.dir, 'checkout', '-q', '-b', `test-${++branches}`, repo.main)
  return repo
}

/** A PR branch off main (after `prepare`'s commits) with the given files changed. */
async function pr(
  files: Record<string, string | null>,
  inputs: Record<string, string> = {},
  prepare?: (dir: string) => void
) {
  const { dir } = branch()
  prepare?.(dir)
  const base = git(dir, 'rev-parse', 'HEAD')
  change(dir, files)
  return discoverIn(dir, 'pull_request', prPayload(base), inputs)
}

const appended = (dir: string, rel: string) => `${git(dir, 'show', `HEAD:${rel}`)}\n# more\n`

test('a change to _integration_core runs it and its three dependents', async () => {
  const { dir, main } = branch()
  touch(dir, ['_integration_core/mellea_contribs/integration_core/__init__.py'])
  const d = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(d.matrix).toEqual(['_integration_core', 'crewai', 'dspy', 'langchain'])
  expect(d.reason).toBe('changed: _integration_core (+3 dependents)')
  expect(d.result.summary).toContain('| `_integration_core` | changed | 1 |')
  expect(d.result.summary).toContain('| `crewai` | dependent of `_integration_core` | 0 |')
  const include = JSON.parse(d.outputs.include)
  expect(include).toContainEqual({
    package: 'dspy',
    python: '3.11',
    timeout: 90,
    skip_ollama: true,
    extra_pytest_args: ['-m', 'not e2e']
  })
  expect(
    include.map((l: { package: string; python: string }) => `${l.package}@${l.python}`)
  ).toEqual(['_integration_core@3.12', 'crewai@3.12', 'dspy@3.11', 'dspy@3.12', 'langchain@3.12'])
  expect(JSON.parse(d.outputs.shards)).toEqual([include])
})

test('a rename across packages runs both', async () => {
  const { dir, main } = branch()
  git(dir, 'mv', 'agent-utilities/examples/basic_usage.py', 'citations/examples/moved.py')
  git(dir, 'commit', '-q', '-m', 'move')
  const d = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(d.matrix).toEqual(['agent-utilities', 'citations'])
  expect(d.outputs['changed-count']).toBe('2')
})

test('a deleted package is not in the matrix; its dependents are', async () => {
  const d = await pr({ _integration_core: null })
  expect(d.matrix).toEqual(['crewai', 'dspy', 'langchain'])
  expect(d.reason).toBe('deleted: _integration_core (+3 dependents)')
  expect(d.result.summary).toContain(
    '| `dspy` | depends on `_integration_core`, deleted by this change | 0 |'
  )

  // A dependent that drops the dependency in the same change runs as changed.
  const { dir, main } = branch()
  const crewai = git(dir, 'show', 'HEAD:crewai/pyproject.toml')
    .split('\n')
    .filter((l) => !l.includes('integration-core') && !l.includes('_integration_core'))
    .join('\n')
  change(dir, { _integration_core: null, 'crewai/pyproject.toml': crewai })
  const both = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(both.matrix).toEqual(['crewai', 'dspy', 'langchain'])
  expect(both.reason).toBe('changed: crewai; deleted: _integration_core (+2 dependents)')

  const leaf = await pr({ citations: null })
  expect(leaf.matrix).toEqual([])
  expect(leaf.reason).toBe('deleted: citations (+0 dependents)')
})

test('a package folder moved to a new name: the new one runs, the old one is gone', async () => {
  const { dir, main } = branch()
  git(dir, 'mv', 'citations', 'references')
  git(dir, 'commit', '-q', '-m', 'rename package')
  const d = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(d.matrix).toEqual(['references'])
  expect(d.reason).toBe('changed: references; deleted: citations (+0 dependents)')
})

test('docs only: docs/, RFCs/ and Markdown at the root run nothing', async () => {
  const { dir, main } = branch()
  change(dir, {
    'docs/index.md': appended(dir, 'docs/index.md'),
    'RFCs/0002-next.md': '# next\n',
    'README.md': appended(dir, 'README.md'),
    'CONTRIBUTING.md': '# contributing\n'
  })
  const d = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(d.matrix).toEqual([])
  expect(d.reason).toBe('docs-only')
  expect(d.outputs).toMatchObject({
    any: 'false',
    include: '[]',
    shards: '[]',
    'changed-count': '4'
  })
})

test('Markdown inside a subpackage is not docs: it runs that package', async () => {
  const { dir, main } = branch()
  change(dir, { 'README.md': appended(dir, 'README.md'), 'dspy/docs/usage.md': '# usage\n' })
  const d = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(d.matrix).toEqual(['dspy'])
})

test('a run-all file runs everything and names the file', async () => {
  const d = await pr({ '.github/workflows/x.yml': 'on: push\n', 'crewai/README.md': 'x\n' })
  expect(d.matrix).toEqual(ALL)
  expect(d.reason).toBe('run-all:.github/workflows/x.yml')

  const root = await pr({ 'uv.lock': 'changed\n' })
  expect(root.reason).toBe('run-all:uv.lock')

  const extra = await pr(
    { 'conftest.py': 'import pytest\n' },
    { 'run-all': 'conftest.py, tools/**' }
  )
  expect(extra.reason).toBe('run-all:conftest.py')
  const notExtra = await pr({ 'conftest.py': 'import pytest\n' })
  expect(notExtra.matrix).toEqual([])
  expect(notExtra.reason).toBe('outside-packages: no subpackage changed (conftest.py)')
})

test('the settings table itself is a run-all trigger even when run_all is configured', async () => {
  const d = await pr({}, {}, (dir) => {
    writeFiles(dir, {
      'pyproject.toml': `${git(dir, 'show', 'HEAD:pyproject.toml')}\nrun_all = ["tools/**"]\n`
    })
    git(dir, 'commit', '-q', '-am', 'settings')
  })
  expect(d.reason).toBe('no-changes')
  const { dir, main } = branch()
  change(dir, { 'pyproject.toml': `${git(dir, 'show', 'HEAD:pyproject.toml')}\nrun_all = []\n` })
  const s = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(s.reason).toBe('run-all:pyproject.toml')
})

test('a template change sets template-smoke', async () => {
  const only = await pr({ 'cookiecutter/cookiecutter.json': '{"name": "x", "dir_name": "x"}\n' })
  expect(only.matrix).toEqual([])
  expect(only.outputs['template-smoke']).toBe('true')
  expect(only.reason).toBe('template-only: only the template changed; the template smoke runs')

  const mixed = await pr({ 'cookiecutter/core_paths.json': '[]\n', 'crewai/README.md': 'x\n' })
  expect(mixed.matrix).toEqual(['crewai'])
  expect(mixed.outputs['template-smoke']).toBe('true')

  const none = await pr({ 'crewai/README.md': 'x\n' })
  expect(none.outputs['template-smoke']).toBe('false')
})

test('changes only under grandfathered legacy paths run nothing new', async () => {
  const d = await pr({
    'mellea_contribs/legacy_tools/__init__.py': '"""legacy, edited."""\n',
    'docs/legacy.md': '# legacy\n'
  })
  expect(d.matrix).toEqual([])
  expect(d.reason).toBe('legacy-only')
})

test('no changes at all', async () => {
  const { dir, main } = branch()
  const d = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(d.reason).toBe('no-changes')
  expect(d.matrix).toEqual([])
  expect(d.outputs['changed-count']).toBe('0')
})

test('archived packages are left out and listed as skipped when enabled', async () => {
  const archived = JSON.stringify({
    packages: ['crewai', { package: 'langchain', issue: 'https://github.com/o/r/issues/9' }]
  })
  const prepare = (dir: string) => {
    writeFiles(dir, { '.github/archived.json': archived })
    git(dir, 'add', '-A')
    git(dir, 'commit', '-q', '-m', 'archive')
  }
  const files = { '_integration_core/README.md': 'x\n' }
  const off = await pr(files, {}, prepare)
  expect(off.matrix).toEqual(['_integration_core', 'crewai', 'dspy', 'langchain'])
  expect(off.outputs.skipped).toBe('[]')

  const on = await pr(files, { 'skip-archived': 'true' }, prepare)
  expect(on.matrix).toEqual(['_integration_core', 'dspy'])
  expect(JSON.parse(on.outputs.skipped)).toEqual([
    { package: 'crewai', reason: 'archived (listed in .github/archived.json)' },
    {
      package: 'langchain',
      reason: 'archived (listed in .github/archived.json)',
      issue: 'https://github.com/o/r/issues/9'
    }
  ])
  expect(on.reason).toBe(
    'changed: _integration_core (+3 dependents); skipped (archived): crewai, langchain'
  )
  expect(on.result.summary).toContain('### Skipped')

  // The settings table can turn it on for every run.
  const bySetting = await pr(files, {}, (dir) => {
    prepare(dir)
    writeFiles(dir, {
      'pyproject.toml': `${git(dir, 'show', 'HEAD:pyproject.toml')}\nskip_archived = true\n`
    })
    git(dir, 'commit', '-q', '-am', 'skip archived')
  })
  expect(bySetting.matrix).toEqual(['_integration_core', 'dspy'])
})

test('a malformed archived.json fails naming the file', async () => {
  await expect(
    pr({ 'crewai/README.md': 'x\n' }, { 'skip-archived': 'true' }, (dir) => {
      writeFiles(dir, { '.github/archived.json': '{"packages": "crewai"}' })
      git(dir, 'add', '-A')
      git(dir, 'commit', '-q', '-m', 'archive')
    })
  ).rejects.toMatchObject({ file: '.github/archived.json' })
})

test('a CI setting of the wrong type fails naming the file and line', async () => {
  const { dir, main } = branch()
  change(dir, {
    'crewai/pyproject.toml': `${git(dir, 'show', 'HEAD:crewai/pyproject.toml')}\n[tool.mellea-contribs.ci]\ntimeout_minutes = "ninety"\n`
  })
  const d = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(d.result.failure).toMatch(
    /^1 invalid CI setting in the packages to test: crewai\/pyproject.toml:\d+: /
  )
  expect(d.result.findings).toContainEqual(
    expect.objectContaining({ severity: 'error', file: 'crewai/pyproject.toml', package: 'crewai' })
  )
  expect(d.outputs.matrix).toBeUndefined()
})

test('files outside every package run nothing and are named', async () => {
  const d = await pr({ LICENSE: 'MIT\n', '.github/CODEOWNERS': '* @x\n' })
  expect(d.matrix).toEqual([])
  expect(d.reason).toBe('outside-packages: no subpackage changed (.github/CODEOWNERS, LICENSE)')
})

test('`path` below the git root: only that folder counts, paths are relative to it', async () => {
  const top = tempDir()
  cpSync(EXAMPLE_REPO, path.join(top, 'sub'), { recursive: true })
  const main = initGitRepo(top)
  git(top, 'checkout', '-q', '-b', 'feature')
  change(top, {
    'sub/dspy/README.md': 'x\n',
    'outside/thing.py': 'x\n',
    '.github/workflows/ci.yml': 'on: push\n'
  })
  const d = await discoverIn(top, 'pull_request', prPayload(main), { path: 'sub' })
  expect(d.matrix).toEqual(['dspy'])
  expect(d.outputs['changed-count']).toBe('1')
})
