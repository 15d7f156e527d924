// release's `mode: tag` through the built bundle against the emulator: the tag pushed once at
// the default branch's head, a re-run that writes nothing, a tag elsewhere never moved, and the
// warning when the default Actions token pushes it (GitHub starts no workflow for that push).
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import { runBundle, type BundleRunResult } from '@contribs-actions/cli'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { EXAMPLE_REPO } from '../../../test/kit/fixtures.js'
import { execFileSync } from 'node:child_process'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const OWNER = 'acme'
let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
})
afterAll(() => emu.close())

function tag(repo: string, token: string, inputs: Record<string, string> = {}) {
  return runBundle({
    action: 'release',
    inputs: { mode: 'tag', version: '0.6.0', token, 'actions-token': 'actions-token', ...inputs },
    workspace: EXAMPLE_REPO,
    env: { GITHUB_API_URL: emu.url, GITHUB_REPOSITORY: `${OWNER}/${repo}` }
  })
}

function ok(result: BundleRunResult): BundleRunResult {
  if (result.exitCode !== 0)
    throw new Error(`exit ${result.exitCode}:\n${result.stdout}\n${result.stderr}`)
  return result
}

const head = (gitDir: string, ref: string) =>
  execFileSync('git', ['--git-dir', gitDir, 'rev-parse', ref], { encoding: 'utf8' }).trim()

test('an App token pushes the tag once at the default branch, and a re-run writes nothing', async () => {
  const { gitDir } = await emu.seedRepo({ owner: OWNER, repo: 'app' })
  await emu.commit({ owner: OWNER, repo: 'app', files: { 'later.txt': 'merged bump\n' } })
  emu.clearRequests()
  const first = ok(await tag('app', 'app-token'))
  expect(first.outputs.written).toBe('true')
  expect(head(gitDir, 'refs/tags/v0.6.0')).toBe(head(gitDir, 'main'))
  const push = emu.requests().filter((r) => r.method === 'POST')
  expect(push).toEqual([
    expect.objectContaining({
      route: 'POST /repos/{owner}/{repo}/git/refs',
      wouldTriggerWorkflows: true
    })
  ])
  expect(first.annotations.filter((a) => a.level === 'warning')).toEqual([])

  emu.clearRequests()
  const again = ok(await tag('app', 'app-token'))
  expect(again.outputs.written).toBe('false')
  expect(again.outputs.summary).toContain('v0.6.0 already names')
  expect(emu.requests().filter((r) => r.write)).toEqual([])
})

test('a tag already at another commit is left there, with a warning', async () => {
  const { gitDir } = await emu.seedRepo({ owner: OWNER, repo: 'moved' })
  const first = head(gitDir, 'main')
  ok(await tag('moved', 'app-token'))
  await emu.commit({ owner: OWNER, repo: 'moved', files: { 'after.txt': 'x\n' } })
  const r = ok(await tag('moved', 'app-token'))
  expect(head(gitDir, 'refs/tags/v0.6.0')).toBe(first)
  expect(r.outputs.sha).toBe(first)
  expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
    expect.stringContaining('left as it is (a tag is never moved)')
  ])
})

test('the default Actions token pushes it, but warns that no workflow starts', async () => {
  await emu.seedRepo({ owner: OWNER, repo: 'plain' })
  emu.clearRequests()
  const r = ok(await tag('plain', 'actions-token'))
  expect(emu.requests().find((q) => q.method === 'POST')?.wouldTriggerWorkflows).toBe(false)
  expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
    expect.stringContaining('starts no workflow')
  ])
})

test('a dry run reads and writes nothing', async () => {
  await emu.seedRepo({ owner: OWNER, repo: 'dry' })
  emu.clearRequests()
  const r = ok(await tag('dry', 'app-token', { 'dry-run': 'true' }))
  expect(r.outputs.summary).toMatch(
    /^dry run, nothing written: would push v0\.6\.0 at [0-9a-f]{12}$/
  )
  expect(emu.requests().filter((q) => q.write)).toEqual([])
})
