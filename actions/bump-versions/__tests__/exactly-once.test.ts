// Every bump branch and PR is made once and made complete: a create whose answer is lost is found
// and adopted, a PR without its version label or review requests is completed by the next run,
// and a run that cannot complete one fails. Each story runs the built bundle against its own
// emulated repository and compares what GitHub holds with a run that met no fault.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { cleanupTempDirs } from '../../../test/kit/fixtures.js'
import {
  bumpState,
  client,
  exampleSource,
  json,
  LABEL,
  OWNER,
  packagesOf,
  runBump,
  seedFrom,
  Seeded,
  WAVE1,
  V
} from './kit.js'
import { jest } from '@jest/globals'
import { mapLimit } from '@contribs-actions/shared'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const NO_LOCK = { inputs: { 'lock-command': '' } }
let emu: Emulator
let source: string
/** What a run that met no fault left on GitHub. */
let expected: ReturnType<typeof bumpState>

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  source = exampleSource()
  const s = await seedFrom(emu, source, 'fault-free')
  const r = await runBump(emu, s, NO_LOCK)
  expect(r.exitCode).toBe(0)
  expected = bumpState(emu, s)
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

const seed = (repo: string) => seedFrom(emu, source, repo)
const pullsOf = (s: Seeded) => emu.state.repo(OWNER, s.repo).pulls
const writesTo = (route: string) =>
  emu.requests().filter((q) => q.route === `POST /repos/{owner}/{repo}/${route}`)

test('the fault-free run: one branch and one labelled PR per package, reviewers asked', () => {
  expect(expected.branches).toHaveLength(WAVE1.length)
  expect(expected.pulls.map((p) => p.head)).toEqual(WAVE1.map((p) => `sync-mellea-${V}-${p}`))
  for (const p of expected.pulls) expect(p.labels).toEqual([LABEL])
  expect(expected.pulls[0].reviewers).toEqual(['jakelorocco', 'nrfulton'])
})

test('the answer to creating a branch is lost: the branch is found and its PR opened', async () => {
  const s = await seed('ref-lost')
  emu.clearRequests()
  emu.addFault({
    method: 'POST',
    route: '/repos/{owner}/{repo}/git/refs',
    kind: 'status',
    when: 'after'
  })
  const r = await runBump(emu, s, NO_LOCK)
  expect(r.exitCode).toBe(0)
  expect(packagesOf(r, 'opened')).toEqual(WAVE1)
  expect(bumpState(emu, s)).toEqual(expected)
  // The lost create was not sent again: the branch was looked up instead.
  expect(writesTo('git/refs').map((q) => q.status)).toEqual([502, 201, 201])
})

test('the connection drops after GitHub opened the PR: the PR is found, labelled and reviewers asked', async () => {
  const s = await seed('pull-lost')
  emu.clearRequests()
  emu.addFault({
    method: 'POST',
    route: '/repos/{owner}/{repo}/pulls',
    kind: 'drop',
    when: 'after'
  })
  const r = await runBump(emu, s, NO_LOCK)
  expect(r.exitCode).toBe(0)
  expect(packagesOf(r, 'opened')).toEqual(WAVE1)
  expect(r.stdout).toMatch(/^_integration_core: opened #\d+ .*\(found after its creation failed/m)
  expect(bumpState(emu, s)).toEqual(expected)
  expect(writesTo('pulls')).toHaveLength(3)
})

test('a label that cannot be added fails the step; the next run adds it', async () => {
  const s = await seed('label-fails')
  // The first try and the client's three retries.
  emu.addFault({
    method: 'POST',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    kind: 'status',
    count: 4
  })
  const r = await runBump(emu, s, NO_LOCK)
  expect(r.exitCode).toBe(1)
  expect(packagesOf(r, 'opened')).toEqual(['agent-utilities', 'citations'])
  expect(json(r, 'failed')).toEqual([
    {
      package: '_integration_core',
      reason: expect.stringMatching(
        new RegExp(
          `^#\\d+ is open, but the label ${LABEL} could not be added \\(.*Server Error.*\\); the next run adds what is missing$`
        )
      )
    }
  ])
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'error',
      message: expect.stringContaining('_integration_core')
    })
  )
  const core = pullsOf(s).find((p) => p.pull!.head.endsWith('_integration_core'))!
  expect(core.labels).toEqual([])

  emu.clearRequests()
  const again = await runBump(emu, s, NO_LOCK)
  expect(again.exitCode).toBe(0)
  expect(again.stdout).toContain(`_integration_core: added the label ${LABEL} to #${core.number}`)
  expect(json(again, 'skipped')).toContainEqual(
    expect.objectContaining({
      package: '_integration_core',
      reason: `bump PR #${core.number} is open (completed)`
    })
  )
  expect(bumpState(emu, s)).toEqual(expected)
  // Only the label: the reviewers were asked the first time and are not asked twice.
  expect(
    emu
      .requests()
      .filter((q) => q.write)
      .map((q) => q.route)
  ).toEqual([
    'POST /repos/{owner}/{repo}/labels',
    'POST /repos/{owner}/{repo}/issues/{issue_number}/labels'
  ])
})

