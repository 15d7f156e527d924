// Record mode through the BUILT bundle against the GitHub emulator: twenty legs, several at a
// time, on one state branch, and state reads that fail (5xx, dropped connections, 403, a broken file).
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { mapLimit, parseTrackingMarker } from '@contribs-actions/shared'
import {
  DEBUG_LOGGING,
  debugLines,
  expectNoStackTrace,
  expectOneFileError,
  groupTitles
} from '../../../test/kit/step-log.js'
import {
  BRANCH,
  DIR,
  emulator,
  ok,
  OWNER,
  outputs,
  report,
  seed,
  stateFile,
  stateText
} from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'
import {
  cleanupTempDirs,
  copyExampleRepo,
  initGitRepo,
  writeLink
} from '../../../test/kit/fixtures.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator

beforeAll(async () => {
  emu = await emulator()
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

const record = (
  repo: string,
  runId: number,
  pkg: string,
  outcome: string,
  token?: string,
  env?: Record<string, string>
) => report(emu, repo, { runId, token, env, inputs: { mode: 'record', package: pkg, outcome } })

test('20 legs, several at a time: every count survives, one issue per package, one comment per later red', async () => {
  const repo = 'race'
  const gitDir = await seed(emu, repo)
  const others = ['crewai', 'langchain', 'citations', 'agent-utilities', '_integration_core']
  const legs = [
    ...Array.from({ length: 10 }, (_, i) => ({ runId: 1001 + i, pkg: 'dspy' })),
    ...others.flatMap((pkg, i) => [
      { runId: 2001 + 2 * i, pkg },
      { runId: 2002 + 2 * i, pkg }
    ])
  ]
  expect(legs).toHaveLength(20)
  // A few bundles at a time still race for the state branch (the summaries count the lost
  // rounds); all twenty at once would only bury two cores under node start-ups.
  const results = await mapLimit(legs, BUNDLES_AT_ONCE, (l) =>
    record(repo, l.runId, l.pkg, 'failure')
  )
  for (const r of results) ok(r)

  expect(stateFile(gitDir, 'dspy')).toMatchObject({
    consecutive_failures: 10,
    open_issue_number: expect.any(Number)
  })
  expect(stateFile(gitDir, 'dspy')!.issue_claim).toBeUndefined()
  expect(stateFile(gitDir, 'dspy')!.pending_comments).toBeUndefined()
  for (const pkg of others)
    expect(stateFile(gitDir, pkg)).toMatchObject({ consecutive_failures: 2 })

  const view = emu.state.repo(OWNER, repo)
  const byPackage = new Map<string, number[]>()
  for (const i of view.issues) {
    const m = parseTrackingMarker(i.body)!
    byPackage.set(m.package, [...(byPackage.get(m.package) ?? []), i.number])
  }
  expect([...byPackage.keys()].sort()).toEqual([
    '_integration_core',
    'agent-utilities',
    'citations',
    'crewai',
    'dspy',
    'langchain'
  ])
  for (const numbers of byPackage.values()) expect(numbers).toHaveLength(1)
  for (const pkg of ['dspy', ...others])
    expect(stateFile(gitDir, pkg)!.open_issue_number).toBe(byPackage.get(pkg)![0])

  // dspy: failures #3..#10 each got exactly one comment, whichever leg posted it.
  const dspyIssue = byPackage.get('dspy')![0]
  const numbers = view.comments
    .filter((c) => c.issueNumber === dspyIssue)
    .map((c) => Number(/consecutive failure #(\d+)/.exec(c.body)![1]))
    .sort((a, b) => a - b)
  expect(numbers).toEqual([3, 4, 5, 6, 7, 8, 9, 10])
  expect(view.comments.filter((c) => c.issueNumber !== dspyIssue)).toEqual([])
  // Each red run's URL appears once (the claimant's in the issue body, later ones in a comment),
  // except the first red's: below the threshold, it is only in the state.
  const texts = [
    view.issues.find((i) => i.number === dspyIssue)!.body!,
    ...view.comments.map((c) => c.body)
  ]
  const mentions = Array.from({ length: 10 }, (_, i) => {
    const url = `https://github.com/acme/race/actions/runs/${1001 + i}`
    return texts.filter((t) => t.includes(`${url} `) || t.includes(`${url}\n`)).length
  })
  expect(mentions.sort()).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1])
  const raced = results.reduce(
    (n, r) => n + Number(/(\d+) lost races? re-applied/.exec(r.summary)?.[1] ?? 0),
    0
  )
  console.log(`20 legs: ${raced} lost compare-and-swap rounds re-applied`)

  // Reporting any of them again changes nothing.
  const again = ok(await record(repo, 1005, 'dspy', 'failure', undefined, DEBUG_LOGGING))
  expect(again.summary).toContain('already counted')
  expect(groupTitles(again.stdout)).toEqual([])
  expect(debugLines(again.stdout)).toEqual(['dspy: run 1005/1 was counted already'])
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 10 })

  // A green leg recovers the issue (record mode): comment, label off, issue open, counters reset.
  const green = ok(await record(repo, 1011, 'dspy', 'success', undefined, DEBUG_LOGGING))
  expect(outputs(green).recovered).toEqual([
    expect.objectContaining({ package: 'dspy', issue: dspyIssue })
  ])
  expect(groupTitles(green.stdout)).toEqual(['dspy: green (recover)'])
  expect(debugLines(green.stdout)).toEqual([
    `green after 10 consecutive failures with tracking issue #${dspyIssue} open; this run holds the lease and carries out: recover`
  ])
  expect(green.stdout).toContain(`posted the recovery on #${dspyIssue}`)
  const issue = emu.state.repo(OWNER, repo).issues.find((i) => i.number === dspyIssue)!
  expect(issue.state).toBe('open')
  expect(issue.labels).toEqual([])
  expect(stateFile(gitDir, 'dspy')).toMatchObject({
    consecutive_failures: 0,
    open_issue_number: null
  })
  // A cancelled leg records nothing.
  const before = stateText(gitDir, 'crewai')
  const cancelled = ok(await record(repo, 3001, 'crewai', 'cancelled'))
  expect(cancelled.summary).toContain('no signal')
  expect(stateText(gitDir, 'crewai')).toBe(before)
})

