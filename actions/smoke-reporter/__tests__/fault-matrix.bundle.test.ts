// The fault matrix, through the BUILT bundle: every write route smoke-reporter uses, in each
// transition (first red on a fresh repository, the red that opens the issue, a red that
// comments, the green that recovers), meets an error that outlasts the retries, an answer lost
// after the write, a rate limit that outlasts the waits, and by turns a fault a run absorbs. Each run either ends as the
// fault-free run does or fails with a message, and then its re-run ends there: nothing twice,
// nothing missing, no lease or pending work left behind.
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import type { Emulator } from '@contribs-actions/github-emulator'
import { mapLimit, trackingMarker } from '@contribs-actions/shared'
import { BRANCH, DIR, emulator, OWNER, report, seed, stateFile } from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'
import { FAULT_KINDS, type Fault } from '../../../test/kit/faults.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

// One emulator per worker: faults are per emulator, so parallel cases cannot take each other's.
let emus: Emulator[] = []

beforeAll(async () => {
  emus = await Promise.all(Array.from({ length: BUNDLES_AT_ONCE }, () => emulator()))
})
afterAll(async () => {
  await Promise.all(emus.map((e) => e.close()))
})

type Mode = 'record' | 'aggregate'
type Step = 'first' | 'open' | 'comment' | 'recover'

/** What the transition's run reports, and the state it starts from. */
const STEPS: Record<Step, { run: number; outcome: 'failure' | 'success'; reds: number }> = {
  first: { run: 1, outcome: 'failure', reds: 0 },
  open: { run: 2, outcome: 'failure', reds: 1 },
  comment: { run: 3, outcome: 'failure', reds: 2 },
  recover: { run: 3, outcome: 'success', reds: 2 }
}

const PUT = 'PUT /repos/{owner}/{repo}/contents/{path}'
const PATCH_REF = 'PATCH /repos/{owner}/{repo}/git/refs/{ref}'
const NEW_REF = 'POST /repos/{owner}/{repo}/git/refs'
const LABEL = 'POST /repos/{owner}/{repo}/labels'
const ISSUE = 'POST /repos/{owner}/{repo}/issues'
const COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
const UNLABEL = 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'

/** A write route, `skip` = how many of the step's requests to it pass first (1: the second write). */
type Target = [route: string, skip: number]

/** The write routes each step uses, per mode. The state write comes twice once there is work. */
const ROUTES: Record<Mode, Record<Step, Target[]>> = {
  record: {
    // The first write meets 404 (no branch yet); the second, after the branch, creates the file.
    first: [
      [PUT, 1],
      [NEW_REF, 0]
    ],
    open: [
      [PUT, 0],
      [PUT, 1],
      [LABEL, 0],
      [ISSUE, 0]
    ],
    comment: [
      [PUT, 0],
      [PUT, 1],
      [COMMENT, 0]
    ],
    recover: [
      [PUT, 0],
      [PUT, 1],
      [COMMENT, 0],
      [UNLABEL, 0]
    ]
  },
  aggregate: {
    first: [
      ['POST /repos/{owner}/{repo}/git/trees', 0],
      ['POST /repos/{owner}/{repo}/git/commits', 0],
      [NEW_REF, 0]
    ],
    open: [
      [PATCH_REF, 0],
      [PATCH_REF, 1],
      [LABEL, 0],
      [ISSUE, 0]
    ],
    comment: [
      [PATCH_REF, 0],
      [PATCH_REF, 1],
      [COMMENT, 0]
    ],
    recover: [
      [PATCH_REF, 0],
      [PATCH_REF, 1],
      [COMMENT, 0],
      [UNLABEL, 0]
    ]
  }
}

/**
 * The faults of test/kit/faults.ts that outlast the retries or lose the answer after the write,
 * and by turns one that a run absorbs (a single 502 after the write, a dropped request, a
 * rate-limit wait): every fault kind meets a third of the routes, which keeps the matrix
 * affordable on a busy machine.
 */
function faults(turn: number): [string, Fault][] {
  const lasting = FAULT_KINDS.filter((k) => !k.survives || k.name === 'dropped after the write')
  const absorbed = FAULT_KINDS.filter((k) => !lasting.includes(k))
  return [...lasting, absorbed[turn % absorbed.length]].map((k) => [k.name, k.fault])
}

let repoSeq = 0

/** A repository in the state the step starts from: earlier reds counted, the issue open. */
async function prepare(emu: Emulator, step: Step): Promise<{ repo: string; gitDir: string }> {
  const repo = `m${++repoSeq}`
  const gitDir = await seed(emu, repo)
  const { reds } = STEPS[step]
  if (!reds) return { repo, gitDir }
  const runs = Array.from({ length: reds }, (_, i) => `${i + 1}/1`)
  const state = {
    consecutive_failures: reds,
    last_failure_run_url: `https://github.com/acme/${repo}/actions/runs/${reds}`,
    label_applied_days: 0,
    milestones_posted: [],
    open_issue_number: reds >= 2 ? 1 : null,
    red_since: '2026-01-05',
    last_counted_run: runs[runs.length - 1],
    counted_runs: runs
  }
  await emu.commit({
    owner: OWNER,
    repo,
    branch: BRANCH,
    files: { [`${DIR}/dspy.json`]: JSON.stringify(state, null, 2) + '\n' }
  })
  if (reds >= 2) {
    const res = await fetch(`${emu.url}/repos/${OWNER}/${repo}/issues`, {
      method: 'POST',
      headers: { authorization: 'token user-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        title: '[contribs-broken] dspy: smoke red since 2026-01-05',
        body: `seeded\n\n${trackingMarker('dspy')}`,
        labels: ['contribs-broken']
      })
    })
    expect(res.status).toBe(201)
  }
  return { repo, gitDir }
}

