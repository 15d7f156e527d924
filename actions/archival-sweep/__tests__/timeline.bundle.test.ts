// The archival timeline told through the BUILT bundle against the GitHub emulator, whose clock is
// moved between sweeps: milestones follow the label event's wall-clock age, whatever the schedule.
import { beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { tempDir } from '../../../test/kit/fixtures.js'
import { DEBUG_LOGGING, debugLines, groupTitles, stepLines } from '../../../test/kit/step-log.js'
import {
  client,
  DAY,
  milestonesPosted,
  openTrackingIssue,
  OWNER,
  setDay,
  sweep,
  T0,
  writes,
  type Octokit,
  withEmulator
} from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator
let gh: Octokit
let workspace: string

withEmulator((started) => ({ emu, gh } = started))
beforeAll(() => {
  // No checkout settings: the defaults (contribs-broken, archived, days 7/14/21) apply.
  workspace = tempDir('sweep-ws-')
})

test('30 days, sweeping twice a week with one week dropped: each milestone once, on the first sweep at or after its day', async () => {
  const repo = 'twice-weekly'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'dspy')
  const bot = client(emu, 'actions-token')
  const app = client(emu, 'app-token')

  // Mondays and Thursdays; the week after day 18 has no sweep at all (schedule dropped).
  const sweepDays = [1, 4, 8, 11, 15, 18, 25, 29]
  const byDay = new Map<number, string[]>()
  const logOn = new Map<number, string>()
  for (const d of sweepDays) {
    setDay(emu, d + 0.25)
    const r = await sweep(emu, repo, { workspace, env: DEBUG_LOGGING })
    byDay.set(d, r.issues[0].actions)
    logOn.set(d, r.stdout)
    if (d === 8) {
      // A re-run on the same day posts nothing.
      emu.clearRequests()
      const again = await sweep(emu, repo, { workspace })
      expect(again.issues[0]).toMatchObject({ actions: [], stage: 'reminded', age_days: 8 })
      expect(writes(emu, repo)).toEqual([])
    }
    // Bot and human activity between sweeps bumps updated_at; it must not move the clock.
    setDay(emu, d + 1)
    await bot.rest.issues.createComment({
      owner: OWNER,
      repo,
      issue_number: issue,
      body: 'ci: still red'
    })
    await app.rest.issues.createComment({
      owner: OWNER,
      repo,
      issue_number: issue,
      body: 'bot ping'
    })
    if (d === 11)
      await gh.rest.issues.createComment({
        owner: OWNER,
        repo,
        issue_number: issue,
        body: 'looking into it'
      })
  }

  expect(Object.fromEntries(byDay)).toEqual({
    1: [],
    4: [],
    8: ['day-7-reminder'],
    11: [],
    15: ['day-14-notice'],
    18: [],
    25: ['day-21-archived'],
    29: []
  })
  // The log: a closed group per issue with why each milestone is or is not due; the writes after.
  expect(groupTitles(logOn.get(8)!)).toEqual(['Open issues', `#${issue} dspy (tracking, day 8)`])
  expect(debugLines(logOn.get(8)!).slice(1)).toEqual([
    'day-7-reminder: due since 2026-01-12 and not posted: comment',
    'day-14-notice: not due until 2026-01-19',
    'day-21-archived: not due until 2026-01-26'
  ])
  expect(stepLines(logOn.get(8)!)).toContain(`day-7-reminder on #${issue}`)
  expect(debugLines(logOn.get(25)!).slice(1)).toEqual([
    'day-7-reminder: posted already in this episode',
    'day-14-notice: posted already in this episode',
    'day-21-archived: due since 2026-01-26 and not posted: label archived and comment'
  ])
  const posted = milestonesPosted(emu, repo, issue)
  expect(posted.map((p) => [p.day, p.postedOn, p.user])).toEqual([
    [7, 8.25, 'github-actions[bot]'],
    [14, 15.25, 'github-actions[bot]'],
    [21, 25.25, 'github-actions[bot]']
  ])
  expect(new Set(posted.map((p) => p.episode)).size).toBe(1)
  const state = emu.state.repo(OWNER, repo)
  const labels = state.issues
    .find((i) => i.number === issue)!
    .labels.map((id) => state.labels.find((l) => l.id === id)!.name)
  expect(labels.sort()).toEqual(['archived', 'contribs-broken'])
  expect(state.labels.find((l) => l.name === 'archived')).toMatchObject({ color: '6a737d' })
})

