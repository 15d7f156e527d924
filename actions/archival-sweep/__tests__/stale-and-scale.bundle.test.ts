// The stale-floor signal over a real checkout, pagination over many tracked issues, and input
// errors, through the BUILT bundle against the GitHub emulator.
import { expect, jest, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Emulator } from '@contribs-actions/github-emulator'
import { runBundle } from '@contribs-actions/cli'
import { trackingMarker } from '@contribs-actions/shared'
import { commitAll, copyExampleRepo, initGitRepo, tempDir } from '../../../test/kit/fixtures.js'
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
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator
let gh: Octokit

withEmulator((started) => ({ emu, gh } = started))

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8')
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`)
  writeFileSync(file, text.replace(from, to))
}

test('stale floor: one contribs-stale issue for a package below the minimum, on the timeline, closed once the floor is raised', async () => {
  const repo = 'stale'
  await emu.seedRepo({ owner: OWNER, repo })
  const checkout = copyExampleRepo()
  // langchain requires mellea>=0.5.0; every other package is at 0.6.0.
  edit(
    path.join(checkout, 'pyproject.toml'),
    'minimum_upstream_version = "0.5.0"',
    'minimum_upstream_version = "0.6.0"'
  )
  initGitRepo(checkout)
  setDay(emu, 0)

  const first = await sweep(emu, repo, { workspace: checkout })
  expect(first.issues).toEqual([
    expect.objectContaining({
      issue: 1,
      package: 'langchain',
      kind: 'stale',
      age_days: 0,
      stage: 'opened',
      actions: ['opened']
    })
  ])
  expect(first.annotations).toContainEqual(
    expect.objectContaining({
      level: 'warning',
      file: 'langchain/pyproject.toml',
      line: 10,
      message: expect.stringContaining('mellea floor >=0.5.0 is below the minimum 0.6.0')
    })
  )
  const state = () => emu.state.repo(OWNER, repo)
  const issue = state().issues[0]
  expect(issue.title).toBe('[contribs-stale] langchain: upstream floor >=0.5.0 is below 0.6.0')
  expect(issue.body).toContain(trackingMarker('langchain', 'stale'))
  expect(issue.body).toContain('@avinash2692')
  expect(state().labels.find((l) => l.name === 'contribs-stale')).toMatchObject({ color: 'fbca04' })

  // Found again by label + marker: no duplicate.
  setDay(emu, 3)
  expect((await sweep(emu, repo, { workspace: checkout })).issues).toEqual([
    expect.objectContaining({ issue: 1, stage: 'watching', actions: [] })
  ])
  setDay(emu, 7)
  const reminded = await sweep(emu, repo, { workspace: checkout })
  expect(reminded.issues[0]).toMatchObject({
    issue: 1,
    actions: ['day-7-reminder'],
    stage: 'reminded'
  })
  expect(milestonesPosted(emu, repo, 1).map((p) => [p.day, p.postedOn])).toEqual([[7, 7]])
  expect(state().comments[0].body).toContain('`mellea>=0.5.0` (langchain/pyproject.toml:10)')

  // The owners raise the floor; the next sweep comments and closes the issue by itself.
  edit(path.join(checkout, 'langchain/pyproject.toml'), '"mellea>=0.5.0"', '"mellea>=0.6.1"')
  commitAll(checkout, 'langchain: require mellea>=0.6.1')
  setDay(emu, 9)
  const closed = await sweep(emu, repo, { workspace: checkout })
  expect(closed.issues).toEqual([
    expect.objectContaining({ issue: 1, stage: 'closed', actions: ['closed'] })
  ])
  expect(state().issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' })
  expect(state().comments.at(-1)!.body).toContain('its requirement is now `mellea>=0.6.1`')

  emu.clearRequests()
  expect((await sweep(emu, repo, { workspace: checkout })).issues).toEqual([])
  expect(writes(emu, repo)).toEqual([])
  expect(state().issues).toHaveLength(1)
})

test('without minimum_upstream_version the stale signal does not run', async () => {
  const repo = 'no-minimum'
  await emu.seedRepo({ owner: OWNER, repo })
  const checkout = copyExampleRepo()
  edit(path.join(checkout, 'pyproject.toml'), 'minimum_upstream_version = "0.5.0"', '')
  edit(path.join(checkout, 'langchain/pyproject.toml'), '"mellea>=0.5.0"', '"mellea>=0.1"')
  emu.clearRequests()
  const r = await sweep(emu, repo, { workspace: checkout })
  expect(r.issues).toEqual([])
  expect(writes(emu, repo)).toEqual([])
  expect(emu.requests().some((q) => q.query.includes('contribs-stale'))).toBe(false)
})

test('pagination: more than 100 tracked issues are all swept; pull requests carrying the label are not', async () => {
  const repo = 'many'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const n = 105
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      openTrackingIssue(gh, repo, `pkg-${String(i).padStart(3, '0')}`)
    )
  )
  await emu.commit({ owner: OWNER, repo, branch: 'fix', files: { 'x.txt': 'x\n' } })
  const pr = await gh.rest.pulls.create({
    owner: OWNER,
    repo,
    title: 'fix',
    head: 'fix',
    base: 'main'
  })
  await gh.rest.issues.addLabels({
    owner: OWNER,
    repo,
    issue_number: pr.data.number,
    labels: ['contribs-broken']
  })
  setDay(emu, 7)
  const r = await sweep(emu, repo, { workspace: tempDir(), inputs: { 'max-operations': '200' } })
  expect(r.issues).toHaveLength(n)
  expect(new Set(r.issues.map((i) => i.package)).size).toBe(n)
  expect(r.issues.every((i) => i.actions.join() === 'day-7-reminder')).toBe(true)
  expect(r.issues.map((i) => i.issue)).not.toContain(pr.data.number)
  const reminded = emu.state.repo(OWNER, repo).comments.filter((c) => c.body.includes('day=7'))
  expect(reminded).toHaveLength(n)
  expect(
    emu
      .requests()
      .some((q) => q.route === 'GET /repos/{owner}/{repo}/issues' && q.query.includes('page=2'))
  ).toBe(true)
})

test('a write GitHub keeps refusing fails the step after the other issues had their turn; the next run catches up', async () => {
  const repo = 'flaky'
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  const a = await openTrackingIssue(gh, repo, 'a-pkg')
  const b = await openTrackingIssue(gh, repo, 'b-pkg')
  setDay(emu, 7)
  // The first comment gets 502 three times. A POST that creates is never retried blindly (it
  // could post twice): each refusal is followed by a lookup of the comment's marker, and after
  // three refusals with nothing found the step fails.
  emu.addFault({
    method: 'POST',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    kind: 'status',
    status: 502,
    count: 3
  })
  const r = await sweep(emu, repo, { workspace: tempDir(), exitCode: 1 })
  expect(r.issues).toEqual([
    expect.objectContaining({ issue: a, actions: [], note: expect.stringContaining('failed') }),
    expect.objectContaining({ issue: b, actions: ['day-7-reminder'] })
  ])
  expect(r.stdout).toContain(`::error::1 step failed: day-7-reminder on #${a}`)
  const again = await sweep(emu, repo, { workspace: tempDir() })
  expect(again.issues.map((i) => i.actions)).toEqual([['day-7-reminder'], []])
  expect(milestonesPosted(emu, repo, a).map((p) => p.day)).toEqual([7])
  expect(milestonesPosted(emu, repo, b).map((p) => p.day)).toEqual([7])
})

