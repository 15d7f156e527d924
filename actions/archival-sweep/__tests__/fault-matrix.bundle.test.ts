// Every write route the sweep uses, under every kind of fault GitHub has: a 5xx or a dropped
// connection before anything happened, the same after the write was made (the answer lost), and
// both rate limits, once and past every retry. Each run either ends in the fault-free state or
// fails with a one-line error, and a re-run without the fault always ends in the fault-free state:
// nothing twice, nothing missing. Through the BUILT bundle against the GitHub emulator.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { cleanupTempDirs } from '../../../test/kit/fixtures.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { FAULT_KINDS } from '../../../test/kit/faults.js'
import {
  client,
  emulator,
  everyWriteDue,
  minimumCheckout,
  snapshot,
  sweep,
  writes,
  type Octokit
} from './helpers.js'
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

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

test.each(CASES.map((c, i) => [c.label, c, i] as const))(
  '%s: the run ends fault-free or fails in one line, and a re-run converges',
  async (_label, c, i) => {
    const repo = `matrix-${i}`
    await everyWriteDue(emu, gh, repo)
    emu.addFault({ ...c.fault, method: c.route.split(' ')[0], route: c.route })
    const first = await sweep(emu, repo, { workspace: checkout, exitCode: c.survives ? 0 : 'any' })
    emu.clearFaults()
    if (first.exitCode === 0) {
      expect(snapshot(emu, repo)).toEqual(faultFree)
    } else {
      expect(first.exitCode).toBe(1)
      expect(first.annotations.filter((a) => a.level === 'error')).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/^\d+ steps? failed: /) })
      ])
      expectNoStackTrace(first)
    }
    await sweep(emu, repo, { workspace: checkout })
    expect(snapshot(emu, repo)).toEqual(faultFree)
  }
)
