// Archiving as a pull request, through the BUILT bundles against the GitHub emulator: 21 days red
// opens one pull request that records the package in .github/archived.json and takes it out of
// the smoke matrix and the meta-package's extras; discover on the merged result leaves it out; a
// recovery opens the reverse pull request, which puts back exactly what was taken out.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, jest, test } from '@jest/globals'
import { runBundle } from '@contribs-actions/cli'
import type { Emulator } from '@contribs-actions/github-emulator'
import {
  copyExampleRepo,
  git,
  initGitRepo,
  tempDir,
  writeFiles,
  writeLink
} from '../../../test/kit/fixtures.js'
import {
  openTrackingIssue,
  OWNER,
  seedExampleRepo,
  setDay,
  sweep,
  writes,
  type Octokit,
  withEmulator
} from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { expectOneFileError } from '../../../test/kit/step-log.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS * 2)

let emu: Emulator
let gh: Octokit

withEmulator((started) => ({ emu, gh } = started))

const ARCHIVE = { 'archive-changes': 'pull-request', token: 'app-token' }

/** The example repository with an `all` extra and skip_archived on, committed on main. */
function source(): { dir: string; pyproject: string; matrix: string } {
  const dir = copyExampleRepo()
  const file = path.join(dir, 'pyproject.toml')
  const text = readFileSync(file, 'utf8')
    .replace(
      'citations = ["mellea-contribs-citations"]\n',
      'citations = ["mellea-contribs-citations"]\nall = [\n    "mellea-contribs-dspy",\n    "mellea-contribs-crewai",\n]\n'
    )
    .replace('[tool.mellea-contribs]\n', '[tool.mellea-contribs]\nskip_archived = true\n')
  writeFiles(dir, { 'pyproject.toml': text })
  initGitRepo(dir)
  return {
    dir,
    pyproject: text,
    matrix: readFileSync(path.join(dir, '.github/smoke-matrix.json'), 'utf8')
  }
}

/** The default branch of the emulated repository, cloned. */
function cloneMain(gitDir: string): string {
  const dir = tempDir('sweep-clone-')
  git(dir, 'clone', '-q', gitDir, '.')
  return dir
}

const show = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8')

async function mergeOnly(repo: string, branch: string): Promise<number> {
  const { data } = await gh.rest.pulls.list({ owner: OWNER, repo, state: 'open' })
  const mine = data.filter((p) => p.head.ref === branch)
  expect(mine).toHaveLength(1)
  await gh.rest.pulls.merge({ owner: OWNER, repo, pull_number: mine[0].number })
  return mine[0].number
}