function run(emu: Emulator, mode: Mode, step: Step, repo: string, attempt = 1) {
  const { run: runId, outcome } = STEPS[step]
  const inputs: Record<string, string> =
    mode === 'record'
      ? { mode: 'record', package: 'dspy', outcome }
      : { results: JSON.stringify({ dspy: outcome }) }
  return report(emu, repo, { runId, attempt, inputs })
}

/** Attempt numbers and repository names are not part of the outcome (a re-run says `/attempts/2`). */
const norm = (text: string) =>
  text
    .replace(/\/attempts\/\d+/g, '')
    .replace(/run=(\d+)\/\d+/g, 'run=$1')
    .replace(/\/acme\/m\d+\//g, '/acme/REPO/')

/** Everything a run can change: issues, labels, comments, the state file (attempts normalized). */
function snapshot(emu: Emulator, repo: string, gitDir: string) {
  const v = emu.state.repo(OWNER, repo)
  const label = (id: number) => v.labels.find((l) => l.id === id)?.name
  const state = stateFile(gitDir, 'dspy')
  if (state) {
    const runIds = (state.counted_runs as string[] | undefined)?.map((r) => r.split('/')[0])
    if (runIds) state.counted_runs = [...new Set(runIds)]
    if (typeof state.last_counted_run === 'string')
      state.last_counted_run = state.last_counted_run.split('/')[0]
    if (typeof state.last_failure_run_url === 'string')
      state.last_failure_run_url = norm(state.last_failure_run_url)
  }
  return {
    issues: v.issues.map((i) => ({
      number: i.number,
      title: i.title,
      state: i.state,
      labels: i.labels.map(label).sort(),
      assignees: [...i.assignees].sort(),
      body: norm(i.body ?? '')
    })),
    labels: v.labels.map((l) => `${l.name} #${l.color}`).sort(),
    comments: v.comments.map((c) => `#${c.issueNumber} ${norm(c.body)}`),
    state
  }
}

interface Case {
  step: Step
  target: Target
  fault: [string, Fault]
}

/** One case: the step under the fault, then (when it failed) its re-run without it. */
async function runCase(emu: Emulator, mode: Mode, faultCase: Case): Promise<string> {
  const { repo, gitDir } = await prepare(emu, faultCase.step)
  const [route, skip] = faultCase.target
  emu.clearRequests()
  emu.addFault({ method: route.split(' ')[0], route, skip, ...faultCase.fault[1] })
  const first = await run(emu, mode, faultCase.step, repo)
  const hit = emu.requests().some((q) => q.fault)
  emu.clearFaults()
  const name = `${faultCase.step} / ${route}${skip ? ` (write #${skip + 1})` : ''} / ${faultCase.fault[0]}`
  if (!hit) return `${name}: the fault was never hit`
  if (first.exitCode !== 0) {
    const loud = first.annotations.some((a) => a.level === 'error')
    if (!loud || /\n\s+at /.test(first.stdout + first.stderr))
      return `${name}: failed without a clear error:\n${first.stdout}${first.stderr}`
    const again = await run(emu, mode, faultCase.step, repo, 2)
    if (again.exitCode !== 0) return `${name}: the re-run failed:\n${again.stdout}`
  }
  const outcome = snapshot(emu, repo, gitDir)
  const want = baseline.get(`${mode} ${faultCase.step}`)
  if (!isDeepStrictEqual(outcome, want))
    return `${name}: ended differently from the fault-free run:\n${JSON.stringify(outcome, null, 1)}\nfault-free:\n${JSON.stringify(want, null, 1)}`
  return `${name}: ${first.exitCode ? 'failed loudly, the re-run converged' : 'completed'}`
}

const baseline = new Map<string, ReturnType<typeof snapshot>>()

async function matrix(mode: Mode): Promise<void> {
  const steps = Object.keys(STEPS) as Step[]
  // The fault-free outcome of each step, from the same starting state.
  for (const step of steps) {
    const emu = emus[0]
    const { repo, gitDir } = await prepare(emu, step)
    const r = await run(emu, mode, step, repo)
    expect([step, r.exitCode]).toEqual([step, 0])
    const snap = snapshot(emu, repo, gitDir)
    expect(snap.state).toBeDefined()
    expect(snap.state!.pending).toBeUndefined()
    expect(snap.state!.lease).toBeUndefined()
    baseline.set(`${mode} ${step}`, snap)
  }
  const targets = steps.flatMap((step) => ROUTES[mode][step].map((target) => ({ step, target })))
  const cases: Case[] = targets.flatMap((t, i) => faults(i).map((fault) => ({ ...t, fault })))
  // Each worker takes the next case on its own emulator.
  const queue = [...cases]
  const lines: string[] = []
  await mapLimit(emus, emus.length, async (emu) => {
    for (let c = queue.shift(); c; c = queue.shift()) lines.push(await runCase(emu, mode, c))
  })
  const bad = lines.filter((l) => !/: (completed|failed loudly, the re-run converged)$/.test(l))
  expect(bad).toEqual([])
  const loud = lines.filter((l) => l.endsWith('converged')).length
  console.log(
    `${mode}: ${cases.length} faults, ${cases.length - loud} completed as fault-free, ${loud} failed loudly and converged on the re-run`
  )
}

test('record mode: every write route under every fault ends as the fault-free run, at the latest after the re-run', async () => {
  await matrix('record')
})

test('aggregate mode: every write route under every fault ends as the fault-free run, at the latest after the re-run', async () => {
  await matrix('aggregate')
})
