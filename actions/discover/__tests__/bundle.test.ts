// discover's built bundle, run as the runner runs it (event payload file, INPUT_*, GITHUB_OUTPUT),
// and the CLI, which must give the same answer.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { runBundle } from '@contribs-actions/cli'
import { cleanupTempDirs, git, REPO_ROOT, tempDir } from '../../../test/kit/fixtures.js'
import { CORE_DIR, generateRepo, NESTED_GLOBS } from '../../../test/kit/generate-repo.js'
import {
  DEBUG_LOGGING,
  debugLines,
  groupTitles,
  stepLines,
  expectNoStackTrace
} from '../../../test/kit/step-log.js'
import { ALL, change, discoverIn, exampleRepo, prPayload, touch } from './helpers.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

afterAll(cleanupTempDirs)

const CLI = path.join(REPO_ROOT, 'packages/cli/bin/contribs-actions.mjs')

test('pull_request: the bundle and the CLI give the same answer', async () => {
  const { dir } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'feature')
  touch(dir, ['_integration_core/README.md'])
  git(dir, 'checkout', '-q', 'main')
  const mainTip = touch(dir, ['citations/README.md'])
  git(dir, 'checkout', '-q', 'feature')
  const payload = prPayload(mainTip)

  const r = await runBundle({
    action: 'discover',
    event: { name: 'pull_request', payload },
    workspace: dir
  })
  expect(r.exitCode).toBe(0)
  expect(JSON.parse(r.outputs.matrix)).toEqual(['_integration_core', 'crewai', 'dspy', 'langchain'])
  expect(r.outputs.reason).toBe('changed: _integration_core (+3 dependents)')
  expect(r.outputs).toMatchObject({ any: 'true', 'template-smoke': 'false', 'changed-count': '1' })
  expect(JSON.parse(r.outputs.include)).toHaveLength(5)
  expect(r.summary).toContain('| `langchain` | dependent of `_integration_core` | 0 |')
  expect(r.summary).toContain('<details><summary>Changed files (1)</summary>')

  const eventFile = path.join(tempDir(), 'event.json')
  writeFileSync(eventFile, JSON.stringify(payload))
  // execFileSync throws unless the CLI exits 0. Its JSON holds each output once: the JSON-valued
  // ones (matrix, include, ...) as values, the others as the strings the bundle set.
  const cli = JSON.parse(
    execFileSync(
      process.execPath,
      [
        CLI,
        'discover',
        '--path',
        dir,
        '--event',
        'pull_request',
        '--event-path',
        eventFile,
        '--format',
        'json'
      ],
      { encoding: 'utf8' }
    )
  ) as Record<string, unknown>
  expect(Object.keys(cli)).toEqual(Object.keys(r.outputs))
  for (const [name, value] of Object.entries(r.outputs))
    expect(cli[name]).toEqual(/^[[{]/.test(value) ? JSON.parse(value) : value)
  expect(cli.matrix).toEqual(['_integration_core', 'crewai', 'dspy', 'langchain'])
})

test('the log: each phase in a closed group, and a debug line naming why each package runs', async () => {
  const { dir, main } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'feature')
  touch(dir, ['_integration_core/README.md'])
  const r = await runBundle({
    action: 'discover',
    event: { name: 'pull_request', payload: prPayload(main) },
    workspace: dir,
    env: DEBUG_LOGGING
  })
  expect(r.exitCode).toBe(0)
  expect(groupTitles(r.stdout)).toEqual(['Subpackages', 'Changed files', 'Decision', 'Matrix'])
  expect(debugLines(r.stdout)).toEqual(
    expect.arrayContaining([
      '_integration_core runs: changed _integration_core/README.md',
      'crewai runs: dependent of _integration_core',
      'dspy runs: dependent of _integration_core',
      'langchain runs: dependent of _integration_core'
    ])
  )
  // The reasons are logged inside the Decision group, after the decision itself.
  const lines = stepLines(r.stdout)
  const decision = lines.indexOf('::group::Decision')
  const end = lines.indexOf('::endgroup::', decision)
  expect(lines.slice(decision + 1, end)).toEqual([
    'changed: _integration_core (+3 dependents)',
    '::debug::_integration_core runs: changed _integration_core/README.md',
    '::debug::crewai runs: dependent of _integration_core',
    '::debug::dspy runs: dependent of _integration_core',
    '::debug::langchain runs: dependent of _integration_core'
  ])
})

test('debug logging off: the same groups and lines, and no debug line', async () => {
  const { dir, main } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'feature')
  touch(dir, ['_integration_core/README.md'])
  const run = (env: Record<string, string>) =>
    runBundle({
      action: 'discover',
      event: { name: 'pull_request', payload: prPayload(main) },
      workspace: dir,
      env
    })
  const [off, on] = [await run({}), await run(DEBUG_LOGGING)]
  expect(off.exitCode).toBe(0)
  expect(debugLines(off.stdout)).toEqual([])
  expect(debugLines(on.stdout).length).toBeGreaterThan(0)
  const withoutDebug = (stdout: string) =>
    stepLines(stdout).filter((l) => !l.startsWith('::debug::'))
  expect(stepLines(off.stdout)).toEqual(withoutDebug(on.stdout))
  expect(off.outputs).toEqual(on.outputs)
})

