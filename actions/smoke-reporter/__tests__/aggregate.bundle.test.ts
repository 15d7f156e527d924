// Aggregate mode through the BUILT bundle against the GitHub emulator: the lifecycle of a tracking
// issue, Python-version matrices, cancelled legs, duplicate reports, assignee rejection, one commit
// per run, and request counts that follow the changed packages.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { trackingMarker } from '@contribs-actions/shared'
import { DEBUG_LOGGING, debugLines, groupTitles, stepLines } from '../../../test/kit/step-log.js'
import { CLEAN_TEXT } from '../src/state.js'
import {
  commitCount,
  emulator,
  legs,
  ok,
  OWNER,
  outputs,
  report,
  seed,
  stateFile,
  stateText
} from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator

beforeAll(async () => {
  emu = await emulator()
})
afterAll(async () => {
  await emu.close()
})

const DAY = 86_400_000
const atDay = (d: number) => emu.setNow(new Date(Date.parse('2026-01-05T03:30:00Z') + d * DAY))

/** Seeds run `id` with one leg per package (two for a [3.11, 3.12] pair) and reports it. */
async function nightly(
  repo: string,
  id: number,
  results: Parameters<typeof legs>[0],
  extra: Partial<Parameters<typeof report>[2]> = {}
) {
  emu.seedRun(OWNER, repo, {
    id,
    attempt: extra.attempt ?? 1,
    name: 'smoke',
    event: 'schedule',
    jobs: legs(results)
  })
  // Debug logging on (the runner's RUNNER_DEBUG), so the log holds why each package is quiet.
  return ok(await report(emu, repo, { runId: id, env: DEBUG_LOGGING, ...extra }))
}

test('red, red (issue), red (comment), same run again, green (recovery), red, red (a new issue)', async () => {
  const repo = 'story'
  const gitDir = await seed(emu, repo)
  const view = () => emu.state.repo(OWNER, repo)
  atDay(0)

  // Night 1: crewai red, dspy green. One commit (crewai's file), no issue yet.
  let r = await nightly(repo, 101, { crewai: 'failure', dspy: 'success' })
  expect(outputs(r)).toMatchObject({ red: ['crewai'], green: ['dspy'], opened: [], commented: [] })
  expect(stateFile(gitDir, 'crewai')).toMatchObject({
    consecutive_failures: 1,
    last_failure_run_url: 'https://github.com/acme/story/actions/runs/101',
    open_issue_number: null,
    red_since: '2026-01-05',
    last_counted_run: '101/1'
  })
  expect(stateFile(gitDir, 'dspy')).toBeUndefined() // green on no state: nothing written
  expect(view().issues).toHaveLength(0)
  const commits1 = commitCount(gitDir)
  expect(commits1).toBe(2) // the default branch's initial commit + one state commit

  // Night 2: red again -> the tracking issue, with the individual owner assigned and the team mentioned.
  atDay(1)
  r = await nightly(repo, 102, { crewai: 'failure', dspy: 'success' })
  const opened = outputs(r).opened
  expect(opened).toEqual([expect.objectContaining({ package: 'crewai', issue: 1 })])
  let issue = view().issues[0]
  expect(issue.title).toBe('[contribs-broken] crewai: smoke red since 2026-01-05')
  expect(issue.assignees).toEqual(['HendrikStrobelt'])
  expect(issue.body).toContain('@generative-computing/crewai-maintainers')
  expect(issue.body).toContain('@HendrikStrobelt')
  expect(issue.body).toContain('https://github.com/acme/story/actions/runs/102')
  expect(issue.body).toContain('day 7')
  expect(issue.body).toContain('day 21')
  expect(issue.body).toContain(trackingMarker('crewai'))
  expect(view().labels.map((l) => l.name)).toContain('contribs-broken')
  expect(issue.labels).toHaveLength(1)
  expect(stateFile(gitDir, 'crewai')).toMatchObject({
    consecutive_failures: 2,
    open_issue_number: 1
  })
  // Two commits: the count with the open recorded as pending (and the lease on it), then the
  // issue number with the work done.
  expect(commitCount(gitDir)).toBe(commits1 + 2)
  expect(r.summary).toContain('[#1](https://github.com/acme/story/issues/1)')
  // The log: a closed group for the package something happened to, saying why; one debug line
  // for the package with nothing to do.
  expect(groupTitles(r.stdout)).toEqual(['crewai: red (open)'])
  const lines = stepLines(r.stdout)
  const crewai = lines.indexOf('::group::crewai: red (open)')
  expect(lines.slice(crewai + 1, lines.indexOf('::endgroup::', crewai))).toEqual([
    '::debug::red: 2 consecutive failures reached the threshold of 2 with no issue open; this run holds the lease and carries out: open',
    'opened #1 https://github.com/acme/story/issues/1'
  ])
  expect(debugLines(r.stdout)).toContain('dspy: green on a clean state')

  // Night 3: one comment.
  atDay(2)
  r = await nightly(repo, 103, { crewai: 'failure', dspy: 'success' })
  expect(outputs(r).commented).toEqual([
    expect.objectContaining({ package: 'crewai', issue: 1, failure: 3 })
  ])
  const comments = () =>
    view()
      .comments.filter((c) => c.issueNumber === 1)
      .map((c) => c.body)
  // The hidden last line names the effect, so a later run can tell it was posted.
  expect(comments()).toEqual([
    'Still red after run https://github.com/acme/story/actions/runs/103 (consecutive failure #3)\n\n' +
      '<!-- contribs-actions:smoke-red package=crewai failure=3 run=103/1 -->'
  ])
  const commits3 = commitCount(gitDir)

  // The same run reported twice: counted once, nothing written, no second comment.
  r = ok(await report(emu, repo, { runId: 103 }))
  expect(comments()).toHaveLength(1)
  expect(stateFile(gitDir, 'crewai')).toMatchObject({ consecutive_failures: 3 })
  expect(commitCount(gitDir)).toBe(commits3)
  expect(r.summary).toContain('already counted')

  // Night 4: green -> recovery comment, label removed, issue left open, counters reset.
  atDay(3)
  r = await nightly(
    repo,
    104,
    { crewai: 'success', dspy: 'success' },
    { sha: 'abcdef1234567890abcdef1234567890abcdef12' }
  )
  expect(outputs(r).recovered).toEqual([expect.objectContaining({ package: 'crewai', issue: 1 })])
  expect(comments()[1]).toMatch(
    /^smoke green again on 2026-01-08, fixed in abcdef1234567890abcdef1234567890abcdef12/
  )
  issue = view().issues[0]
  expect(issue.state).toBe('open')
  expect(issue.labels).toHaveLength(0)
  expect(stateText(gitDir, 'crewai')).toBe(CLEAN_TEXT)

  // Nights 5 and 6: red, red -> a NEW issue, dated from night 5.
  atDay(4)
  await nightly(repo, 105, { crewai: 'failure', dspy: 'success' })
  expect(view().issues).toHaveLength(1)
  atDay(5)
  r = await nightly(repo, 106, { crewai: 'failure', dspy: 'success' })
  expect(outputs(r).opened).toEqual([expect.objectContaining({ package: 'crewai', issue: 2 })])
  expect(view().issues.map((i) => [i.number, i.title, i.state])).toEqual([
    [1, '[contribs-broken] crewai: smoke red since 2026-01-05', 'open'],
    [2, '[contribs-broken] crewai: smoke red since 2026-01-09', 'open']
  ])
  expect(comments()).toHaveLength(2) // nothing more on the recovered issue
  // A run that only counts makes one commit; one with work on GitHub two (pending, then done);
  // the duplicate report made none.
  expect(commitCount(gitDir)).toBe(commits1 + 2 + 2 + 2 + 1 + 2)
})

