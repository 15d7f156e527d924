// Stories of a bad day on GitHub, through the BUILT bundles against the GitHub emulator: answers
// lost after the write, a close that keeps failing, a text GitHub would refuse, a milestone cut
// in half, a package smoke-reporter recovered while its label stayed on, and settings that cannot
// work. Each ends with nothing written twice and nothing missing.
import { beforeAll, expect, jest, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '@contribs-actions/github-emulator'
import { runBundle } from '@contribs-actions/cli'
import { copyExampleRepo, EXAMPLE_REPO, tempDir } from '../../../test/kit/fixtures.js'
import { DEBUG_LOGGING, debugLines } from '../../../test/kit/step-log.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import {
  everyWriteDue,
  milestonesPosted,
  minimumCheckout,
  openStaleIssue,
  openTrackingIssue,
  OWNER,
  setDay,
  snapshot,
  sweep,
  writes,
  type Octokit,
  withEmulator
} from './helpers.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator
let gh: Octokit
let checkout: string

const COMMENTS = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
const ISSUES = 'POST /repos/{owner}/{repo}/issues'
const PATCH_ISSUE = 'PATCH /repos/{owner}/{repo}/issues/{issue_number}'

withEmulator((started) => ({ emu, gh } = started))
beforeAll(() => {
  checkout = minimumCheckout()
})

const labelsOf = (repo: string, issue: number) => {
  const state = emu.state.repo(OWNER, repo)
  return state.issues
    .find((i) => i.number === issue)!
    .labels.map((id) => state.labels.find((l) => l.id === id)!.name)
    .sort()
}
const commentsOn = (repo: string, issue: number) =>
  emu.state.repo(OWNER, repo).comments.filter((c) => c.issueNumber === issue)

test('every answer lost after the write: each comment and the stale issue are found by their markers, none made twice', async () => {
  const reference = 'lost-none'
  await everyWriteDue(emu, gh, reference)
  await sweep(emu, reference, { workspace: checkout })

  const repo = 'lost-all'
  await everyWriteDue(emu, gh, repo)
  emu.clearRequests()
  emu.addFault({ method: 'POST', route: COMMENTS, kind: 'status', when: 'after', count: 10 })
  emu.addFault({ method: 'POST', route: ISSUES, kind: 'drop', when: 'after' })
  const r = await sweep(emu, repo, { workspace: checkout })
  emu.clearFaults()
  // One POST per comment (three milestones and the closing comment) and one for the issue: a
  // lookup after each lost answer, never a second POST.
  expect(writes(emu, repo).filter((w) => w === COMMENTS)).toHaveLength(4)
  expect(writes(emu, repo).filter((w) => w === ISSUES)).toHaveLength(1)
  expect(r.stdout).toContain('day-7-reminder on #1 (found what an earlier attempt made')
  expect(r.stdout).toContain('open a stale issue for langchain (found what an earlier attempt')
  expect(r.issues.find((i) => i.package === 'langchain')).toMatchObject({
    issue: 3,
    stage: 'opened'
  })
  expect(snapshot(emu, repo)).toEqual(snapshot(emu, reference))
})

test('a stale issue whose close keeps failing: the re-run closes it without commenting again', async () => {
  const repo = 'close-fails'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openStaleIssue(gh, repo, 'dspy')
  setDay(emu, 3)
  // Past every retry of the client.
  emu.addFault({ method: 'PATCH', route: PATCH_ISSUE, kind: 'status', count: 10 })
  const first = await sweep(emu, repo, { workspace: checkout, exitCode: 1 })
  emu.clearFaults()
  expect(first.stdout).toContain(`::error::1 step failed: closed on #${issue}`)
  expect(emu.state.repo(OWNER, repo).issues[0].state).toBe('open')
  expect(commentsOn(repo, issue)).toHaveLength(1)

  emu.clearRequests()
  const again = await sweep(emu, repo, { workspace: checkout, env: DEBUG_LOGGING })
  // (The new stale issue for langchain, opened by the first run, is listed too.)
  expect(again.issues.find((i) => i.issue === issue)).toMatchObject({
    stage: 'closed',
    actions: ['closed']
  })
  expect(debugLines(again.stdout)).toContainEqual(
    expect.stringContaining(
      'its closing comment is there already (an earlier close failed): close only'
    )
  )
  expect(writes(emu, repo)).toEqual([PATCH_ISSUE])
  expect(emu.state.repo(OWNER, repo).issues[0]).toMatchObject({
    state: 'closed',
    stateReason: 'completed'
  })
  expect(commentsOn(repo, issue).map((c) => c.body)).toEqual([
    expect.stringContaining('`dspy` no longer allows mellea versions below the minimum `0.6.0`')
  ])
})