test('21 days red opens one archive pull request with the three changes; discover skips the merged package; recovery opens the reverse one; re-runs write nothing', async () => {
  const repo = 'registry'
  const src = source()
  const { gitDir } = await emu.seedRepo({ owner: OWNER, repo, source: src.dir })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'dspy')

  setDay(emu, 22)
  const first = await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
  expect(first.issues[0]).toMatchObject({
    package: 'dspy',
    stage: 'archived',
    actions: ['day-7-reminder', 'day-14-notice', 'day-21-archived', 'archive-pr']
  })
  expect(first.outputs.summary).toContain('opened the archive pull request for dspy')
  const pulls = (await gh.rest.pulls.list({ owner: OWNER, repo, state: 'all' })).data
  expect(pulls.map((p) => [p.head.ref, p.state, p.labels.map((l) => l.name)])).toEqual([
    ['contribs-archive/dspy', 'open', ['contribs-archive']]
  ])
  expect(first.issues[0].pull).toEqual({ number: pulls[0].number, url: pulls[0].html_url })
  const proposed = cloneMain(gitDir)
  git(proposed, 'fetch', '-q', 'origin', 'contribs-archive/dspy')
  expect(git(proposed, 'diff', '--name-only', 'HEAD', 'FETCH_HEAD').trim().split('\n')).toEqual([
    '.github/archived.json',
    '.github/smoke-matrix.json',
    'pyproject.toml'
  ])

  // A re-run, and a later one, find the pull request open and write nothing.
  for (const d of [22, 23]) {
    setDay(emu, d)
    emu.clearRequests()
    const again = await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
    expect(again.issues[0]).toMatchObject({ actions: [], pull: first.issues[0].pull })
    expect(writes(emu, repo)).toEqual([])
  }

  await mergeOnly(repo, 'contribs-archive/dspy')
  const merged = cloneMain(gitDir)
  const archived = JSON.parse(show(merged, '.github/archived.json'))
  expect(archived.packages).toEqual([
    expect.objectContaining({
      package: 'dspy',
      issue: expect.stringMatching(new RegExp(`/issues/${issue}$`)),
      since: '2026-01-27'
    })
  ])
  // Byte for byte: only the package's line (and list item) left each file.
  expect(show(merged, '.github/smoke-matrix.json')).toBe(src.matrix.replace('"dspy", ', ''))
  expect(show(merged, 'pyproject.toml')).toBe(
    src.pyproject
      .replace('dspy = ["mellea-contribs-dspy"]\n', '')
      .replace('    "mellea-contribs-dspy",\n', '')
  )

  const discovered = await runBundle({
    action: 'discover',
    inputs: {},
    workspace: merged,
    event: { name: 'workflow_dispatch', payload: {} },
    env: {}
  })
  expect(discovered.exitCode).toBe(0)
  expect(JSON.parse(discovered.outputs.matrix)).not.toContain('dspy')
  expect(JSON.parse(discovered.outputs.skipped)).toEqual([
    expect.objectContaining({
      package: 'dspy',
      reason: expect.stringMatching(/^archived: red for 22 days on the archival timeline/)
    })
  ])

  // After the merge the list records it: nothing more to write.
  setDay(emu, 24)
  emu.clearRequests()
  const recorded = await sweep(emu, repo, { workspace: merged, inputs: ARCHIVE })
  expect(recorded.issues[0]).toMatchObject({ stage: 'archived', actions: [] })
  expect(writes(emu, repo)).toEqual([])

  // Recovery: smoke-reporter closes the issue and takes the tracking label off.
  setDay(emu, 30)
  await gh.rest.issues.removeLabel({
    owner: OWNER,
    repo,
    issue_number: issue,
    name: 'contribs-broken'
  })
  await gh.rest.issues.update({ owner: OWNER, repo, issue_number: issue, state: 'closed' })
  const back = await sweep(emu, repo, { workspace: merged, inputs: ARCHIVE })
  expect(back.issues).toEqual([
    expect.objectContaining({ package: 'dspy', stage: 'unarchived', actions: ['unarchive-pr'] })
  ])
  emu.clearRequests()
  await sweep(emu, repo, { workspace: merged, inputs: ARCHIVE })
  expect(writes(emu, repo)).toEqual([])

  await mergeOnly(repo, 'contribs-unarchive/dspy')
  const restored = cloneMain(gitDir)
  expect(show(restored, '.github/smoke-matrix.json')).toBe(src.matrix)
  expect(show(restored, 'pyproject.toml')).toBe(src.pyproject)
  expect(JSON.parse(show(restored, '.github/archived.json'))).toEqual({ packages: [] })
  emu.clearRequests()
  const done = await sweep(emu, repo, { workspace: restored, inputs: ARCHIVE })
  expect(done.issues).toEqual([])
  expect(writes(emu, repo)).toEqual([])
})

test('the default token is warned about; a dry run opens nothing; a bad setting fails before any request', async () => {
  const repo = 'registry-settings'
  const src = source()
  await emu.seedRepo({ owner: OWNER, repo, source: src.dir })
  setDay(emu, 0)
  await openTrackingIssue(gh, repo, 'crewai')
  setDay(emu, 22)
  emu.clearRequests()
  const dry = await sweep(emu, repo, {
    workspace: src.dir,
    inputs: { ...ARCHIVE, token: 'actions-token', 'dry-run': 'true' }
  })
  expect(dry.issues[0].actions).toEqual([
    'day-7-reminder',
    'day-14-notice',
    'day-21-archived',
    'archive-pr'
  ])
  expect(dry.stdout).toContain('would archive-pr for crewai')
  expect(dry.stdout).toMatch(/::warning ?::the default GITHUB_TOKEN is in use/)
  expect(writes(emu, repo)).toEqual([])

  for (const [inputs, message] of [
    [
      { 'archive-changes': 'yes' },
      'input `archive-changes` must be one of pull-request, commit, off'
    ],
    [
      { 'archive-branch': 'archive' },
      'input `archive-branch` must be a branch name containing {package}'
    ],
    [{ 'archive-files': 'smoke-matrix' }, 'archived-list is always one of them'],
    [{ 'archive-changes': 'pull-request', 'max-operations': '4' }, 'must be at least 6']
  ] as const) {
    emu.clearRequests()
    const r = await sweep(emu, repo, { workspace: src.dir, inputs, exitCode: 1 })
    expect(r.stdout).toContain(message)
    expect(emu.requests()).toEqual([])
  }
})

