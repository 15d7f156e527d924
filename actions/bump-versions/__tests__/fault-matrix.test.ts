// Every write route bump-versions uses, under every kind of fault GitHub has: a 5xx or a dropped
// connection before anything happened, the same after the write was made (the answer lost), and
// both rate limits, once and past every retry. Each run either ends in the fault-free state or
// fails with a message (never a stack trace), and a re-run without the fault always ends in the
// fault-free state: per package one branch and one PR, labelled, reviewers asked; nothing twice.
// Through the built bundle against the GitHub emulator, one repository per case, a few cases at a
// time (each case's fault is scoped to its repository).
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { mapLimit } from '@contribs-actions/shared'
import { cleanupTempDirs } from '../../../test/kit/fixtures.js'
import { bumpState, exampleSource, OWNER, runBump, seedFrom, WAVE1 } from './kit.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'
import { FAULT_KINDS, faultCaseProblem } from '../../../test/kit/faults.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const ROUTES = [
  'POST /repos/{owner}/{repo}/labels',
  'POST /repos/{owner}/{repo}/git/trees',
  'POST /repos/{owner}/{repo}/git/commits',
  'POST /repos/{owner}/{repo}/git/refs',
  'POST /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers'
]

/**
 * Every route meets every fault of test/kit/faults.ts. Creating the repository's label is left
 * out of the promise to survive: a create of it whose answer is lost is looked up only where the
 * shared label helper does so; either way it ends in the fault-free state, now or after the
 * re-run.
 */
const CASES = ROUTES.flatMap((route) =>
  FAULT_KINDS.map((k) => ({
    ...k,
    route,
    survives: k.survives && route !== 'POST /repos/{owner}/{repo}/labels',
    label: `${route.replace('POST /repos/{owner}/{repo}/', '')}: ${k.name}`
  }))
)

const NO_LOCK = { inputs: { 'lock-command': '' } }
let emu: Emulator
let source: string
let workspace: string
let faultFree: ReturnType<typeof bumpState>

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  source = exampleSource()
  const s = await seedFrom(emu, source, 'fault-free')
  workspace = s.workspace
  emu.clearRequests()
  const r = await runBump(emu, s, NO_LOCK)
  expect(r.exitCode).toBe(0)
  faultFree = bumpState(emu, s)
  // The matrix covers every route the run writes through, and each is written (else a fault on
  // it would prove nothing).
  const used = new Set(emu.requests().flatMap((q) => (q.write && q.route ? [q.route] : [])))
  expect([...used].sort()).toEqual([...ROUTES].sort())
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

test('the fault-free run: per package one branch, one PR, labelled, reviewers asked', () => {
  expect(faultFree.branches).toHaveLength(WAVE1.length)
  expect(faultFree.pulls).toHaveLength(WAVE1.length)
  for (const p of faultFree.pulls) {
    expect(p.labels).toEqual(['sync-mellea-version:0.8.0rc1'])
    expect(p.reviewers.length).toBeGreaterThan(0)
  }
})

test('every write route under every fault: the run ends fault-free or fails with a message, and a re-run converges', async () => {
  const problems = await mapLimit(
    CASES.map((c, i) => [c, i] as const),
    BUNDLES_AT_ONCE,
    async ([c, i]) => {
      const s = await seedFrom(emu, source, `matrix-${i}`, { workspace })
      return faultCaseProblem(emu, c, {
        repo: `${OWNER}/${s.repo}`,
        run: () => runBump(emu, s, NO_LOCK),
        state: () => bumpState(emu, s),
        faultFree,
        clearError: (message) => !/^unexpected error/.test(message)
      })
    }
  )
  expect(problems.filter((p) => p !== undefined)).toEqual([])
})
