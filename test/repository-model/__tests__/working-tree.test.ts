// Every action reads the repository as git sees the working tree: on a maintainer's machine an
// unstaged deletion and an untracked file count as they will once committed, and ignored build
// output is never a package. The built bundles, run as the runner runs them.
import { runBundle } from '@contribs-actions/cli'
import {
  cleanupTempDirs,
  copyExampleRepo,
  EXAMPLE_PACKAGES,
  initGitRepo,
  writeFiles
} from '../../kit/fixtures.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../kit/budgets.js'

afterAll(cleanupTempDirs)
// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

/** The example repository after a local build and some unfinished work. */
function maintainersCheckout(): string {
  const dir = copyExampleRepo()
  writeFiles(dir, { '.gitignore': 'build/\ndist/\n.venv/\n' })
  initGitRepo(dir)
  const leftover = '[project]\nname = "mellea-contribs-dspy"\nversion = "0.6.0"\n'
  writeFiles(dir, {
    'dspy/OWNERS': null, // deleted, not staged
    'crewai/mellea_contribs/__init__.py': '', // new, not added
    'build/pyproject.toml': leftover,
    'build/lib/mellea_contribs/dspy/__init__.py': '',
    'dspy/dist/pyproject.toml': leftover,
    'dspy/.venv/pyproject.toml': leftover
  })
  return dir
}

test('validate-structure reports the unstaged deletion and the untracked stray file, nothing else', async () => {
  const r = await runBundle({ action: 'validate-structure', workspace: maintainersCheckout() })
  expect(r.exitCode).toBe(1)
  const violations = JSON.parse(r.outputs.violations) as { code: string; file: string }[]
  expect(violations.map((v) => `${v.code} ${v.file}`)).toEqual([
    'CA114 crewai/mellea_contribs/__init__.py',
    'CA101 dspy/OWNERS'
  ])
})

test('discover and read-ci-config do not see the ignored build/ folder', async () => {
  const dir = maintainersCheckout()
  const discover = await runBundle({
    action: 'discover',
    event: { name: 'schedule', payload: {} },
    workspace: dir
  })
  expect(discover.exitCode).toBe(0)
  expect(JSON.parse(discover.outputs.matrix)).toEqual(EXAMPLE_PACKAGES)
  const configs = await runBundle({
    action: 'read-ci-config',
    inputs: { packages: 'all' },
    workspace: dir
  })
  expect(configs.exitCode).toBe(0)
  expect(Object.keys(JSON.parse(configs.outputs.configs) as object)).toEqual(EXAMPLE_PACKAGES)
})
