// Exactly once, through the BUILT bundle against the GitHub emulator: GitHub failing in the
// middle of a transition (an error that outlasts the retries, an answer lost after the write)
// never leaves a transition half done for good and never makes anything twice. Each story
// breaks one step, then lets the re-run (or the next run) finish.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator, FaultSpec } from '@contribs-actions/github-emulator'
import { CLEAN_TEXT } from '../src/state.js'
import { emulator, ok, OWNER, outputs, report, seed, stateFile, stateText } from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator

beforeAll(async () => {
  emu = await emulator()
})
afterAll(async () => {
  await emu.close()
})

const COMMENTS = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
const ISSUES = 'POST /repos/{owner}/{repo}/issues'
const UNLABEL = 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'
const CONTENTS = 'PUT /repos/{owner}/{repo}/contents/{path}'
const REF = 'PATCH /repos/{owner}/{repo}/git/refs/{ref}'

const record = (repo: string, runId: number, outcome: string, attempt = 1) =>
  report(emu, repo, { runId, attempt, inputs: { mode: 'record', package: 'dspy', outcome } })
const aggregate = (repo: string, runId: number, results: object, attempt = 1) =>
  report(emu, repo, { runId, attempt, inputs: { results: JSON.stringify(results) } })

/** Arms one fault on one route (the method comes from the route). */
function fault(route: string, spec: Omit<FaultSpec, 'method' | 'route'>): void {
  emu.addFault({ method: route.split(' ')[0], route, ...spec })
}

function view(repo: string) {
  const v = emu.state.repo(OWNER, repo)
  const labelName = (id: number) => v.labels.find((l) => l.id === id)?.name
  return {
    issues: v.issues.map((i) => i.number),
    labels: (n: number) => v.issues.find((i) => i.number === n)!.labels.map(labelName),
    /** The first line of each comment on issue n, in order. */
    comments: (n: number) =>
      v.comments.filter((c) => c.issueNumber === n).map((c) => c.body.split('\n')[0])
  }
}

const stillRed = (repo: string, run: number, n: number) =>
  `Still red after run https://github.com/acme/${repo}/actions/runs/${run} (consecutive failure #${n})`