test('review requests that cannot be made fail the step; the next run makes them', async () => {
  const s = await seed('reviewers-fail')
  emu.addFault({
    method: 'POST',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    kind: 'status',
    status: 503,
    count: 4
  })
  const r = await runBump(emu, s, NO_LOCK)
  expect(r.exitCode).toBe(1)
  expect(json(r, 'failed')).toEqual([
    {
      package: '_integration_core',
      reason: expect.stringMatching(
        /^#\d+ is open, but review could not be requested from @nrfulton, @jakelorocco \(.*Service Unavailable.*\); the next run adds what is missing$/
      )
    }
  ])
  const again = await runBump(emu, s, NO_LOCK)
  expect(again.exitCode).toBe(0)
  expect(again.stdout).toContain('_integration_core: review requested from @nrfulton, @jakelorocco')
  expect(bumpState(emu, s)).toEqual(expected)
})

test('a branch left without its PR gets one; a PR opened by hand from it is completed', async () => {
  const s = await seed('no-pull')
  // Three tries, each failing before GitHub does anything: the first package keeps its branch only.
  emu.addFault({ method: 'POST', route: '/repos/{owner}/{repo}/pulls', kind: 'status', count: 3 })
  const r = await runBump(emu, s, NO_LOCK)
  expect(r.exitCode).toBe(1)
  expect(packagesOf(r, 'failed')).toEqual(['_integration_core'])
  expect(pullsOf(s).map((p) => p.pull!.head)).not.toContain(`sync-mellea-${V}-_integration_core`)
  const again = await runBump(emu, s, NO_LOCK)
  expect(again.exitCode).toBe(0)
  expect(packagesOf(again, 'opened')).toEqual(['_integration_core'])
  expect(bumpState(emu, s)).toEqual(expected)

  // A maintainer closes the PR and opens their own from the same branch, without the label.
  const t = await seed('by-hand')
  emu.addFault({ method: 'POST', route: '/repos/{owner}/{repo}/pulls', kind: 'status', count: 3 })
  expect((await runBump(emu, t, NO_LOCK)).exitCode).toBe(1)
  const { data: mine } = await client(emu).rest.pulls.create({
    owner: OWNER,
    repo: t.repo,
    head: `sync-mellea-${V}-_integration_core`,
    base: 'main',
    title: 'bump by hand'
  })
  const fixed = await runBump(emu, t, NO_LOCK)
  expect(fixed.exitCode).toBe(0)
  const pr = pullsOf(t).find((p) => p.number === mine.number)!
  expect(pr.labels.length).toBe(1)
  expect(pr.pull!.requestedReviewers).toEqual(['nrfulton', 'jakelorocco'])
  expect(pullsOf(t)).toHaveLength(WAVE1.length)
})

test('twenty runs overlapping: one branch and one complete PR per package', async () => {
  const s = await seed('racing')
  // Ten at a time, as many as two busy cores start at once: the first ten all race.
  const runs = await mapLimit(Array.from({ length: 20 }), 2 * BUNDLES_AT_ONCE, () =>
    runBump(emu, s, NO_LOCK)
  )
  expect(runs.map((r) => r.exitCode)).toEqual(Array(20).fill(0))
  expect(bumpState(emu, s)).toEqual(expected)
})