test('a message GitHub would refuse once its placeholders are filled fails the run before any write', async () => {
  const repo = 'too-long'
  await everyWriteDue(emu, gh, repo)
  // Under the limit as given; {problem} and the footer take it over.
  const message = `${'x'.repeat(65_400)} {problem}`
  emu.clearRequests()
  const r = await sweep(emu, repo, {
    workspace: checkout,
    inputs: { 'archive-message': message },
    exitCode: 1
  })
  expect(r.annotations.filter((a) => a.level === 'error')).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(
        /^nothing was written: `archive-message` makes the day-21-archived comment on #1 65,\d{3} characters long \(marker included\); GitHub allows 65,536: shorten `archive-message`$/
      )
    })
  ])
  // Not the reminders due before it either: the archive label is never left without its comment.
  expect(writes(emu, repo)).toEqual([])
  expect(labelsOf(repo, 1)).toEqual(['contribs-broken'])

  await sweep(emu, repo, { workspace: checkout })
  expect(labelsOf(repo, 1)).toEqual(['archived', 'contribs-broken'])
  expect(milestonesPosted(emu, repo, 1).map((m) => m.day)).toEqual([7, 14, 21])
})

test('an archive cut short after its label: the next run posts the final comment alone', async () => {
  const repo = 'half-archived'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'dspy')
  const workspace = tempDir('sweep-ws-')
  setDay(emu, 15)
  await sweep(emu, repo, { workspace })
  setDay(emu, 22)
  // The final comment is refused three times; the label went on before it.
  emu.addFault({ method: 'POST', route: COMMENTS, kind: 'status', count: 3 })
  await sweep(emu, repo, { workspace, exitCode: 1 })
  emu.clearFaults()
  expect(labelsOf(repo, issue)).toEqual(['archived', 'contribs-broken'])
  expect(milestonesPosted(emu, repo, issue).map((m) => m.day)).toEqual([7, 14])

  emu.clearRequests()
  const again = await sweep(emu, repo, { workspace, env: DEBUG_LOGGING })
  expect(again.issues[0]).toMatchObject({ actions: ['day-21-archived'], stage: 'archived' })
  expect(debugLines(again.stdout)).toContain(
    'day-21-archived: due since 2026-01-26 and not posted: comment (label archived is on already)'
  )
  expect(writes(emu, repo)).toEqual([COMMENTS])
  expect(milestonesPosted(emu, repo, issue).map((m) => m.day)).toEqual([7, 14, 21])
})

test('a package smoke-reporter recorded green while its label stayed on is not archived, and the next smoke run takes the label off', async () => {
  const repo = 'recovered'
  await emu.seedRepo({
    owner: OWNER,
    repo,
    files: { 'README.md': '# contribs\n' },
    collaborators: ['octocat']
  })
  let run = 0
  const smoke = (outcome: string) =>
    runBundle({
      action: 'smoke-reporter',
      inputs: { token: 'actions-token', mode: 'record', package: 'dspy', outcome },
      workspace: EXAMPLE_REPO,
      event: { name: 'schedule', payload: { schedule: '17 3 * * *' } },
      env: {
        GITHUB_API_URL: emu.url,
        GITHUB_REPOSITORY: `${OWNER}/${repo}`,
        GITHUB_RUN_ID: String(++run),
        GITHUB_RUN_ATTEMPT: '1',
        CONTRIBS_ACTIONS_TIME_SCALE: '0.01'
      }
    })
  setDay(emu, 0)
  expect((await smoke('failure')).exitCode).toBe(0)
  expect((await smoke('failure')).exitCode).toBe(0)
  const issue = emu.state.repo(OWNER, repo).issues[0].number
  expect(labelsOf(repo, issue)).toEqual(['contribs-broken'])
  // Green on day 1, but removing the label keeps failing: the label stays on.
  setDay(emu, 1)
  emu.addFault({
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
    kind: 'status',
    count: 10
  })
  await smoke('success')
  emu.clearFaults()
  expect(labelsOf(repo, issue)).toEqual(['contribs-broken'])

  const workspace = tempDir('sweep-ws-')
  setDay(emu, 22)
  emu.clearRequests()
  const held = await sweep(emu, repo, { workspace })
  expect(writes(emu, repo)).toEqual([])
  expect(held.issues).toEqual([
    expect.objectContaining({
      issue,
      actions: [],
      stage: 'watching',
      note: expect.stringContaining("held: smoke-reporter's state says `dspy` is green")
    })
  ])
  expect(held.outputs.archived).toBe('[]')
  expect(held.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      message: expect.stringContaining('nothing posted and not archived')
    })
  )

  // The next smoke run finishes the recovery it left pending (the label goes) before it counts
  // its own red, so the sweep has nothing left to time.
  expect((await smoke('failure')).exitCode).toBe(0)
  expect(labelsOf(repo, issue)).toEqual([])
  const next = await sweep(emu, repo, { workspace })
  expect(next.issues).toEqual([])
})

test('archival_days = [7, 7] in the settings table fails naming the file and line, before any request', async () => {
  const bad = copyExampleRepo()
  const file = path.join(bad, 'pyproject.toml')
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      'minimum_upstream_version = "0.5.0"',
      'minimum_upstream_version = "0.5.0"\narchival_days = [7, 7]'
    )
  )
  emu.clearRequests()
  const r = await sweep(emu, 'nowhere', { workspace: bad, exitCode: 1 })
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'error',
      file: 'pyproject.toml',
      line: 31,
      message: expect.stringContaining(
        '[tool.mellea-contribs] archival_days must be a non-empty list of strictly increasing integers >= 0 (got [7,7])'
      )
    })
  ])
  expect(emu.requests()).toEqual([])
})
