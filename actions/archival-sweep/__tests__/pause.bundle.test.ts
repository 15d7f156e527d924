// The pause label through the BUILT bundle against the GitHub emulator: while it is on, the
// archival clock stands still, and the time it was on is not counted afterwards.
import { beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { parseArchivalIssues } from '@contribs-actions/shared'
import { tempDir } from '../../../test/kit/fixtures.js'
import {
  milestonesPosted,
  openTrackingIssue,
  OWNER,
  setDay,
  sweep,
  writes,
  type Octokit,
  withEmulator
} from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator
let gh: Octokit
let workspace: string

withEmulator((started) => ({ emu, gh } = started))
beforeAll(() => {
  workspace = tempDir('sweep-pause-')
})

const label = async (repo: string, issue: number, name: string, on: boolean) => {
  if (on)
    await gh.rest.issues.addLabels({ owner: OWNER, repo, issue_number: issue, labels: [name] })
  else await gh.rest.issues.removeLabel({ owner: OWNER, repo, issue_number: issue, name })
}

const pauseComments = (repo: string, issue: number) =>
  emu.state
    .repo(OWNER, repo)
    .comments.filter((c) => c.issueNumber === issue && c.body.includes('contribs-actions:paused'))

test('a pause from day 5 to day 12 moves the day-7 reminder to day 14 of wall time; the issue and the summary say since when it is paused', async () => {
  const repo = 'paused'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'dspy')
  setDay(emu, 5)
  await label(repo, issue, 'contribs-paused', true)

  setDay(emu, 6)
  const first = await sweep(emu, repo, { workspace })
  expect(first.issues[0]).toMatchObject({
    stage: 'paused',
    age_days: 5,
    actions: ['paused'],
    paused_since: '2026-01-10'
  })
  expect(first.summary).toContain('timeline paused since 2026-01-10')
  expect(first.outputs.summary).toContain('timeline paused: dspy since 2026-01-10')
  // The output reads back through the shared definition a release action uses.
  expect(parseArchivalIssues(first.outputs.issues)).toEqual(first.issues)
  const notices = pauseComments(repo, issue)
  expect(notices).toHaveLength(1)
  expect(notices[0].body).toContain('`contribs-paused` is on this issue since 2026-01-10')

  // Wall-clock day 8 and 11 are past day 7, but the clock stands at day 5; the notice is not repeated.
  for (const d of [8, 11]) {
    setDay(emu, d)
    emu.clearRequests()
    const r = await sweep(emu, repo, { workspace })
    expect(r.issues[0]).toMatchObject({ stage: 'paused', age_days: 5, actions: [] })
    expect(writes(emu, repo)).toEqual([])
  }

  setDay(emu, 12)
  await label(repo, issue, 'contribs-paused', false)
  for (const d of [12.5, 13.9]) {
    setDay(emu, d)
    const r = await sweep(emu, repo, { workspace })
    expect(r.issues[0]).toMatchObject({ stage: 'watching', actions: [] })
  }
  setDay(emu, 14)
  const due = await sweep(emu, repo, { workspace })
  expect(due.issues[0]).toMatchObject({
    stage: 'reminded',
    age_days: 7,
    actions: ['day-7-reminder']
  })
  const posted = milestonesPosted(emu, repo, issue)
  expect(posted.map((p) => [p.day, p.postedOn])).toEqual([[7, 14]])
  const reminder = emu.state.repo(OWNER, repo).comments.find((c) => c.body.includes('day=7'))!
  expect(reminder.body).toContain('not counting 7 days paused by `contribs-paused`')
})

test('a second pause in the same episode gets its own notice, and the two pauses add up', async () => {
  const repo = 'paused-twice'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'crewai')
  // Paused day 2-4 and day 6-9: five days not counted, so day 7 of the clock is day 12.
  for (const [on, off] of [
    [2, 4],
    [6, 9]
  ]) {
    setDay(emu, on)
    await label(repo, issue, 'contribs-paused', true)
    setDay(emu, on + 0.5)
    expect((await sweep(emu, repo, { workspace })).issues[0].actions).toEqual(['paused'])
    setDay(emu, off)
    await label(repo, issue, 'contribs-paused', false)
  }
  expect(pauseComments(repo, issue)).toHaveLength(2)
  setDay(emu, 11.9)
  expect((await sweep(emu, repo, { workspace })).issues[0]).toMatchObject({
    actions: [],
    age_days: 6
  })
  setDay(emu, 12)
  expect((await sweep(emu, repo, { workspace })).issues[0].actions).toEqual(['day-7-reminder'])
})
