// Every write route the sweep uses, under every kind of fault GitHub has: a 5xx or a dropped
// connection before anything happened, the same after the write was made (the answer lost), and
// both rate limits, once and past every retry. Each run either ends in the fault-free state or
// fails with a one-line error, and a re-run without the fault always ends in the fault-free state:
// nothing twice, nothing missing. Through the BUILT bundle against the GitHub emulator, one
// repository per case, a few cases at a time (each case's fault is scoped to its repository).
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { mapLimit } from '@contribs-actions/shared'
import { cleanupTempDirs } from '../../../test/kit/fixtures.js'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'
import { FAULT_KINDS, faultCaseProblem } from '../../../test/kit/faults.js'
import {
  client,
  emulator,
  everyWriteDue,
  minimumCheckout,
  OWNER,
  snapshot,
  sweep,
  writes,
  type Octokit
} from './helpers.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator
let gh: Octokit
let checkout: string
let faultFree: ReturnType<typeof snapshot>

const ROUTES = [
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'POST /repos/{owner}/{repo}/labels',
  'POST /repos/{owner}/{repo}/issues',
  'PATCH /repos/{owner}/{repo}/issues/{issue_number}'
]

/** Every route meets every fault of test/kit/faults.ts. */
const CASES = ROUTES.flatMap((route) =>
  FAULT_KINDS.map((k) => ({
    ...k,
    route,
    label: `${route.replace('/repos/{owner}/{repo}/', '')}: ${k.name}`
  }))
)

beforeAll(async () => {
  emu = await emulator()
  gh = client(emu)
  checkout = minimumCheckout()
  await everyWriteDue(emu, gh, 'fault-free')
  emu.clearRequests()
  await sweep(emu, 'fault-free', { workspace: checkout })
  faultFree = snapshot(emu, 'fault-free')
  // Each route of the matrix is written in the fault-free run (else a fault on it proves nothing).
  const used = new Set(writes(emu, 'fault-free'))
  for (const route of ROUTES) expect(used).toContain(route)
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

test('the fault-free run: three milestones and the archive on #1, #2 closed with its comment, #3 opened', () => {
  expect(faultFree.issues.map((i) => [i.number, i.state, i.labels, i.comments.length])).toEqual([
    [1, 'open', ['archived', 'contribs-broken'], 3],
    [2, 'closed', ['contribs-stale'], 1],
    [3, 'open', ['contribs-stale'], 0]
  ])
})

test('every write route under every fault: the run ends fault-free or fails in one line, and a re-run converges', async () => {
  // Each repository's issues are opened on day 0 and swept on day 22 of the one emulator clock,
  // so they are set up one after the other; the sweeps then run a few at a time.
  const repos = CASES.map((_c, i) => `matrix-${i}`)
  for (const repo of repos) await everyWriteDue(emu, gh, repo)
  const problems = await mapLimit(
    CASES.map((c, i) => [c, repos[i]] as const),
    BUNDLES_AT_ONCE,
    ([c, repo]) =>
      faultCaseProblem(emu, c, {
        repo: `${OWNER}/${repo}`,
        run: () => sweep(emu, repo, { workspace: checkout, exitCode: 'any' }),
        state: () => snapshot(emu, repo),
        faultFree,
        clearError: (message) => /^\d+ steps? failed: /.test(message)
      })
  )
  expect(problems.filter((p) => p !== undefined)).toEqual([])
})
