// Sweeps that overlap (a manual run while the schedule fires, a re-run beside a late run), through
// the BUILT bundle against the GitHub emulator: they share one lease, so every milestone, label
// and pull request is written once, nothing is lost, and a sweep after them writes nothing.
import { expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { copyExampleRepo } from '../../../test/kit/fixtures.js'
import {
  leaseWrites,
  milestonesPosted,
  openTrackingIssue,
  OWNER,
  seedExampleRepo,
  setDay,
  snapshot,
  sweep,
  writes,
  type Octokit,
  withEmulator
} from './helpers.js'
import { mapLimit } from '@contribs-actions/shared'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS * 4)

let emu: Emulator
let gh: Octokit

withEmulator((started) => ({ emu, gh } = started))

// Twenty overlapping writers, as many at a time as two busy cores start without burying the
// emulator: the first ones all race for the lease, the later ones meet it held or the work done.
const RUNS = 20
const AT_ONCE = 2 * BUNDLES_AT_ONCE
const INPUTS = { 'archive-changes': 'pull-request', token: 'app-token' }
const PACKAGES = ['dspy', 'crewai', 'langchain']

test(`${RUNS} overlapping sweeps: 0 duplicates, 0 lost, and the sweep after them writes nothing`, async () => {
  const repo = 'overlap'
  const checkout = await seedExampleRepo(emu, repo)
  setDay(emu, 0)
  const issues: number[] = []
  for (const pkg of PACKAGES) issues.push(await openTrackingIssue(gh, repo, pkg))
  setDay(emu, 22)
  emu.clearRequests()

  const runs = await mapLimit(
    Array.from({ length: RUNS }, (_, k) => 100 + k),
    AT_ONCE,
    (runId) =>
      sweep(emu, repo, {
        workspace: checkout,
        inputs: INPUTS,
        env: { GITHUB_RUN_ID: String(runId) }
      })
  )
  // Every run ends cleanly: it wrote, found nothing left, or left the work to the holder.
  expect(runs.map((r) => r.exitCode)).toEqual(Array(RUNS).fill(0))

  // Each milestone once per issue, one archive label each, one archive pull request each.
  for (const issue of issues)
    expect(milestonesPosted(emu, repo, issue).map((m) => m.day)).toEqual([7, 14, 21])
  const state = snapshot(emu, repo)
  for (const i of state.issues.filter((x) => issues.includes(x.number))) {
    expect(i.labels).toEqual(['archived', 'contribs-broken'])
    expect(i.comments).toHaveLength(3)
  }
  const pulls = (await gh.rest.pulls.list({ owner: OWNER, repo, state: 'all' })).data
  expect(pulls.map((p) => p.head.ref).sort()).toEqual(
    PACKAGES.map((p) => `contribs-archive/${p}`).sort()
  )
  expect(
    writes(emu, repo).filter(
      (w) => w === 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
    )
  ).toHaveLength(3 * PACKAGES.length)
  // Some runs found the lease held and left their work to the holder.
  expect(
    runs.filter((r) => r.outputs.summary.includes('another archival sweep')).length
  ).toBeGreaterThan(0)
  // The lease was taken and given back: the file holds none now.
  expect(leaseWrites(emu, repo).length).toBeGreaterThanOrEqual(2)
  const { data: file } = await gh.rest.repos.getContent({
    owner: OWNER,
    repo,
    path: '.github/bot-state/archival-sweep.lease',
    ref: 'bot-state/auto-issue-bot'
  })
  const text = Buffer.from((file as { content: string }).content, 'base64').toString('utf8')
  expect(JSON.parse(text)).toEqual({})

  // Nothing was left for later: the next sweep writes nothing, not even the lease.
  emu.clearRequests()
  const after = await sweep(emu, repo, { workspace: checkout, inputs: INPUTS })
  expect(after.issues.map((i) => [i.package, i.stage, i.actions])).toEqual(
    PACKAGES.map((p) => [p, 'archived', []])
  )
  expect(writes(emu, repo)).toEqual([])
  expect(leaseWrites(emu, repo)).toEqual([])
})

