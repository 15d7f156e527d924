// A newer release supersedes the open bump PRs of an older one, through the built bundle against
// the GitHub emulator: 0.8.0rc1 opens its bump PRs (and, once _integration_core's is merged, the
// ones waiting for it); a maintainer pushes a fix onto one of them; then 0.8.0 arrives. Every rc1
// PR holding only our commit is closed with a comment naming what replaces it and its branch is
// deleted; the maintainer's stays open with one comment; a re-run writes nothing; and a late run
// for the older version opens nothing.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { cleanupTempDirs } from '../../../test/kit/fixtures.js'
import {
  branches,
  client,
  json,
  mergeBumps,
  mergedEvent,
  ON_CORE,
  OWNER,
  packagesOf,
  releaseEvent,
  ROOT,
  runBump,
  seedExample,
  Seeded,
  V,
  WAVE1
} from './kit.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const FINAL = '0.8.0'
const KEPT = 'agent-utilities'
let emu: Emulator
let s: Seeded

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  s = await seedExample(emu, 'supersede')
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

const pulls = () => emu.state.repo(OWNER, 'supersede').pulls
const pullOf = (version: string, pkg: string) =>
  pulls().find((p) => p.pull!.head === `sync-mellea-${version}-${pkg}`)!
const commentsOn = (number: number) =>
  emu.state.repo(OWNER, 'supersede').comments.filter((c) => c.issueNumber === number)

/** A maintainer's commit on top of a bump branch, pushed through the API. */
async function pushFix(branch: string): Promise<string> {
  const octokit = client(emu)
  const r = { owner: OWNER, repo: 'supersede' }
  const { data: ref } = await octokit.rest.git.getRef({ ...r, ref: `heads/${branch}` })
  const { data: head } = await octokit.rest.git.getCommit({ ...r, commit_sha: ref.object.sha })
  const { data: fix } = await octokit.rest.git.createCommit({
    ...r,
    message: 'fix: keep the tenacity pin',
    tree: head.tree.sha,
    parents: [head.sha]
  })
  await octokit.rest.git.updateRef({ ...r, ref: `heads/${branch}`, sha: fix.sha })
  return fix.sha
}

test('0.8.0rc1: its bump PRs open, then the ones waiting for _integration_core', async () => {
  expect((await runBump(emu, s)).exitCode).toBe(0)
  const merged = await mergeBumps(emu, s, ['_integration_core'])
  const r = await runBump(emu, s, { event: mergedEvent(merged[0]) })
  expect(r.exitCode).toBe(0)
  expect(packagesOf(r, 'opened')).toEqual([...ON_CORE, ROOT])
  await pushFix(`sync-mellea-${V}-${KEPT}`)
  const open = pulls().filter((p) => p.state === 'open')
  expect(open).toHaveLength(6)
})

test('0.8.0 arrives: rc1 PRs holding only our commit are closed and their branches deleted; the one with a maintainer commit is commented on', async () => {
  emu.clearRequests()
  const r = await runBump(emu, s, { event: releaseEvent(FINAL) })
  expect(r.stderr).toBe('')
  expect(r.exitCode).toBe(0)
  // _integration_core is at rc1 on main, below 0.8.0: what waits for it waits again.
  expect(packagesOf(r, 'opened')).toEqual(WAVE1)
  const superseded = json(r, 'superseded') as { package: string; action: string }[]
  expect(superseded.map((x) => [x.package, x.action]).sort()).toEqual(
    [
      ['agent-utilities', 'commented'],
      ['citations', 'closed'],
      ...[...ON_CORE, ROOT].map((p) => [p, 'closed'])
    ].sort()
  )

  const openRc1 = pulls().filter((p) => p.state === 'open' && p.pull!.head.includes(V))
  expect(openRc1.map((p) => p.pull!.head)).toEqual([`sync-mellea-${V}-${KEPT}`])
  // The merged rc1 PR's branch is not a superseded bump: it is left alone.
  expect(branches(s).filter((b) => b.includes(V))).toEqual(
    ['_integration_core', KEPT].map((p) => `sync-mellea-${V}-${p}`)
  )

  // A closed one links its replacement, or says what the replacement waits for.
  const citations = pullOf(V, 'citations')
  const [closedNote] = commentsOn(citations.number)
  expect(closedNote.body).toContain(`Its replacement is #${pullOf(FINAL, 'citations').number}`)
  expect(closedNote.body).toContain('this pull request is closed and the branch deleted')
  const [waitNote] = commentsOn(pullOf(V, 'crewai').number)
  expect(waitNote.body).toContain(
    `the bump to ${FINAL}, opens once \`_integration_core\` is at ${FINAL} on the default branch`
  )
  const kept = pullOf(V, KEPT)
  const keptNotes = commentsOn(kept.number)
  expect(keptNotes).toHaveLength(1)
  expect(keptNotes[0].body).toContain('carries commits that are not the bump')
  expect(keptNotes[0].body).toContain('fix: keep the tenacity pin')
  expect(r.outputs.reason).toContain('closed 5 superseded bump PRs')
  expect(r.outputs.reason).toContain('marked 1 superseded bump PR carrying other commits')
})

test('a re-run writes nothing', async () => {
  emu.clearRequests()
  const r = await runBump(emu, s, { event: releaseEvent(FINAL) })
  expect(r.exitCode).toBe(0)
  expect(json(r, 'superseded')).toEqual([])
  expect(emu.requests().filter((q) => q.write)).toEqual([])
})

test('merging the kept rc1 PR re-runs rc1, which opens nothing: 0.8.0 is under way', async () => {
  const merged = await mergeBumps(emu, s, [KEPT])
  emu.clearRequests()
  const r = await runBump(emu, s, { event: mergedEvent(merged[0]) })
  expect(r.exitCode).toBe(0)
  expect(json(r, 'opened')).toEqual([])
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(r.stdout).toMatch(/the bumps to the newer 0\.8\.0 are under way \(#\d+ is open\)/)
})