test('archived packages are reported with stage `archived`, in the outputs and the summary', async () => {
  setDay(emu, 30)
  const r = await sweep(emu, 'twice-weekly', { workspace })
  expect(r.issues).toEqual([
    expect.objectContaining({ package: 'dspy', kind: 'tracking', stage: 'archived', actions: [] })
  ])
  expect(JSON.parse(r.outputs.archived)).toEqual(['dspy'])
  expect(r.summary).toMatch(
    /\| \[#1\]\(.*\/issues\/1\) \| `dspy` \| tracking \| 30 \| archived \| — \|/
  )
})

test('GitHub failing mid-run: what was logged before, the group closed, then one ::error:: line naming the call (its stack only with debug logging)', async () => {
  setDay(emu, 31)
  const EVENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/events'
  const failing = async (env: Record<string, string> = {}) => {
    emu.addFault({ method: 'GET', route: EVENTS, kind: 'status', status: 502, count: 8 })
    try {
      return await sweep(emu, 'twice-weekly', { workspace, exitCode: 1, env })
    } finally {
      emu.clearFaults()
    }
  }
  const r = await failing()
  expect(stepLines(r.stdout)).toEqual([
    // the token is masked before the first call
    '::add-mask::actions-token',
    '::group::Open issues',
    '1 open issue labelled contribs-broken',
    '::endgroup::',
    '::error::GitHub call failed: GET /repos/acme/twice-weekly/issues/1/events: HTTP 502 Server Error; GitHub failed, a re-run usually passes'
  ])
  expect(r.stdout).not.toMatch(/\s+at /)

  const debug = await failing({ RUNNER_DEBUG: '1' })
  expect(stepLines(debug.stdout).at(-1)).toMatch(
    /^::error::GitHub call failed: GET .*%0AHttpError: .*%0A\s+at /
  )
})

test('label removed on day 10 and re-applied on day 12: the clock restarts (new reminder on day 19, not earlier)', async () => {
  const repo = 'relabel'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'crewai')
  const run = async (d: number) => {
    setDay(emu, d)
    return sweep(emu, repo, { workspace })
  }
  expect((await run(8)).issues[0].actions).toEqual(['day-7-reminder'])
  setDay(emu, 10)
  await gh.rest.issues.removeLabel({
    owner: OWNER,
    repo,
    issue_number: issue,
    name: 'contribs-broken'
  })
  expect((await run(11)).issues).toEqual([]) // not tracked: the clock is stopped
  setDay(emu, 12)
  await gh.rest.issues.addLabels({
    owner: OWNER,
    repo,
    issue_number: issue,
    labels: ['contribs-broken']
  })
  for (const d of [13, 16, 18.9]) {
    const r = await run(d)
    // The old episode's day 14 is never posted; the new one is not 7 days old yet.
    expect(r.issues[0]).toMatchObject({
      actions: [],
      stage: 'watching',
      age_days: Math.floor(d - 12)
    })
  }
  expect((await run(19)).issues[0]).toMatchObject({ actions: ['day-7-reminder'], age_days: 7 })
  const posted = milestonesPosted(emu, repo, issue)
  expect(posted.map((p) => [p.day, p.postedOn])).toEqual([
    [7, 8],
    [7, 19]
  ])
  expect(posted[0].episode).not.toBe(posted[1].episode)
})

test('a late sweep posts every due milestone in order, once (day 16 after none since day 3)', async () => {
  const repo = 'late'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'langchain')
  setDay(emu, 3)
  expect((await sweep(emu, repo, { workspace })).issues[0].actions).toEqual([])
  setDay(emu, 16)
  const r = await sweep(emu, repo, { workspace })
  expect(r.issues[0]).toMatchObject({
    actions: ['day-7-reminder', 'day-14-notice'],
    stage: 'release-notes',
    age_days: 16
  })
  expect(milestonesPosted(emu, repo, issue).map((p) => [p.day, p.postedOn])).toEqual([
    [7, 16],
    [14, 16]
  ])
  const notice = emu.state.repo(OWNER, repo).comments.find((c) => c.body.includes('day=14'))!
  expect(notice.body).toContain('named in the next release notes')
  expect(notice.body).toContain('`langchain`')
})

