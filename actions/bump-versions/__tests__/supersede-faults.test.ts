// The writes of superseding (the comment, the branch deletion, closing the PR) under GitHub's
// faults: an answer lost after the write was made, and a server error past every retry. Each run
// either ends in the fault-free state or fails with a message, and a re-run without the fault
// always ends in it: one comment per superseded PR, each closed PR's branch gone, nothing twice.
// Through the built bundle against the GitHub emulator, one repository per case.
import { startEmulator, type Emulator, type FaultSpec } from '@contribs-actions/github-emulator'
import { cleanupTempDirs } from '../../../test/kit/fixtures.js'
import {
  bumpState,
  client,
  exampleSource,
  OWNER,
  releaseEvent,
  runBump,
  seedFrom,
  Seeded,
  V
} from './kit.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const ROUTES = [
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'DELETE /repos/{owner}/{repo}/git/refs/{ref}',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}'
]
const KINDS: { name: string; fault: Omit<FaultSpec, 'method' | 'route'>; survives: boolean }[] = [
  { name: '502 after the write', fault: { kind: 'status', when: 'after' }, survives: true },
  { name: 'dropped after the write', fault: { kind: 'drop', when: 'after' }, survives: true },
  { name: '502 past every retry', fault: { kind: 'status', count: 10 }, survives: false }
]
const CASES = ROUTES.flatMap((route) =>
  KINDS.map((k) => ({
    ...k,
    route,
    label: `${route.split(' ')[0]} ${route.split('/').slice(4).join('/')}: ${k.name}`
  }))
)

const NO_LOCK = { inputs: { 'lock-command': '' } }
const FINAL = { ...NO_LOCK, event: releaseEvent('0.8.0') }
let emu: Emulator
let source: string
let workspace: string | undefined
let faultFree: ReturnType<typeof supersedeState>

/** The bump state with every comment's body (the repository's name left out), by its PR. */
function supersedeState(seeded: Seeded) {
  const view = emu.state.repo(OWNER, seeded.repo)
  const comments = view.pulls.map((p) => ({
    head: p.pull!.head,
    comments: view.comments
      .filter((c) => c.issueNumber === p.number)
      .map((c) => c.body.replaceAll(`/${seeded.repo}/`, '/<repo>/'))
  }))
  return { ...bumpState(emu, seeded), comments }
}

/** rc1's bump PRs, one of them carrying a maintainer's commit. */
async function rc1Opened(repo: string): Promise<Seeded> {
  const s = await seedFrom(emu, source, repo, { workspace })
  workspace ??= s.workspace
  expect((await runBump(emu, s, NO_LOCK)).exitCode).toBe(0)
  const octokit = client(emu)
  const r = { owner: OWNER, repo }
  const branch = `heads/sync-mellea-${V}-agent-utilities`
  const { data: ref } = await octokit.rest.git.getRef({ ...r, ref: branch })
  const { data: head } = await octokit.rest.git.getCommit({ ...r, commit_sha: ref.object.sha })
  const { data: fix } = await octokit.rest.git.createCommit({
    ...r,
    message: 'fix: keep the pin',
    tree: head.tree.sha,
    parents: [head.sha]
  })
  await octokit.rest.git.updateRef({ ...r, ref: branch, sha: fix.sha })
  return s
}

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  source = exampleSource()
  const s = await rc1Opened('fault-free')
  emu.clearRequests()
  expect((await runBump(emu, s, FINAL)).exitCode).toBe(0)
  faultFree = supersedeState(s)
  // Every route of the matrix is written by the fault-free run (else a fault proves nothing).
  const used = new Set(emu.requests().flatMap((q) => (q.write && q.route ? [q.route] : [])))
  for (const route of ROUTES) expect(used).toContain(route)
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

test('the fault-free run: two rc1 PRs closed and one commented on, each comment once', () => {
  const rc1 = faultFree.pulls.filter((p) => p.head.includes(V))
  expect(rc1.map((p) => [p.head.replace(`sync-mellea-${V}-`, ''), p.state])).toEqual([
    ['_integration_core', 'closed'],
    ['agent-utilities', 'open'],
    ['citations', 'closed']
  ])
  const notes = faultFree.comments.filter((c) => c.head.includes(V))
  expect(notes.map((c) => c.comments.length)).toEqual([1, 1, 1])
})

test.each(CASES.map((c, i) => [c.label, c, i] as const))(
  '%s: the run ends fault-free or fails with a message, and a re-run converges',
  async (_label, c, i) => {
    const s = await rc1Opened(`supersede-${i}`)
    const [method] = c.route.split(' ')
    emu.addFault({ ...c.fault, method, route: c.route })
    const first = await runBump(emu, s, FINAL)
    emu.clearFaults()
    if (c.survives) expect(first.exitCode).toBe(0)
    if (first.exitCode === 0) expect(supersedeState(s)).toEqual(faultFree)
    else {
      const errors = first.annotations.filter((a) => a.level === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0].message).not.toMatch(/^unexpected error/)
      expectNoStackTrace(first)
    }
    const again = await runBump(emu, s, FINAL)
    expect(again.exitCode).toBe(0)
    expect(supersedeState(s)).toEqual(faultFree)
  }
)