test('the log: a run-all file says which glob it matched', async () => {
  const { dir, main } = exampleRepo()
  change(dir, { 'uv.lock': 'version = 1\n' })
  const r = await runBundle({
    action: 'discover',
    event: { name: 'pull_request', payload: prPayload(main) },
    workspace: dir,
    env: DEBUG_LOGGING
  })
  expect(r.outputs.reason).toBe('run-all:uv.lock')
  expect(groupTitles(r.stdout)).toHaveLength(4)
  expect(debugLines(r.stdout)).toEqual(
    expect.arrayContaining([
      'run-all: uv.lock matches the run-all glob uv.lock',
      'every subpackage runs: run-all: uv.lock'
    ])
  )
})

test('merge_group through the bundle', async () => {
  const { dir, main } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'queue')
  touch(dir, ['dspy/README.md'], 'pr 1')
  touch(dir, ['agent-utilities/README.md'], 'pr 2')
  const r = await runBundle({
    action: 'discover',
    event: { name: 'merge_group', payload: { merge_group: { base_sha: main } } },
    workspace: dir
  })
  expect(JSON.parse(r.outputs.matrix)).toEqual(['agent-utilities', 'dspy'])
})

test('legs over max-legs are split into shards with a warning; include is empty', async () => {
  const { dir } = exampleRepo()
  const r = await runBundle({
    action: 'discover',
    inputs: { 'max-legs': '3' },
    event: { name: 'schedule', payload: {} },
    workspace: dir
  })
  expect(r.exitCode).toBe(0)
  expect(JSON.parse(r.outputs.matrix)).toEqual(ALL)
  expect(r.outputs.include).toBe('[]')
  const shards = JSON.parse(r.outputs.shards) as { package: string }[][]
  expect(shards.flat()).toHaveLength(7)
  for (const s of shards) expect(s.length).toBeLessThanOrEqual(3)
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('7 matrix legs exceed max-legs (3)')
    })
  )

  const near = await runBundle({
    action: 'discover',
    inputs: { 'max-legs': '7' },
    event: { name: 'schedule', payload: {} },
    workspace: dir
  })
  expect(JSON.parse(near.outputs.shards)).toHaveLength(1)
  expect(JSON.parse(near.outputs.include)).toHaveLength(7)
  expect(near.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('close to the limit of 7')
    })
  )
})

test('a CI setting error fails the step with an annotation on the file and line', async () => {
  const { dir, main } = exampleRepo()
  change(dir, {
    'langchain/pyproject.toml': git(dir, 'show', 'HEAD:langchain/pyproject.toml').replace(
      'timeout_minutes = 45',
      'timeout_minutes = 4500'
    )
  })
  const r = await runBundle({
    action: 'discover',
    event: { name: 'push', payload: { before: main } },
    workspace: dir
  })
  expect(r.exitCode).toBe(1)
  expect(r.outputs.matrix).toBeUndefined()
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'error',
      file: 'langchain/pyproject.toml',
      line: expect.any(Number),
      message: expect.stringContaining('timeout_minutes must be an integer from 1 to 360')
    })
  )
})

test.each([
  [{ 'max-legs': '300' }, 'input `max-legs` must be an integer >= 1 and <= 256'],
  [{ 'skip-archived': 'maybe' }, 'input `skip-archived` must be true or false']
])('bad input %j fails with a clear message and no outputs', async (inputs, message) => {
  const { dir } = exampleRepo()
  const r = await runBundle({ action: 'discover', inputs, workspace: dir })
  expect(r.exitCode).toBe(1)
  expect(r.stdout).toContain(message)
  expectNoStackTrace(r)
  expect(r.outputs).toEqual({})
})

