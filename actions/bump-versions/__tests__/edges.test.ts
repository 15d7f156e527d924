// The stories around the main one, each on its own emulated repository: the pre-flight abort,
// tokens (the Actions-token warning, the "not permitted" refusal, teams and non-collaborators),
// secondary rate limits, a failing lock command, a branch someone else pushed to, the dry run.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { ACTIONS_TOKEN_WARNING } from '@contribs-actions/shared/github'
import { cleanupTempDirs, EXAMPLE_REPO } from '../../../test/kit/fixtures.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  bare,
  branches,
  json,
  LABEL,
  OWNER,
  packagesOf,
  runBump,
  seedExample,
  WAVE1,
  V
} from './kit.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  emu.addTeam(OWNER, 'core-team', ['nrfulton'])
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

const example = (file: string) => readFileSync(path.join(EXAMPLE_REPO, file), 'utf8')
const NO_LOCK = { 'lock-command': '' }

test('a bare upstream dependency in one package aborts the run before anything is written', async () => {
  const s = await seedExample(emu, 'preflight', {
    'dspy/pyproject.toml': example('dspy/pyproject.toml').replace(
      '"mellea[litellm]>=0.6.0"',
      '"mellea[litellm]"'
    ),
    'citations/pyproject.toml': example('citations/pyproject.toml').replace(
      '"mellea>=0.6.0"',
      '"mellea @ git+https://github.com/generative-computing/mellea"'
    )
  })
  emu.clearRequests()
  const r = await runBump(emu, s)
  expect(r.exitCode).toBe(1)
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'error',
      file: 'citations/pyproject.toml',
      line: 10,
      message: expect.stringContaining('is a direct (URL) reference')
    }),
    expect.objectContaining({
      level: 'error',
      file: 'dspy/pyproject.toml',
      line: 10,
      message: expect.stringContaining(
        '"mellea[litellm]" in [project].dependencies has no version constraint'
      )
    }),
    expect.objectContaining({
      level: 'error',
      message: expect.stringContaining('pre-flight check failed, nothing was written')
    })
  ])
  expect(packagesOf(r, 'failed')).toEqual(['citations', 'dspy'])
  expect(branches(s)).toEqual(['main'])
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(emu.state.repo(OWNER, 'preflight').labels.map((l) => l.name)).not.toContain(LABEL)
})

test('the Actions token: a warning, and reviewer refusals (non-collaborator, team) are warnings too', async () => {
  const s = await seedExample(
    emu,
    'actions-token',
    {
      '_integration_core/OWNERS':
        '@nrfulton\n@stranger\n@generative-computing/core-team\n@jakelorocco\n'
    },
    { actionsCanCreatePullRequests: true }
  )
  const r = await runBump(emu, s, {
    inputs: { token: 'actions-token', 'actions-token': 'actions-token', ...NO_LOCK }
  })
  expect(r.exitCode).toBe(0)
  expect(packagesOf(r, 'opened')).toEqual(WAVE1)
  const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
  expect(warnings[0]).toBe(ACTIONS_TOKEN_WARNING)
  expect(warnings[1]).toMatch(
    /^_integration_core: #\d+ is open, but review could not be requested from @stranger \(Reviews may only be requested from collaborators\. .*\); @generative-computing\/core-team \(Validation Failed: .*Could not resolve to a node.*\)\. Teams need a token that can read the organization/
  )
  expect(r.summary).toContain(ACTIONS_TOKEN_WARNING)
  const pr = emu.state
    .repo(OWNER, 'actions-token')
    .pulls.find((p) => p.pull!.head.endsWith('_integration_core'))!
  expect(pr.pull!.requestedReviewers).toEqual(['nrfulton', 'jakelorocco'])
  expect(pr.user).toBe('github-actions[bot]')
  // GitHub starts no workflow for what the default token does.
  const opened = emu
    .requests()
    .filter((q) => q.route === 'POST /repos/{owner}/{repo}/pulls' && q.status === 201)
  expect(opened.every((q) => !q.wouldTriggerWorkflows)).toBe(true)
})

test('"not permitted to create pull requests" names the setting; an App token then resumes', async () => {
  const s = await seedExample(emu, 'not-permitted', {}, { actionsCanCreatePullRequests: false })
  const r = await runBump(emu, s, {
    inputs: { token: 'actions-token', 'actions-token': 'actions-token', ...NO_LOCK }
  })
  expect(r.exitCode).toBe(1)
  expect(r.outputs.reason).toContain(
    'Settings -> Actions -> General -> Workflow permissions -> "Allow GitHub Actions to create and approve pull requests"'
  )
  expect(r.outputs.reason).toContain('GitHub App installation token')
  expect(r.stdout).toContain('::error::GitHub refused to open the pull request')
  expect(json(r, 'opened')).toEqual([])
  expect(packagesOf(r, 'failed')).toEqual(WAVE1)
  // The first branch was made before GitHub refused its PR; the next run opens the PR on it.
  expect(branches(s)).toEqual(['main', `sync-mellea-${V}-_integration_core`])
  const resumed = await runBump(emu, s, { inputs: NO_LOCK })
  expect(resumed.exitCode).toBe(0)
  expect(packagesOf(resumed, 'opened')).toEqual(WAVE1)
  expect(bare(s, 'rev-list', '--count', `main..sync-mellea-${V}-_integration_core`)).toBe('1')
})

