// Bump branches kept mergeable, through the built bundle against the GitHub emulator: 0.8.0rc1's
// bump PRs are open; a maintainer pushes a fix onto one of them; then main moves (a lock file
// changes, as when a dependency is updated). The push to main runs the action, which rebuilds on
// the new tip every bump branch holding only our commit (its lock refreshed there) and leaves the
// maintainer's alone; a re-run writes nothing.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { cleanupTempDirs } from '../../../test/kit/fixtures.js'
import { bare, client, json, OWNER, packagesOf, runBump, seedExample, Seeded, V } from './kit.js'
import type { Connection } from '@contribs-actions/shared/github'
import { Remote } from '../src/github.js'
import { octokitWriter } from '../src/writer.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const PUSH = { name: 'push', payload: { ref: 'refs/heads/main' } }
const KEPT = 'citations'
let emu: Emulator
let s: Seeded
let keptSha: string

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  s = await seedExample(emu, 'mergeable')
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

const branch = (pkg: string) => `sync-mellea-${V}-${pkg}`

test('a push with no bump PR open has nothing to do', async () => {
  const r = await runBump(emu, s, { event: PUSH })
  expect(r.exitCode).toBe(0)
  expect(r.outputs.reason).toBe('no bump PR is open, so no bump branch to keep mergeable')
})

test('main moves under open bump PRs: ours are rebuilt on the tip, the one with a maintainer commit is left alone', async () => {
  expect((await runBump(emu, s)).exitCode).toBe(0)
  const octokit = client(emu)
  const r0 = { owner: OWNER, repo: 'mergeable' }
  const { data: ref } = await octokit.rest.git.getRef({ ...r0, ref: `heads/${branch(KEPT)}` })
  const { data: head } = await octokit.rest.git.getCommit({ ...r0, commit_sha: ref.object.sha })
  const { data: fix } = await octokit.rest.git.createCommit({
    ...r0,
    message: 'docs: note the new floor',
    tree: head.tree.sha,
    parents: [head.sha]
  })
  await octokit.rest.git.updateRef({ ...r0, ref: `heads/${branch(KEPT)}`, sha: fix.sha })
  keptSha = fix.sha
  // The same line every bump commit rewrites: the old bump branch now conflicts.
  const lock = bare(s, 'show', 'main:_integration_core/uv.lock')
  const { sha: tip } = await emu.commit({
    owner: OWNER,
    repo: 'mergeable',
    files: { '_integration_core/uv.lock': `${lock}# pinned by hand\n` },
    message: 'chore: refresh the lock'
  })

  emu.clearRequests()
  const r = await runBump(emu, s, { event: PUSH })
  expect(r.stderr).toBe('')
  expect(r.exitCode).toBe(0)
  expect(r.outputs.reason).toContain(`open bump PR #`)
  expect(packagesOf(r, 'rebuilt')).toEqual(['_integration_core', 'agent-utilities'])
  expect(json(r, 'opened')).toEqual([])
  for (const pkg of ['_integration_core', 'agent-utilities']) {
    expect(bare(s, 'rev-parse', `${branch(pkg)}~1`)).toBe(tip)
    expect(bare(s, 'log', '-1', '--format=%s', branch(pkg))).toBe(
      `chore(${pkg}): bump version to v${V}`
    )
  }
  // The lock was refreshed on the tip: the hand-made line is kept below what the tool wrote.
  const rebuilt = bare(s, 'show', `${branch('_integration_core')}:_integration_core/uv.lock`)
  expect(rebuilt).toContain('# pinned by hand')
  expect(rebuilt).toContain(`# locked mellea-contribs-integration-core==${V}`)
  expect(bare(s, 'rev-parse', branch(KEPT))).toBe(keptSha)
  // Every write moved a branch only through a forced update after reading it (no new PR).
  const writes = emu
    .requests()
    .filter((q) => q.write)
    .map((q) => q.route)
  expect(writes.filter((w) => w === 'POST /repos/{owner}/{repo}/pulls')).toEqual([])
  expect(writes.filter((w) => w === 'PATCH /repos/{owner}/{repo}/git/refs/{ref}')).toHaveLength(2)
})

test('a re-run writes nothing', async () => {
  emu.clearRequests()
  const r = await runBump(emu, s, { event: PUSH })
  expect(r.exitCode).toBe(0)
  expect(json(r, 'rebuilt')).toEqual([])
  expect(emu.requests().filter((q) => q.write)).toEqual([])
})

test.each([
  ['502 after the move', { kind: 'status', when: 'after' }, 0],
  ['dropped after the move', { kind: 'drop', when: 'after' }, 0],
  ['502 past every retry', { kind: 'status', count: 10 }, 1]
] as const)(
  'main moves again, %s: the run ends rebuilt or fails with a message, a re-run converges',
  async (_name, fault, exitCode) => {
    const { sha: tip } = await emu.commit({
      owner: OWNER,
      repo: 'mergeable',
      files: { 'docs/moved.md': `${_name}\n` },
      message: 'docs: a change elsewhere'
    })
    emu.addFault({ ...fault, method: 'PATCH', route: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}' })
    const r = await runBump(emu, s, { event: PUSH })
    emu.clearFaults()
    expect(r.exitCode).toBe(exitCode)
    if (exitCode) expectNoStackTrace(r)
    const again = await runBump(emu, s, { event: PUSH })
    expect(again.exitCode).toBe(0)
    for (const pkg of ['_integration_core', 'agent-utilities'])
      expect(bare(s, 'rev-parse', `${branch(pkg)}~1`)).toBe(tip)
    expect(bare(s, 'rev-parse', branch(KEPT))).toBe(keptSha)
    emu.clearRequests()
    expect((await runBump(emu, s, { event: PUSH })).exitCode).toBe(0)
    expect(emu.requests().filter((q) => q.write)).toEqual([])
  }
)

test('moving a branch is a compare-and-swap: one that moved since it was read is left as it is', async () => {
  // The writer itself over real HTTP: the run cannot be paused between its read and its write.
  const conn = {
    octokit: client(emu, 'app-token'),
    owner: OWNER,
    repo: 'mergeable',
    actionsToken: false
  } as unknown as Connection
  const remote = new Remote(conn)
  const writer = octokitWriter(conn, remote, await remote.base())
  const now = bare(s, 'rev-parse', branch(KEPT))
  const tip = bare(s, 'rev-parse', 'main')
  const stale = bare(s, 'rev-parse', `${branch(KEPT)}~1`)
  expect(await writer.moveBranch(branch(KEPT), stale, tip)).toBe('moved')
  expect(bare(s, 'rev-parse', branch(KEPT))).toBe(now)
  expect(await writer.moveBranch(branch(KEPT), now, tip)).toBe('updated')
  expect(bare(s, 'rev-parse', branch(KEPT))).toBe(tip)
  // Asked again (an answer lost), it is already done.
  expect(await writer.moveBranch(branch(KEPT), now, tip)).toBe('updated')
})