test('a Python-version matrix: one failing leg makes the package red; cancelled legs are no signal; a re-run attempt is not counted twice; dry run', async () => {
  const repo = 'matrix'
  const gitDir = await seed(emu, repo)
  let r = await nightly(repo, 201, {
    dspy: ['failure', 'success'],
    langchain: ['success', 'success'],
    citations: ['cancelled', 'success'],
    'agent-utilities': ['timed_out', 'cancelled']
  })
  expect(outputs(r).red).toEqual(['agent-utilities', 'dspy'])
  expect(outputs(r).green).toEqual(['langchain'])
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 1 })
  expect(stateFile(gitDir, 'citations')).toBeUndefined()
  expect(r.summary).toMatch(/`citations` \| ⚪ no signal/)
  // The reporter's own job (still in progress) is left out, and `plan` names no package.
  expect(r.summary).not.toContain('`report`')

  // A cancelled run says nothing: dspy keeps its count.
  const before = commitCount(gitDir)
  r = await nightly(repo, 202, { dspy: ['cancelled', 'cancelled'], langchain: 'cancelled' })
  expect(outputs(r)).toMatchObject({ red: [], green: [] })
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 1 })
  expect(commitCount(gitDir)).toBe(before)

  // Re-running the failed leg of run 201 (attempt 2), red again: the same run, not a second failure.
  r = await nightly(repo, 201, { dspy: ['failure', 'success'] }, { attempt: 2 })
  expect(outputs(r).red).toEqual(['dspy'])
  expect(stateFile(gitDir, 'dspy')).toMatchObject({
    consecutive_failures: 1,
    last_counted_run: '201/2',
    counted_runs: ['201/1', '201/2']
  })
  expect(emu.state.repo(OWNER, repo).issues).toHaveLength(0)

  // Dry run of a second red: it would open the issue, and writes nothing.
  emu.clearRequests()
  r = await nightly(repo, 203, { dspy: 'failure' }, { inputs: { 'dry-run': 'true' } })
  expect(r.summary).toContain('dry run: would open "[contribs-broken] dspy: smoke red since')
  expect(r.outputs.summary).toMatch(/^dry run, nothing written/)
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(emu.state.repo(OWNER, repo).issues).toHaveLength(0)
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 1 })
})