test('a recovery cut short by GitHub is finished by the re-run, or by the next green run', async () => {
  // Record mode: the label removal fails after every retry. The step fails and says so; the
  // recovery stays pending in the state, and the re-run finishes it without a second comment.
  let repo = 'recover-rerun'
  let gitDir = await seed(emu, repo)
  ok(await record(repo, 1, 'failure'))
  ok(await record(repo, 2, 'failure'))
  expect(view(repo).labels(1)).toEqual(['contribs-broken'])
  fault(UNLABEL, { kind: 'status', status: 502, count: 10 })
  let r = ok(await record(repo, 3, 'success'), 1)
  emu.clearFaults()
  expect(r.stdout).toMatch(
    /could not remove `contribs-broken` from issue #1: DELETE \S+: HTTP 502 /
  )
  expect(r.stdout).toContain('stays pending for the next run')
  expect(stateFile(gitDir, 'dspy')).toMatchObject({
    consecutive_failures: 0,
    pending: [{ kind: 'recover', run: '3/1', issue: 1 }]
  })
  expect(stateFile(gitDir, 'dspy')!.lease).toBeUndefined() // released for the next run
  r = ok(await record(repo, 3, 'success', 2))
  expect(view(repo).labels(1)).toEqual([])
  expect(view(repo).comments(1)).toEqual([expect.stringMatching(/^smoke green again on /)])
  expect(r.summary).toContain('the recovery was posted on #1 already')
  expect(stateText(gitDir, 'dspy')).toBe(CLEAN_TEXT)

  // Aggregate mode: the recovery comment fails; nobody re-runs, and the next night's green run,
  // on counters that are already clean, still finishes it.
  repo = 'recover-next'
  gitDir = await seed(emu, repo)
  ok(await aggregate(repo, 1, { dspy: 'failure' }))
  ok(await aggregate(repo, 2, { dspy: 'failure' }))
  fault(COMMENTS, { kind: 'status', status: 502, count: 10 })
  r = ok(await aggregate(repo, 3, { dspy: 'success' }), 1)
  emu.clearFaults()
  expect(r.stdout).toMatch(/could not post the recovery on issue #1: POST \S+: HTTP 502 /)
  expect(view(repo).comments(1)).toEqual([])
  expect(view(repo).labels(1)).toEqual(['contribs-broken'])
  r = ok(await aggregate(repo, 4, { dspy: 'success' }))
  expect(outputs(r).recovered).toEqual([expect.objectContaining({ package: 'dspy', issue: 1 })])
  expect(view(repo).comments(1)).toEqual([expect.stringMatching(/^smoke green again on /)])
  expect(view(repo).labels(1)).toEqual([])
  expect(stateText(gitDir, 'dspy')).toBe(CLEAN_TEXT)

  // Record mode, the state write's answer lost: the client's retry meets its own write (409), and
  // the run reads that as its work still to do, not as "counted already".
  repo = 'recover-lost-put'
  gitDir = await seed(emu, repo)
  ok(await record(repo, 1, 'failure'))
  ok(await record(repo, 2, 'failure'))
  fault(CONTENTS, { kind: 'drop', when: 'after', count: 1 })
  ok(await record(repo, 3, 'success'))
  expect(emu.requests().some((q) => q.fault === 'drop')).toBe(true)
  expect(view(repo).labels(1)).toEqual([])
  expect(view(repo).comments(1)).toHaveLength(1)
  expect(stateText(gitDir, 'dspy')).toBe(CLEAN_TEXT)
})

test('creates whose answer is lost are found by their markers, never made twice', async () => {
  const repo = 'lost-answers'
  const gitDir = await seed(emu, repo)
  ok(await record(repo, 1, 'failure'))
  // The issue is created, then the answer is a 502: adopted, not opened again.
  fault(ISSUES, { kind: 'status', status: 502, when: 'after', count: 1 })
  let r = ok(await record(repo, 2, 'failure'))
  expect(view(repo).issues).toEqual([1])
  expect(outputs(r).opened).toEqual([expect.objectContaining({ issue: 1, failure: 2 })])
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ open_issue_number: 1 })
  // The comment is posted, then the connection drops.
  fault(COMMENTS, { kind: 'drop', when: 'after', count: 1 })
  ok(await record(repo, 3, 'failure'))
  // The count's own state write lands, then its answer is lost: the comment is still posted.
  fault(CONTENTS, { kind: 'status', status: 502, when: 'after', count: 1 })
  r = ok(await record(repo, 4, 'failure'))
  expect(outputs(r).commented).toEqual([expect.objectContaining({ failure: 4 })])
  expect(view(repo).comments(1)).toEqual([stillRed(repo, 3, 3), stillRed(repo, 4, 4)])
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 4, open_issue_number: 1 })
  expect(stateFile(gitDir, 'dspy')!.pending).toBeUndefined()

  // Aggregate mode: the branch that the first commit creates, and the issue, answers lost.
  const agg = 'lost-answers-agg'
  const aggDir = await seed(emu, agg)
  fault('POST /repos/{owner}/{repo}/git/refs', { kind: 'status', status: 502, when: 'after' })
  ok(await aggregate(agg, 1, { dspy: 'failure', crewai: 'failure' }))
  expect(stateFile(aggDir, 'crewai')).toMatchObject({ consecutive_failures: 1 })
  fault(ISSUES, { kind: 'drop', when: 'after', count: 1 })
  ok(await aggregate(agg, 2, { dspy: 'failure', crewai: 'failure' }))
  expect(view(agg).issues).toEqual([1, 2])
  expect(stateFile(aggDir, 'crewai')!.open_issue_number).not.toBe(
    stateFile(aggDir, 'dspy')!.open_issue_number
  )
})

