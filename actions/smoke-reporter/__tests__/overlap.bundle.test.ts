// Overlapping writers through the BUILT bundle: record legs and aggregate runs on the same
// packages at the same time, and a lease holder held up by a rate limit for longer than its
// lease. One lease protocol for both modes: nothing lost, nothing twice, every failure number
// the committed one.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { mapLimit, parseTrackingMarker } from '@contribs-actions/shared'
import { emulator, ok, OWNER, outputs, report, seed, stateFile } from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator

beforeAll(async () => {
  emu = await emulator()
})
afterAll(async () => {
  await emu.close()
})

const runUrl = (repo: string, run: number) => `https://github.com/acme/${repo}/actions/runs/${run}`

type Writer = { runId: number; inputs: Record<string, string> }
const BOTH_RED = JSON.stringify({ dspy: 'failure', crewai: 'failure' })

/**
 * Run 1 (both packages red, below the threshold), then the writers overlapping, BUNDLES_AT_ONCE
 * at a time: afterwards every red run is counted once, each package has one issue, and each
 * failure number from the threshold on is commented once, naming its run.
 */
async function overlappingReds(repo: string, writers: Writer[]): Promise<void> {
  const gitDir = await seed(emu, repo)
  ok(await report(emu, repo, { runId: 1, inputs: { results: BOTH_RED } }))
  const results = await mapLimit(writers, BUNDLES_AT_ONCE, (w) => report(emu, repo, w))
  for (const r of results) ok(r)

  const v = emu.state.repo(OWNER, repo)
  for (const pkg of ['dspy', 'crewai']) {
    const runs = writers.filter((w) => w.inputs.package === undefined || w.inputs.package === pkg)
    const state = stateFile(gitDir, pkg)!
    expect(state).toMatchObject({ consecutive_failures: 1 + runs.length })
    expect(state.pending).toBeUndefined()
    expect(state.lease).toBeUndefined()
    const issues = v.issues.filter((i) => parseTrackingMarker(i.body)?.package === pkg)
    expect(issues.map((i) => i.number)).toEqual([state.open_issue_number])
    const issue = issues[0]
    const numbers = v.comments
      .filter((c) => c.issueNumber === issue.number)
      .map((c) => Number(/consecutive failure #(\d+)/.exec(c.body)![1]))
      .sort((a, b) => a - b)
    // The threshold (2) opens the issue; every later failure is one comment.
    expect(numbers).toEqual(Array.from({ length: runs.length - 1 }, (_, i) => i + 3))
    // Every red run is named once: the one that opened the issue in its body, the rest in a
    // comment (run 1, below the threshold, nowhere).
    const texts = [
      issue.body!,
      ...v.comments.filter((c) => c.issueNumber === issue.number).map((c) => c.body)
    ]
    for (const w of runs) {
      const url = runUrl(repo, w.runId)
      expect([
        w.runId,
        texts.filter((t) => t.includes(`${url} `) || t.includes(`${url}\n`)).length
      ]).toEqual([w.runId, 1])
    }
  }
  const lostRounds = results.reduce(
    (n, r) => n + Number(/(\d+) lost races? re-applied/.exec(r.summary)?.[1] ?? 0),
    0
  )
  const handedOver = results.filter((r) => r.summary.includes('holds the lease')).length
  console.log(
    `${repo}: ${writers.length} writers, ${lostRounds} lost compare-and-swap rounds re-applied; ${handedOver} runs left their work to the lease holder`
  )
}

test('20 writers, record legs and aggregate runs mixed: every count kept, one issue per package, each failure number commented once', async () => {
  // Interleaved, so record legs and aggregate runs overlap on both packages.
  const writers = Array.from({ length: 10 }, (_, i): Writer[] => [
    {
      runId: 100 + i,
      inputs: { mode: 'record', package: i % 2 ? 'crewai' : 'dspy', outcome: 'failure' }
    },
    { runId: 200 + i, inputs: { results: BOTH_RED } }
  ]).flat()
  expect(writers).toHaveLength(20)
  await overlappingReds('mixed', writers)
})

test('20 record legs overlapping, both packages: every count kept, one issue per package, each failure number commented once', async () => {
  const writers = Array.from({ length: 20 }, (_, i) => ({
    runId: 400 + i,
    inputs: { mode: 'record', package: i % 2 ? 'crewai' : 'dspy', outcome: 'failure' }
  }))
  await overlappingReds('record-only', writers)
})

test('20 aggregate runs overlapping: every count kept, one issue per package, each failure number commented once', async () => {
  const writers = Array.from({ length: 20 }, (_, i) => ({
    runId: 300 + i,
    inputs: { results: BOTH_RED }
  }))
  await overlappingReds('aggregate-only', writers)
})

/** The open issues carrying the tracking label, as GitHub lists them. */
async function labelledOpen(repo: string): Promise<number[]> {
  const r = await fetch(
    `${emu.url}/repos/${OWNER}/${repo}/issues?labels=contribs-broken&state=open`,
    { headers: { authorization: 'token user-token' } }
  )
  return ((await r.json()) as { number: number }[]).map((i) => i.number)
}

test('20 record legs, red and green mixed on one package: one labelled issue at most, nothing pending, failure numbers never repeated', async () => {
  const repo = 'red-green'
  const gitDir = await seed(emu, repo)
  // Two reds for each green, so the threshold (2) is crossed, recovered and crossed again.
  const writers = Array.from({ length: 20 }, (_, i) => ({
    runId: 500 + i,
    inputs: { mode: 'record', package: 'dspy', outcome: i % 3 === 2 ? 'success' : 'failure' }
  }))
  const results = await mapLimit(writers, BUNDLES_AT_ONCE, (w) => report(emu, repo, w))
  for (const r of results) ok(r)

  const state = stateFile(gitDir, 'dspy')!
  expect(state.pending).toBeUndefined()
  expect(state.lease).toBeUndefined()
  // The streak at the end is the reds counted since the last green committed, each a red leg.
  const reds = new Set(writers.filter((w) => w.inputs.outcome === 'failure').map((w) => w.runId))
  const counted = (state.counted_runs as string[] | undefined) ?? []
  expect(counted).toHaveLength(state.consecutive_failures as number)
  for (const run of counted) expect(reds.has(Number(run.split('/')[0]))).toBe(true)
  // GitHub agrees with the state: the issue it names is the one labelled, or none is.
  const open = await labelledOpen(repo)
  expect(open).toEqual(state.open_issue_number ? [state.open_issue_number] : [])
  const v = emu.state.repo(OWNER, repo)
  const issues = v.issues.filter((i) => parseTrackingMarker(i.body)?.package === 'dspy')
  for (const issue of issues) {
    const numbers = v.comments
      .filter((c) => c.issueNumber === issue.number)
      .flatMap((c) => /consecutive failure #(\d+)/.exec(c.body)?.[1] ?? [])
    expect(new Set(numbers).size).toBe(numbers.length)
  }
  console.log(
    `red-green: ${issues.length} issue(s), ${state.consecutive_failures} consecutive failures at the end`
  )

  // A green leg after them recovers whatever is open.
  ok(
    await report(emu, repo, {
      runId: 600,
      inputs: { mode: 'record', package: 'dspy', outcome: 'success' }
    })
  )
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 0 })
  expect(stateFile(gitDir, 'dspy')!.open_issue_number ?? null).toBeNull()
  expect(await labelledOpen(repo)).toEqual([])
})

/** Waits (real time, in small steps) until the emulator has answered a request with `fault`. */
async function untilFault(kind: string): Promise<void> {
  while (!emu.requests().some((q) => q.fault === kind))
    await new Promise((ok) => setTimeout(ok, 50))
}

test('a holder held up by a rate limit for longer than its lease sends nothing once another run took over', async () => {
  const repo = 'lease-wait'
  const gitDir = await seed(emu, repo)
  const red = (runId: number) =>
    report(emu, repo, { runId, inputs: { mode: 'record', package: 'dspy', outcome: 'failure' } })
  ok(await red(1))
  emu.clearRequests()
  // Run 2 reaches the threshold and takes the lease; opening the issue meets a secondary rate
  // limit asking for 500 s (5 s here; a wait past the step's 10-minute budget would stop the run
  // instead). GitHub's clock moves past the 15-minute lease meanwhile (a slow queue ahead of the
  // wait), and run 3 takes over: it opens the issue with run 2's number and comments its own.
  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/issues',
    kind: 'secondary',
    retryAfter: 500
  })
  const held = red(2)
  await untilFault('secondary')
  emu.advance({ minutes: 16 })
  const taker = ok(await red(3))
  const late = ok(await held)
  expect(outputs(taker).opened).toEqual([expect.objectContaining({ issue: 1, failure: 2 })])
  expect(outputs(taker).commented).toEqual([expect.objectContaining({ issue: 1, failure: 3 })])
  // Run 2's retry met the fence: not sent, a warning, no error.
  expect(outputs(late).opened).toEqual([])
  expect(late.annotations).toEqual([
    expect.objectContaining({
      level: 'warning',
      message: expect.stringMatching(
        /^dspy's smoke state: the lease (passed to run 3\/1|was taken over).*; this run sent nothing after that$/
      )
    })
  ])
  const v = emu.state.repo(OWNER, repo)
  expect(v.issues.map((i) => i.number)).toEqual([1])
  expect(v.issues[0].body).toContain(`- Failing run: ${runUrl(repo, 2)}\n`)
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 3, open_issue_number: 1 })
  expect(stateFile(gitDir, 'dspy')!.lease).toBeUndefined()

  // Nobody comes while the holder waits past its lease: it renews the lease and opens.
  const alone = 'lease-renew'
  const aloneDir = await seed(emu, alone)
  const redAlone = (runId: number) =>
    report(emu, alone, { runId, inputs: { mode: 'record', package: 'dspy', outcome: 'failure' } })
  ok(await redAlone(1))
  emu.clearRequests()
  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/issues',
    kind: 'secondary',
    retryAfter: 200
  })
  const waiting = redAlone(2)
  await untilFault('secondary')
  emu.advance({ minutes: 16 })
  const r = ok(await waiting)
  expect(outputs(r).opened).toEqual([expect.objectContaining({ issue: 1 })])
  expect(r.stdout).toContain("renewed the lease on dspy's smoke state")
  expect(emu.state.repo(OWNER, alone).issues).toHaveLength(1)
  expect(stateFile(aloneDir, 'dspy')).toMatchObject({ open_issue_number: 1 })
})