test('an owner GitHub refuses as assignee: the issue opens without them and says so', async () => {
  const repo = 'assign'
  await seed(emu, repo, ['akihikokuroda'])
  const r = await nightly(repo, 301, { dspy: 'failure' }, { inputs: { threshold: '1' } })
  const issue = emu.state.repo(OWNER, repo).issues[0]
  expect(issue.assignees).toEqual([])
  expect(issue.body).toContain('Could not assign @akihikokuroda')
  expect(r.outputs.summary).toContain('could not assign @akihikokuroda on the dspy issue')
  expect(r.summary).toContain('GitHub rejected assignee(s) @akihikokuroda')
})

test('an open issue carrying the marker is reused, not duplicated', async () => {
  const repo = 'reuse'
  const gitDir = await seed(emu, repo)
  const gh = await import('@actions/github')
  const octokit = gh.getOctokit('user-token', {
    baseUrl: emu.url,
    request: { fetch: globalThis.fetch }
  })
  // Many labelled issues (pagination), one of them dspy's from an earlier bot run whose state was lost.
  for (let i = 0; i < 3; i++)
    await octokit.rest.issues.create({
      owner: OWNER,
      repo,
      title: `other ${i}`,
      body: trackingMarker(`pkg${i}`),
      labels: ['contribs-broken']
    })
  const { data: old } = await octokit.rest.issues.create({
    owner: OWNER,
    repo,
    title: '[contribs-broken] dspy: smoke red since 2025-12-01',
    body: `old\n\n${trackingMarker('dspy')}`,
    labels: ['contribs-broken']
  })
  const r = await nightly(repo, 401, { dspy: 'failure' }, { inputs: { threshold: '1' } })
  expect(outputs(r).opened).toEqual([])
  expect(outputs(r).commented).toEqual([expect.objectContaining({ issue: old.number, failure: 1 })])
  expect(emu.state.repo(OWNER, repo).issues).toHaveLength(4)
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ open_issue_number: old.number })
  // The issue list was read by label, never through search.
  expect(emu.requests().some((q) => q.route?.includes('/search/'))).toBe(false)
})

test('requests grow with the packages whose state changed, not with every package', async () => {
  const repo = 'scale'
  const gitDir = await seed(emu, repo)
  const names = Array.from({ length: 40 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`)
  const results = (red: string[]) =>
    JSON.stringify(
      Object.fromEntries(names.map((n) => [n, red.includes(n) ? 'failure' : 'success']))
    )
  const run = async (id: number, red: string[]) => {
    emu.clearRequests()
    ok(await report(emu, repo, { runId: id, inputs: { results: results(red), threshold: '5' } }))
    const reqs = emu.requests().filter((q) => q.path.startsWith(`/repos/${OWNER}/${repo}`))
    return {
      total: reqs.length,
      writes: reqs.filter((q) => q.write).length,
      blobReads: reqs.filter((q) => q.route === 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}')
        .length
    }
  }
  // All red: 40 new files in one commit; all green: 40 resets in one commit.
  // (The branch is new: its base is the default branch head.)
  expect((await run(601, names)).writes).toBe(3) // tree, commit, ref
  expect(commitCount(gitDir)).toBe(2)
  const resets = await run(602, [])
  expect(resets.blobReads).toBe(40)
  expect(commitCount(gitDir)).toBe(3)
  expect(stateText(gitDir, 'p13')).toBe(CLEAN_TEXT)

  // All green on clean state: two reads (branch, one directory listing), no blob, no write.
  expect(await run(603, [])).toEqual({ total: 2, writes: 0, blobReads: 0 })
  expect(commitCount(gitDir)).toBe(3)
  // One package red: + one commit (tree, commit, ref); its clean file is known without a fetch.
  expect(await run(604, ['p07'])).toEqual({ total: 5, writes: 3, blobReads: 0 })
  // Two red: only the non-clean one (p07) is fetched; still one commit.
  expect(await run(605, ['p07', 'p08'])).toEqual({ total: 6, writes: 3, blobReads: 1 })
  expect(commitCount(gitDir)).toBe(5)
  expect(stateFile(gitDir, 'p07')).toMatchObject({ consecutive_failures: 2 })
  expect(stateFile(gitDir, 'p08')).toMatchObject({ consecutive_failures: 1 })
})