test('aggregate: a failed state commit is not followed by repeated comments, and a failed comment is posted by the re-run', async () => {
  const repo = 'commit-fails'
  const gitDir = await seed(emu, repo)
  ok(await aggregate(repo, 1, { dspy: 'failure', crewai: 'failure' }))
  ok(await aggregate(repo, 2, { dspy: 'failure', crewai: 'failure' }))
  const issueOf = (pkg: string) => stateFile(gitDir, pkg)!.open_issue_number as number
  const [dspy, crewai] = [issueOf('dspy'), issueOf('crewai')]
  // Run 3: its first commit (the count, the work pending) lands; the second (the work done)
  // fails on every try. GitHub has the comments; the state still lists them as pending.
  fault(REF, { kind: 'status', status: 502, skip: 1, count: 4 })
  let r = ok(await aggregate(repo, 3, { dspy: 'failure', crewai: 'success' }), 1)
  emu.clearFaults()
  expect(r.stdout).toContain('could not commit the smoke state')
  expect(view(repo).comments(dspy)).toEqual([stillRed(repo, 3, 3)])
  expect(view(repo).comments(crewai)).toHaveLength(1)
  // The re-run finds both by their markers and only records them.
  r = ok(await aggregate(repo, 3, { dspy: 'failure', crewai: 'success' }, 2))
  expect(outputs(r)).toMatchObject({ commented: [], recovered: [expect.anything()] })
  expect(view(repo).comments(dspy)).toEqual([stillRed(repo, 3, 3)])
  expect(view(repo).comments(crewai)).toEqual([expect.stringMatching(/^smoke green again on /)])
  expect(view(repo).labels(crewai)).toEqual([])
  expect(stateText(gitDir, 'crewai')).toBe(CLEAN_TEXT)
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 3 })

  // Run 4: the comment fails on every try; the re-run posts it, once.
  fault(COMMENTS, { kind: 'status', status: 502, count: 10 })
  ok(await aggregate(repo, 4, { dspy: 'failure' }), 1)
  emu.clearFaults()
  expect(stateFile(gitDir, 'dspy')).toMatchObject({
    consecutive_failures: 4,
    pending: [{ kind: 'comment', failure: 4 }]
  })
  ok(await aggregate(repo, 4, { dspy: 'failure' }, 2))
  expect(view(repo).comments(dspy)).toEqual([stillRed(repo, 3, 3), stillRed(repo, 4, 4)])
  expect(stateFile(gitDir, 'dspy')!.pending).toBeUndefined()
})

test('record: a "still red" comment that fails is posted by the re-run, before the next red', async () => {
  const repo = 'comment-fails'
  const gitDir = await seed(emu, repo)
  ok(await record(repo, 1, 'failure'))
  ok(await record(repo, 2, 'failure'))
  fault(COMMENTS, { kind: 'status', status: 502, count: 10 })
  const r = ok(await record(repo, 3, 'failure'), 1)
  emu.clearFaults()
  expect(r.stdout).toMatch(/could not comment on issue #1: POST \S+: HTTP 502 /)
  ok(await record(repo, 3, 'failure', 2))
  ok(await record(repo, 4, 'failure'))
  expect(view(repo).comments(1)).toEqual([stillRed(repo, 3, 3), stillRed(repo, 4, 4)])
  expect(stateFile(gitDir, 'dspy')).toMatchObject({ consecutive_failures: 4 })
})

test('a state branch or folder that cannot be right is refused before any request', async () => {
  const repo = 'bad-settings'
  await seed(emu, repo)
  for (const [setting, message] of [
    ['state_branch = "main"', 'state_branch "main" is a default branch'],
    ['state_branch = ".."', 'state_branch ".." is not a branch name'],
    ['state_dir = "../../x"', 'state_dir "../../x" must be a folder inside the repository']
  ]) {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'smoke-settings-'))
    writeFileSync(
      path.join(workspace, 'pyproject.toml'),
      `[project]\nname = "mellea-contribs"\nversion = "0.1.0"\n\n[tool.mellea-contribs]\n${setting}\n`
    )
    emu.clearRequests()
    const answer = await report(emu, repo, {
      runId: 1,
      workspace,
      inputs: { mode: 'record', package: 'dspy', outcome: 'failure' }
    }).finally(() => rmSync(workspace, { recursive: true, force: true }))
    const r = ok(answer, 1)
    expect(r.stdout).toContain(message)
    expect(r.stdout).toContain('pyproject.toml:6')
    expect(emu.requests()).toEqual([])
  }
})
