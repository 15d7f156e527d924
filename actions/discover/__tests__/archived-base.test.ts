// A pull request (or a merge queue entry) must not take the packages it changes out of its own
// matrix: the archived list and `skip_archived` count only where the base commit agrees. Real git
// repositories built from the example repo; discover's run() in-process, and its bundle once.
import { runBundle } from '@contribs-actions/cli'
import { jest } from '@jest/globals'
import {
  cleanupTempDirs,
  git,
  writeFiles,
  writeLink,
  commitAll
} from '../../../test/kit/fixtures.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { change, discoverIn, exampleRepo, prPayload } from './helpers.js'

afterAll(cleanupTempDirs)
// One test runs the bundle: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const ARCHIVED = '.github/archived.json'
const list = (...names: string[]) => JSON.stringify({ packages: names })
const BREAK_DSPY = { 'dspy/mellea_contribs/dspy/__init__.py': 'raise SystemExit("broken")\n' }

/**
 * The example repo on main with `skip_archived = true` (or not) and an archived list, then a
 * pull request branch; returns the folder and main's commit.
 */
function repoWith(options: { skip: boolean; archived?: string[] }): { dir: string; base: string } {
  const { dir } = exampleRepo()
  const root = git(dir, 'show', 'HEAD:pyproject.toml')
  writeFiles(dir, {
    'pyproject.toml': options.skip ? `${root}\nskip_archived = true\n` : root,
    [ARCHIVED]: options.archived ? list(...options.archived) : null
  })
  const base = commitAll(dir, 'main')
  git(dir, 'checkout', '-q', '-b', 'feature')
  return { dir, base }
}

const warningsOn = (
  findings: { severity: string; file?: string; message: string }[],
  file: string
) => findings.filter((f) => f.severity === 'warning' && f.file === file).map((f) => f.message)

test('a pull request that breaks a package and archives it in the same change still tests it', async () => {
  const { dir, base } = repoWith({ skip: true })
  change(dir, { ...BREAK_DSPY, [ARCHIVED]: list('dspy') })
  const d = await discoverIn(dir, 'pull_request', prPayload(base))
  expect(d.matrix).toEqual(['dspy'])
  expect(d.outputs.skipped).toBe('[]')
  expect(warningsOn(d.result.findings, ARCHIVED)).toEqual([
    `this change adds "dspy" to the archived list; on a pull request or in the merge queue a package is left out only when the base commit ${base.slice(0, 7)} lists it too, so it still runs until the change is merged`
  ])
  // Once merged, a push on main reads its own checkout: dspy is archived there.
  const pushed = await discoverIn(dir, 'push', { before: base, ref: 'refs/heads/main' })
  expect(pushed.matrix).toEqual([])
  expect(JSON.parse(pushed.outputs.skipped)).toEqual([
    { package: 'dspy', reason: 'archived (listed in .github/archived.json)' }
  ])
})

test('the merge queue reads the base the same way', async () => {
  const { dir, base } = repoWith({ skip: true, archived: ['crewai'] })
  change(dir, { ...BREAK_DSPY, 'crewai/README.md': 'x\n', [ARCHIVED]: list('crewai', 'dspy') })
  const d = await discoverIn(dir, 'merge_group', { merge_group: { base_sha: base } })
  // crewai was archived before the change: still left out; dspy was not.
  expect(d.matrix).toEqual(['dspy'])
  expect(JSON.parse(d.outputs.skipped)).toEqual([
    { package: 'crewai', reason: 'archived (listed in .github/archived.json)' }
  ])
})

test('a package taken off the list by the change runs: only what both ends list is left out', async () => {
  const { dir, base } = repoWith({ skip: true, archived: ['crewai', 'langchain'] })
  change(dir, {
    'crewai/README.md': 'fixed\n',
    'langchain/README.md': 'x\n',
    [ARCHIVED]: list('langchain')
  })
  const d = await discoverIn(dir, 'pull_request', prPayload(base))
  expect(d.matrix).toEqual(['crewai'])
  expect(JSON.parse(d.outputs.skipped).map((s: { package: string }) => s.package)).toEqual([
    'langchain'
  ])
})

test('turning skip_archived on in the change takes effect once merged; the input outranks both', async () => {
  const { dir, base } = repoWith({ skip: false, archived: ['crewai'] })
  const root = git(dir, 'show', 'HEAD:pyproject.toml')
  change(dir, { 'crewai/README.md': 'x\n', 'pyproject.toml': `${root}\nskip_archived = true\n` })
  const d = await discoverIn(dir, 'pull_request', prPayload(base))
  expect(d.matrix).toEqual([
    '_integration_core',
    'agent-utilities',
    'citations',
    'crewai',
    'dspy',
    'langchain'
  ])
  expect(d.outputs.skipped).toBe('[]')
  expect(warningsOn(d.result.findings, 'pyproject.toml')).toEqual([
    expect.stringMatching(
      /^this change turns \[tool.mellea-contribs\] skip_archived on; .* so nothing is left out until the change is merged$/
    )
  ])
  // Set in the workflow, the input decides at both ends; the list is still the base's.
  const byInput = await discoverIn(dir, 'pull_request', prPayload(base), {
    'skip-archived': 'true'
  })
  expect(byInput.matrix).not.toContain('crewai')
  expect(warningsOn(byInput.result.findings, 'pyproject.toml')).toEqual([])
})

test('a hostile archived list in the change is refused, naming it', async () => {
  const { dir, base } = repoWith({ skip: true, archived: ['crewai'] })
  writeLink(dir, ARCHIVED, '/dev/zero')
  commitAll(dir, 'hostile')
  await expect(discoverIn(dir, 'pull_request', prPayload(base))).rejects.toMatchObject({
    reason: 'outside',
    file: ARCHIVED
  })
})

test('the bundle: the archive-what-you-break pull request gets its package tested', async () => {
  const { dir, base } = repoWith({ skip: true })
  change(dir, { ...BREAK_DSPY, [ARCHIVED]: list('dspy') })
  const r = await runBundle({
    action: 'discover',
    workspace: dir,
    event: { name: 'pull_request', payload: prPayload(base) }
  })
  expect(r.exitCode).toBe(0)
  expect(JSON.parse(r.outputs.matrix)).toEqual(['dspy'])
  expect(r.outputs.any).toBe('true')
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'warning',
      file: ARCHIVED,
      message: expect.stringContaining('this change adds "dspy" to the archived list')
    })
  ])
})