test('a lease held by a live run that is not this one: the sweep leaves the work to it; once expired, it takes over', async () => {
  const repo = 'held-lease'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'dspy')
  setDay(emu, 8)
  // Another sweep's lease, as its file holds it, taken a minute ago.
  const lease = {
    run: '999/1',
    token: 'abcd1234',
    at: new Date(Date.parse(emu.now()) - 60_000).toISOString()
  }
  await emu.commit({
    owner: OWNER,
    repo,
    branch: 'bot-state/auto-issue-bot',
    files: { '.github/bot-state/archival-sweep.lease': JSON.stringify({ lease }) }
  })
  const workspace = copyExampleRepo()
  const deferred = await sweep(emu, repo, { workspace })
  expect(deferred.outputs.summary).toContain('another archival sweep (run 999/1')
  expect(deferred.issues[0]).toMatchObject({ actions: [], pending: ['day-7-reminder'] })
  expect(milestonesPosted(emu, repo, issue)).toEqual([])

  // The holder died: 15 minutes without a renewal and the lease is taken over.
  setDay(emu, 8 + 16 / (24 * 60))
  const took = await sweep(emu, repo, { workspace })
  expect(took.issues[0].actions).toEqual(['day-7-reminder'])
  expect(milestonesPosted(emu, repo, issue).map((m) => m.day)).toEqual([7])
})

test('a token that may not write contents still sweeps, and says in the log that it is not coordinated', async () => {
  const repo = 'read-only-contents'
  await emu.seedRepo({ owner: OWNER, repo })
  emu.addToken({
    token: 'issues-only',
    kind: 'actions',
    login: 'github-actions[bot]',
    permissions: { contents: 'read', issues: 'write', metadata: 'read' }
  })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'dspy')
  setDay(emu, 8)
  const r = await sweep(emu, repo, {
    workspace: copyExampleRepo(),
    inputs: { token: 'issues-only', 'actions-token': 'issues-only' }
  })
  expect(r.issues[0].actions).toEqual(['day-7-reminder'])
  expect(milestonesPosted(emu, repo, issue).map((m) => m.day)).toEqual([7])
  expect(r.stdout).toContain('the token may not write the lease file on the state branch')
  expect(r.stdout).not.toMatch(/::warning/)
})

/** Waits (real time, in small steps) until the emulator has answered a request with `fault`. */
async function untilFault(kind: string): Promise<void> {
  while (!emu.requests().some((q) => q.fault === kind))
    await new Promise((ok) => setTimeout(ok, 50))
}

test('a sweep held up by a rate limit past its lease sends nothing once another sweep took over', async () => {
  const repo = 'lease-takeover'
  const checkout = await seedExampleRepo(emu, repo)
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'dspy')
  setDay(emu, 8)
  emu.clearRequests()
  // Sweep 1 takes the lease; posting the day-7 reminder meets a secondary rate limit asking for
  // 500 s (5 s here). GitHub's clock moves past the 15-minute lease meanwhile, and sweep 2 takes
  // it over and posts the reminder.
  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    kind: 'secondary',
    retryAfter: 500
  })
  const held = sweep(emu, repo, {
    workspace: checkout,
    inputs: INPUTS,
    env: { GITHUB_RUN_ID: '1' },
    exitCode: 'any'
  })
  await untilFault('secondary')
  emu.advance({ minutes: 16 })
  const taker = await sweep(emu, repo, {
    workspace: checkout,
    inputs: INPUTS,
    env: { GITHUB_RUN_ID: '2' }
  })
  const late = await held
  expect(taker.issues.map((i) => [i.package, i.actions])).toEqual([['dspy', ['day-7-reminder']]])
  // Sweep 1's retry met the fence: not sent, a warning, no failure.
  expect(late.exitCode).toBe(0)
  expect(late.annotations).toEqual([
    expect.objectContaining({
      level: 'warning',
      message: expect.stringMatching(
        /^the archival sweep: the lease was taken over.*; this run sent nothing after that$/
      )
    })
  ])
  expect(late.issues.map((i) => [i.package, i.actions, i.pending])).toEqual([
    ['dspy', [], ['day-7-reminder']]
  ])
  expect(milestonesPosted(emu, repo, issue).map((m) => m.day)).toEqual([7])
  expectNoStackTrace(late)
  // Nothing is left: the next sweep writes nothing.
  emu.clearRequests()
  await sweep(emu, repo, { workspace: checkout, inputs: INPUTS })
  expect(writes(emu, repo)).toEqual([])
})