const PULLS = '/repos/{owner}/{repo}/pulls'
const REFS = '/repos/{owner}/{repo}/git/refs'

test('the branch and the pull request made, then their answers lost: one of each, labelled; a pull request a maintainer closed is not proposed again', async () => {
  const repo = 'registry-faults'
  const src = source()
  await emu.seedRepo({ owner: OWNER, repo, source: src.dir })
  setDay(emu, 0)
  await openTrackingIssue(gh, repo, 'langchain')
  setDay(emu, 22)
  emu.clearRequests()
  // The first branch made is the state branch, for the sweep's lease; the second is the archive's.
  emu.addFault({ method: 'POST', route: REFS, kind: 'status', when: 'after', count: 1, skip: 1 })
  emu.addFault({ method: 'POST', route: PULLS, kind: 'drop', when: 'after', count: 1 })
  try {
    const r = await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
    expect(r.issues[0].actions).toContain('archive-pr')
    // Both faults struck: the branch and the pull request were each made with no answer back.
    expect(
      emu
        .requests()
        .filter((q) => q.fault)
        .map((q) => q.route)
    ).toEqual([`POST ${REFS}`, `POST ${PULLS}`])
  } finally {
    emu.clearFaults()
  }
  const pulls = (await gh.rest.pulls.list({ owner: OWNER, repo, state: 'all' })).data
  expect(pulls.map((p) => [p.head.ref, p.labels.map((l) => l.name)])).toEqual([
    ['contribs-archive/langchain', ['contribs-archive']]
  ])

  // A maintainer decides against it and closes the pull request: the sweep respects that.
  await gh.rest.pulls.update({ owner: OWNER, repo, pull_number: pulls[0].number, state: 'closed' })
  setDay(emu, 23)
  emu.clearRequests()
  const after = await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
  expect(after.issues[0]).toMatchObject({ stage: 'archived', pull: { number: pulls[0].number } })
  expect(after.issues[0].note).toMatch(/was closed without merging: not proposed again/)
  expect(writes(emu, repo)).toEqual([])
  expect((await gh.rest.pulls.list({ owner: OWNER, repo, state: 'all' })).data).toHaveLength(1)
})

test('archive-changes: commit records the archival straight on the default branch, once', async () => {
  const repo = 'registry-commit'
  const src = source()
  const { gitDir } = await emu.seedRepo({ owner: OWNER, repo, source: src.dir })
  setDay(emu, 0)
  await openTrackingIssue(gh, repo, 'citations')
  setDay(emu, 22)
  const inputs = {
    ...ARCHIVE,
    'archive-changes': 'commit',
    'archive-files': 'archived-list, smoke-matrix'
  }
  const r = await sweep(emu, repo, { workspace: src.dir, inputs })
  expect(r.issues[0].actions).toContain('archive-commit')
  const main = cloneMain(gitDir)
  expect(JSON.parse(show(main, '.github/archived.json')).packages[0]).toMatchObject({
    package: 'citations',
    restore: { smoke_matrix: true }
  })
  expect(show(main, '.github/smoke-matrix.json')).toBe(src.matrix.replace(', "citations"', ''))
  // Extras were not among the files: the pyproject is untouched.
  expect(show(main, 'pyproject.toml')).toBe(src.pyproject)
  expect((await gh.rest.pulls.list({ owner: OWNER, repo, state: 'all' })).data).toEqual([])
  emu.clearRequests()
  await sweep(emu, repo, { workspace: main, inputs })
  expect(writes(emu, repo)).toEqual([])
})