test("a stranger's comment copying the milestone markers stops nothing: each milestone is still posted, the label put on", async () => {
  const repo = 'copied-markers'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'crewai')
  setDay(emu, 8)
  await sweep(emu, repo, { workspace })
  const [reminder] = milestonesPosted(emu, repo, issue)
  // Anyone may comment on a public repository's issue, markers and all.
  emu.addToken({ token: 'stranger-token', kind: 'user', login: 'mallory' })
  const stranger = client(emu, 'stranger-token')
  for (const day of [14, 21])
    await stranger.rest.issues.createComment({
      owner: OWNER,
      repo,
      issue_number: issue,
      body: `done already\n<!-- contribs-actions:milestone day=${day} episode=${reminder.episode} -->`
    })
  setDay(emu, 22)
  const r = await sweep(emu, repo, { workspace })
  expect(r.issues[0]).toMatchObject({
    actions: ['day-14-notice', 'day-21-archived'],
    stage: 'archived'
  })
  const ours = milestonesPosted(emu, repo, issue).filter((p) => p.user !== 'mallory')
  expect(ours.map((p) => p.day)).toEqual([7, 14, 21])
  const { data } = await gh.rest.issues.get({ owner: OWNER, repo, issue_number: issue })
  expect(data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toContain('archived')
})

test('max-operations caps the writes, warns, and the next run finishes the rest', async () => {
  const repo = 'budget'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issues = []
  for (const pkg of ['a-pkg', 'b-pkg', 'c-pkg']) issues.push(await openTrackingIssue(gh, repo, pkg))
  setDay(emu, 15)
  emu.clearRequests()
  const first = await sweep(emu, repo, { workspace, inputs: { 'max-operations': '4' } })
  expect(writes(emu, repo)).toHaveLength(4)
  // Oldest due first: every day-7 reminder, then the first day-14 notice.
  expect(first.issues.map((i) => [i.actions, i.pending])).toEqual([
    [['day-7-reminder', 'day-14-notice'], []],
    [['day-7-reminder'], ['day-14-notice']],
    [['day-7-reminder'], ['day-14-notice']]
  ])
  expect(first.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('max-operations (4) reached: 2 steps left for the next run')
    })
  )
  expect(first.summary).toContain('max-operations (4) reached')

  const second = await sweep(emu, repo, { workspace })
  expect(second.issues.map((i) => i.actions)).toEqual([[], ['day-14-notice'], ['day-14-notice']])
  for (const n of issues) expect(milestonesPosted(emu, repo, n).map((p) => p.day)).toEqual([7, 14])
})

test('dry-run prints the plan and writes nothing', async () => {
  const repo = 'dry'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'citations')
  setDay(emu, 22)
  emu.clearRequests()
  const dry = await sweep(emu, repo, { workspace, inputs: { 'dry-run': 'true' } })
  expect(writes(emu, repo)).toEqual([])
  expect(dry.issues[0]).toMatchObject({
    actions: ['day-7-reminder', 'day-14-notice', 'day-21-archived'],
    stage: 'archived'
  })
  expect(dry.stdout).toContain(`would day-21-archived on #${issue}`)
  expect(dry.outputs.summary).toMatch(/^dry run: .*would post 3 milestones \(5 writes\)/)
  expect(milestonesPosted(emu, repo, issue)).toEqual([])
  expect(emu.state.repo(OWNER, repo).labels.map((l) => l.name)).toEqual(['contribs-broken'])

  const real = await sweep(emu, repo, { workspace })
  expect(real.issues[0].actions).toEqual(dry.issues[0].actions)
  expect(milestonesPosted(emu, repo, issue).map((p) => p.day)).toEqual([7, 14, 21])
})

test('an issue labelled by hand without a marker is read from its title; one naming no package is skipped', async () => {
  const repo = 'by-hand'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const titled = await gh.rest.issues.create({
    owner: OWNER,
    repo,
    title: '[contribs-broken] agent-utilities: import error on main',
    labels: ['contribs-broken']
  })
  await gh.rest.issues.create({
    owner: OWNER,
    repo,
    title: 'something is off',
    labels: ['contribs-broken']
  })
  setDay(emu, 7)
  const r = await sweep(emu, repo, { workspace })
  expect(r.issues).toEqual([
    expect.objectContaining({
      issue: titled.data.number,
      package: 'agent-utilities',
      actions: ['day-7-reminder']
    }),
    expect.objectContaining({
      package: null,
      stage: 'skipped',
      actions: [],
      note: expect.stringContaining('names no package')
    })
  ])
  expect(Date.parse(emu.now()) - Date.parse(T0)).toBe(7 * DAY)
})