test('state reads: 5xx and dropped connections are retried; 403, lasting 5xx and a broken file stop the action and leave the state as it was', async () => {
  const repo = 'faults'
  const gitDir = await seed(emu, repo)
  const CONTENTS = 'GET /repos/{owner}/{repo}/contents/{path}'
  ok(await record(repo, 1, 'dspy', 'failure'))
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 1 })

  // Two 500s, then the read works: counted, issue opened.
  emu.clearRequests()
  emu.addFault({ method: 'GET', route: CONTENTS, kind: 'status', status: 500, count: 2 })
  ok(await record(repo, 2, 'dspy', 'failure'))
  expect(emu.requests().filter((q) => q.fault === 'status')).toHaveLength(2)
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 2, open_issue_number: 1 })

  // A dropped connection, then the read works: counted, commented.
  emu.addFault({ method: 'GET', route: CONTENTS, kind: 'drop', count: 1 })
  ok(await record(repo, 3, 'dspy', 'failure'))
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 3, open_issue_number: 1 })
  const good = stateText(gitDir, 'dspy')
  const comments = () => emu.state.repo(OWNER, repo).comments.length
  expect(comments()).toBe(1)

  // 403 (no contents permission): stop, say why, write nothing.
  emu.addToken({
    token: 'no-contents',
    kind: 'app',
    login: 'reader[bot]',
    permissions: { contents: 'none', issues: 'write', actions: 'read' }
  })
  let r = ok(await record(repo, 4, 'dspy', 'failure', 'no-contents'), 1)
  expect(r.stdout).toContain('could not read the smoke state')
  expect(r.stdout).toContain('HTTP 403')
  expect(r.stdout).toContain('contents: write')
  expectNoStackTrace(r)
  expect(stateText(gitDir, 'dspy')).toBe(good)

  // 500 on every try: the retries give up, the action stops, nothing written.
  emu.clearRequests()
  emu.addFault({ method: 'GET', route: CONTENTS, kind: 'status', status: 503, count: 10 })
  r = ok(await record(repo, 5, 'dspy', 'failure'), 1)
  expect(r.stdout).toContain('HTTP 503')
  expect(emu.requests().filter((q) => q.fault)).toHaveLength(4) // the first try and 3 retries
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  emu.clearFaults()
  expect(stateText(gitDir, 'dspy')).toBe(good)

  // Aggregate mode too: a branch read that keeps failing stops before any write.
  emu.addFault({
    method: 'GET',
    route: 'GET /repos/{owner}/{repo}/branches/{branch}',
    kind: 'drop',
    count: 10
  })
  r = ok(await report(emu, repo, { runId: 6, inputs: { results: '{"dspy": "success"}' } }), 1)
  expect(r.stdout).toContain('could not read the smoke state')
  emu.clearFaults()
  expect(stateText(gitDir, 'dspy')).toBe(good)
  expect(comments()).toBe(1)

  // A broken file (not JSON) is never replaced: the action stops and names it.
  await emu.commit({
    owner: OWNER,
    repo,
    branch: BRANCH,
    files: { [`${DIR}/dspy.json`]: '{"consecutive_failures": 3,' }
  })
  r = ok(await record(repo, 7, 'dspy', 'success'), 1)
  expect(r.stdout).toContain(`${DIR}/dspy.json`)
  expect(r.stdout).toContain('not valid JSON')
  expect(stateText(gitDir, 'dspy')).toBe('{"consecutive_failures": 3,')
  expect(comments()).toBe(1)
})

test('a root pyproject.toml linked to /dev/zero: one error naming it, nothing written', async () => {
  const repo = 'hostile-root'
  await seed(emu, repo)
  const workspace = copyExampleRepo()
  writeLink(workspace, 'pyproject.toml', '/dev/zero')
  initGitRepo(workspace)
  emu.clearRequests()
  const r = await report(emu, repo, {
    runId: 1,
    workspace,
    inputs: { mode: 'record', package: 'dspy', outcome: 'failure' }
  })
  expectOneFileError(
    r,
    'pyproject.toml',
    'a symbolic link to a path outside the checkout (not followed)'
  )
  expect(emu.requests().filter((q) => q.write)).toEqual([])
})