test('a package that recovers before its archive pull request is merged: the pull request is closed, once', async () => {
  const repo = 'registry-withdrawn'
  const src = source()
  await emu.seedRepo({ owner: OWNER, repo, source: src.dir })
  setDay(emu, 0)
  const issue = await openTrackingIssue(gh, repo, 'agent-utilities')
  setDay(emu, 22)
  await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
  const [pull] = (await gh.rest.pulls.list({ owner: OWNER, repo, state: 'open' })).data
  expect(pull.head.ref).toBe('contribs-archive/agent-utilities')

  setDay(emu, 23)
  await gh.rest.issues.removeLabel({
    owner: OWNER,
    repo,
    issue_number: issue,
    name: 'contribs-broken'
  })
  const r = await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
  expect(r.issues).toEqual([
    expect.objectContaining({
      package: 'agent-utilities',
      issue: pull.number,
      actions: ['archive-pr-closed'],
      pull: { number: pull.number, url: pull.html_url }
    })
  ])
  const { data: closed } = await gh.rest.pulls.get({ owner: OWNER, repo, pull_number: pull.number })
  expect([closed.state, closed.merged]).toEqual(['closed', false])
  const comments = emu.state.repo(OWNER, repo).comments.filter((c) => c.issueNumber === pull.number)
  expect(comments.map((c) => c.body)).toEqual([expect.stringContaining('archival-sweep closes it')])
  emu.clearRequests()
  const again = await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
  expect(again.issues).toEqual([])
  expect(writes(emu, repo)).toEqual([])
})

test("a fork's pull requests from branches named like archive branches are someone else's: never adopted, never closed", async () => {
  const repo = 'registry-fork'
  const src = source()
  const { gitDir } = await emu.seedRepo({ owner: OWNER, repo, source: src.dir })
  await emu.seedRepo({ owner: 'forker', repo, source: gitDir })
  const forkPull = async (pkg: string) => {
    const branch = `contribs-archive/${pkg}`
    await emu.commit({ owner: 'forker', repo, branch, files: { [`${pkg}/NOTE.md`]: 'mine\n' } })
    const head = `forker:${branch}`
    return (await gh.rest.pulls.create({ owner: OWNER, repo, title: pkg, head, base: 'main' })).data
  }
  // dspy goes red; crewai, which is not tracked, would have its archive pull request withdrawn.
  const forkDspy = await forkPull('dspy')
  const forkCrewai = await forkPull('crewai')
  setDay(emu, 0)
  await openTrackingIssue(gh, repo, 'dspy')
  setDay(emu, 22)
  const r = await sweep(emu, repo, { workspace: src.dir, inputs: ARCHIVE })
  expect(r.issues).toEqual([
    expect.objectContaining({ package: 'dspy', actions: expect.arrayContaining(['archive-pr']) })
  ])
  const open = (await gh.rest.pulls.list({ owner: OWNER, repo, state: 'open' })).data
  expect(open.map((p) => [p.number, p.head.label]).sort()).toEqual(
    [
      [forkDspy.number, 'forker:contribs-archive/dspy'],
      [forkCrewai.number, 'forker:contribs-archive/crewai'],
      [r.issues[0].pull!.number, `${OWNER}:contribs-archive/dspy`]
    ].sort()
  )
  const onForks = emu.state
    .repo(OWNER, repo)
    .comments.filter((c) => [forkDspy.number, forkCrewai.number].includes(c.issueNumber))
  expect(onForks).toEqual([])
})

test('a root pyproject.toml linked to /dev/zero: one error naming it, nothing written', async () => {
  const repo = 'hostile-root'
  const checkout = await seedExampleRepo(emu, repo)
  setDay(emu, 0)
  await openTrackingIssue(gh, repo, 'dspy')
  setDay(emu, 22)
  writeLink(checkout, 'pyproject.toml', '/dev/zero')
  emu.clearRequests()
  const r = await sweep(emu, repo, { workspace: checkout, inputs: {}, exitCode: 1 })
  expectOneFileError(
    r,
    'pyproject.toml',
    'a symbolic link to a path outside the checkout (not followed)'
  )
  expect(writes(emu, repo)).toEqual([])
})