test("a package depending only on the root's extra runs when that sibling changes; unread dependencies are a warning", async () => {
  const { dir } = exampleRepo()
  const main = change(dir, {
    // Names dspy only through the meta-package's `dspy` extra.
    'citations/pyproject.toml': git(dir, 'show', 'HEAD:citations/pyproject.toml').replace(
      '"eyecite",',
      '"eyecite",\n    "mellea-contribs[dspy]>=0.6",'
    ),
    // Its dependencies come from a requirements file the action does not read.
    'agent-utilities/pyproject.toml': git(dir, 'show', 'HEAD:agent-utilities/pyproject.toml')
      .replace(/^dependencies = \[[^\]]*\]\n/m, 'dynamic = ["dependencies"]\n')
      .concat('\n[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ["requirements.txt"]\n')
  })
  git(dir, 'checkout', '-q', '-b', 'feature')
  touch(dir, ['dspy/README.md'])
  const r = await runBundle({
    action: 'discover',
    event: { name: 'pull_request', payload: prPayload(main) },
    workspace: dir,
    env: DEBUG_LOGGING
  })
  expect(r.exitCode).toBe(0)
  expect(JSON.parse(r.outputs.matrix)).toEqual(['citations', 'dspy'])
  expect(r.outputs.reason).toBe('changed: dspy (+1 dependent)')
  expect(debugLines(r.stdout)).toContain(
    'citations runs: dependent of dspy through mellea-contribs[dspy]>=0.6'
  )
  expect(r.summary).toContain(
    '| `citations` | dependent of `dspy` through `mellea-contribs[dspy]>=0.6` | 0 |'
  )
  const dynamicLine =
    git(dir, 'show', 'HEAD:agent-utilities/pyproject.toml')
      .split('\n')
      .findIndex((l) => l.startsWith('dynamic = ')) + 1
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      file: 'agent-utilities/pyproject.toml',
      line: dynamicLine,
      message: expect.stringContaining(
        '[project].dynamic lists "dependencies" and the metadata hook requirements_txt (files)'
      )
    })
  )
  // Once agent-utilities runs itself, it cannot miss a sibling: no warning about it.
  touch(dir, ['agent-utilities/README.md'])
  const running = await discoverIn(dir, 'pull_request', prPayload(main))
  expect(running.matrix).toContain('agent-utilities')
  expect(running.result.findings.filter((f) => f.package === 'agent-utilities')).toEqual([])
})

test('a sibling named by a version template a build plugin fills in still brings its dependent', async () => {
  // As uv-dynamic-versioning's hatch hook writes them: not valid PEP 508 until build time.
  const { dir } = exampleRepo()
  const main = change(dir, {
    'citations/pyproject.toml': git(dir, 'show', 'HEAD:citations/pyproject.toml')
      .replace(/^dependencies = \[[^\]]*\]\n/m, 'dynamic = ["dependencies"]\n')
      .concat(
        '\n[tool.hatch.metadata.hooks.uv-dynamic-versioning]\n',
        'dependencies = ["mellea-contribs-dspy=={{ version }}"]\n'
      )
  })
  git(dir, 'checkout', '-q', '-b', 'feature')
  touch(dir, ['dspy/README.md'])
  const r = await runBundle({
    action: 'discover',
    event: { name: 'pull_request', payload: prPayload(main) },
    workspace: dir
  })
  expect(r.exitCode).toBe(0)
  expect(JSON.parse(r.outputs.matrix)).toEqual(['citations', 'dspy'])
  expect(r.outputs.reason).toBe('changed: dspy (+1 dependent)')
  expect(r.annotations.filter((a) => a.file?.startsWith('citations/'))).toEqual([])
})

test('nested packages: package-globs runs what the flattened repository runs; zero configuration warns', async () => {
  const nested = path.join(tempDir(), 'nested')
  const flat = path.join(tempDir(), 'flat')
  const generated = generateRepo(nested, { packages: 60, layout: 'nested', workspace: false })
  generateRepo(flat, { packages: 60 })
  const changeOn = (dir: string, rel: string) => {
    const base = git(dir, 'rev-parse', 'HEAD')
    git(dir, 'checkout', '-q', '-b', 'feature')
    touch(dir, [rel])
    return prPayload(base)
  }
  const discover = (dir: string, payload: object, inputs: Record<string, string> = {}) =>
    runBundle({
      action: 'discover',
      event: { name: 'pull_request', payload },
      workspace: dir,
      inputs
    })
  const name = (dir: string) => dir.slice(dir.lastIndexOf('/') + 1)

  const coreChange = changeOn(nested, `${CORE_DIR}/README.md`)
  const withGlobs = await discover(nested, coreChange, { 'package-globs': NESTED_GLOBS.join('\n') })
  const flatRun = await discover(flat, changeOn(flat, `${CORE_DIR}/README.md`))
  const matrix = JSON.parse(withGlobs.outputs.matrix) as string[]
  expect(matrix.some((d) => d.startsWith('python/instrumentation/'))).toBe(true)
  expect(matrix.map(name).sort()).toEqual(JSON.parse(flatRun.outputs.matrix))
  expect(matrix.length).toBe(
    1 +
      generated.packages.filter((p) => p.dependsOn.includes(CORE_DIR)).length +
      generated.packages.filter((p) => p.dependsOn.some((d) => d !== CORE_DIR)).length
  )
  expect(withGlobs.stdout).not.toContain('::warning::')

  // Zero configuration: only the core package is found; a nested change is not met in silence.
  const nestedPackage = generated.packages.find((p) => p.dir.startsWith('integrations/'))!.dir
  git(nested, 'checkout', '-q', 'main')
  git(nested, 'branch', '-q', '-D', 'feature')
  const silent = await discover(nested, changeOn(nested, `${nestedPackage}/README.md`))
  expect(silent.exitCode).toBe(0)
  expect(JSON.parse(silent.outputs.matrix)).toEqual([])
  expect(silent.outputs.reason).toMatch(
    /^outside-packages: .*; warning: \d+ pyproject.toml files outside every subpackage/
  )
  expect(silent.stdout).toContain('::warning')
  expect(silent.stdout).toContain(
    'package_globs = ["*","exporters/*","integrations/*","python/instrumentation/*"]'
  )
})