test.each([
  [
    'archival-days not a number',
    { 'archival-days': '7, two weeks' },
    'input `archival-days` must list strictly increasing whole days >= 0, e.g. "7, 14, 21" (got "two weeks")'
  ],
  [
    'archival-days 7,7 (not increasing)',
    { 'archival-days': '7,7' },
    'input `archival-days` must list strictly increasing whole days >= 0, e.g. "7, 14, 21" (got 7, 7)'
  ],
  [
    'reminder-message with an unknown placeholder',
    { 'reminder-message': 'Day {day}: {nope} for {package} ({nope})' },
    'input `reminder-message` uses {nope}, which is not a placeholder; it may use {package} {day}'
  ],
  [
    'stale-close-message with a milestone placeholder',
    { 'stale-close-message': '{package}: {day}' },
    'input `stale-close-message` uses {day}, which is not a placeholder; it may use {package} {upstream} {minimum} {resolution}'
  ],
  [
    'archive-message over the comment limit',
    { 'archive-message': 'x'.repeat(70_000) },
    'input `archive-message` is 70,000 characters long; GitHub allows 65,536 in a comment'
  ],
  ['max-operations 0', { 'max-operations': '0' }, 'input `max-operations` must be an integer >= 1'],
  [
    'max-operations 2 (the archive takes 3 writes)',
    { 'max-operations': '2' },
    'input `max-operations` must be at least 3 (got 2): the archive milestone takes up to 3 writes'
  ],
  [
    'minimum-upstream-version not PEP 440',
    { 'minimum-upstream-version': 'latest' },
    'input `minimum-upstream-version` must be a PEP 440 version'
  ],
  ['dry-run not a boolean', { 'dry-run': 'maybe' }, 'input `dry-run` must be true or false']
])(
  'bad input: %s fails before any request, with a clear message',
  async (_name, inputs, message) => {
    emu.clearRequests()
    const r = await runBundle({
      action: 'archival-sweep',
      inputs: { token: 'actions-token', ...inputs },
      workspace: tempDir(),
      env: { GITHUB_API_URL: emu.url, GITHUB_REPOSITORY: `${OWNER}/many` }
    })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain(message)
    expectNoStackTrace(r)
    expect(emu.requests()).toEqual([])
  }
)

test('a minimum that is not PEP 440 in the settings table fails naming the file and line', async () => {
  const checkout = copyExampleRepo()
  edit(
    path.join(checkout, 'pyproject.toml'),
    'minimum_upstream_version = "0.5.0"',
    'minimum_upstream_version = "soon"'
  )
  const r = await runBundle({
    action: 'archival-sweep',
    inputs: { token: 'actions-token' },
    workspace: checkout,
    env: { GITHUB_API_URL: emu.url, GITHUB_REPOSITORY: `${OWNER}/many` }
  })
  expect(r.exitCode).toBe(1)
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'error',
      file: 'pyproject.toml',
      line: 30,
      message: expect.stringContaining(
        'minimum_upstream_version must be a PEP 440 version such as "0.6.0" (got "soon")'
      )
    })
  ])
})