test('secondary rate limits on PR creation: every PR still opens', async () => {
  const s = await seedExample(emu, 'rate-limited')
  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/pulls',
    kind: 'secondary',
    count: 4,
    retryAfter: 2
  })
  emu.clearRequests()
  const r = await runBump(emu, s, { inputs: NO_LOCK })
  expect(r.exitCode).toBe(0)
  expect(packagesOf(r, 'opened')).toEqual(WAVE1)
  const pulls = emu.requests().filter((q) => q.route === 'POST /repos/{owner}/{repo}/pulls')
  expect(pulls.map((q) => q.status)).toEqual([403, 403, 403, 403, 201, 201, 201])
  expect(r.stdout).toContain('secondary rate limit on POST')
})

test('a failing lock command skips only its package; a missing one fails each, clearly', async () => {
  const s = await seedExample(emu, 'lock-fails')
  const r = await runBump(emu, s, { env: { FAKE_LOCK_FAIL: 'agent-utilities' } })
  expect(r.exitCode).toBe(1)
  expect(packagesOf(r, 'opened')).toEqual(['_integration_core', 'citations'])
  expect(json(r, 'failed')).toEqual([
    {
      package: 'agent-utilities',
      reason: expect.stringMatching(
        /^lock refresh failed, so no branch or PR: `node .*fake-lock.mjs mellea` exited with 1: error: no solution found when resolving dependencies for agent-utilities$/
      )
    }
  ])
  expect(branches(s)).not.toContain(`sync-mellea-${V}-agent-utilities`)

  const t = await seedExample(emu, 'lock-missing')
  const m = await runBump(emu, t, { inputs: { 'lock-command': 'no-such-locker-xyz lock' } })
  expect(m.exitCode).toBe(1)
  expect(packagesOf(m, 'failed')).toEqual(WAVE1)
  expect((json(m, 'failed') as { reason: string }[])[0].reason).toContain(
    '`no-such-locker-xyz` could not be run'
  )
  expect(branches(t)).toEqual(['main'])
})

test('a bump branch holding someone else’s commit is never overwritten', async () => {
  const s = await seedExample(emu, 'foreign')
  const { sha } = await emu.commit({
    owner: OWNER,
    repo: 'foreign',
    branch: `sync-mellea-${V}-citations`,
    files: { 'citations/pyproject.toml': 'hand edit\n' },
    message: 'wip: my own bump'
  })
  const r = await runBump(emu, s, { inputs: NO_LOCK })
  expect(r.exitCode).toBe(0)
  expect(packagesOf(r, 'opened')).toEqual(['_integration_core', 'agent-utilities'])
  const skipped = json(r, 'skipped') as { package: string; reason: string }[]
  expect(skipped).toEqual([
    {
      package: 'citations',
      reason: expect.stringContaining(
        '("wip: my own bump") is not a bump commit; it is never overwritten'
      )
    }
  ])
  expect(bare(s, 'rev-parse', `sync-mellea-${V}-citations`)).toBe(sha)
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('citations: branch')
    })
  )
})

test('dry run: waves and exact diffs, nothing written; without a token it plans from the checkout', async () => {
  const s = await seedExample(emu, 'dry')
  emu.clearRequests()
  const r = await runBump(emu, s, { inputs: { 'dry-run': 'true' } })
  expect(r.exitCode).toBe(0)
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(branches(s)).toEqual(['main'])
  expect(json(r, 'opened')).toEqual([])
  expect(r.outputs.reason).toContain(
    'would open 3 PRs (_integration_core, agent-utilities, citations); nothing was written'
  )
  expect(r.stdout).toContain('wave 1: _integration_core, agent-utilities, citations')
  expect(r.stdout).toContain('wave 2: crewai, dspy, langchain, mellea-contribs')
  const diff = [
    '--- a/dspy/pyproject.toml',
    '+++ b/dspy/pyproject.toml',
    '@@ -1,6 +1,6 @@',
    ' [project]',
    ' name = "mellea-contribs-dspy"',
    '-version = "0.6.0"',
    '+version = "0.8.0rc1"',
    ' description = "dspy for Mellea"',
    ' readme = "README.md"',
    ' requires-python = ">=3.11"',
    ''
  ].join('\n')
  expect(r.stdout).toContain(diff)
  expect(r.summary).toContain('would open `sync-mellea-0.8.0rc1-citations`')
  const plan = json(r, 'plan') as { edits: { package: string; diff: string }[] }
  expect(plan.edits.find((e) => e.package === 'dspy')!.diff).toBe(diff)

  const offline = await runBump(emu, s, { inputs: { 'dry-run': 'true', token: '' } })
  expect(offline.exitCode).toBe(0)
  expect(offline.outputs.reason).toContain('planned from the checkout alone')
  expect(offline.outputs.plan).toBe(r.outputs.plan)
})
