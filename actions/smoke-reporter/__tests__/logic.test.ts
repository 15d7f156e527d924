// The pure parts: the lifecycle state machine, job mapping, the state file format, inputs, texts.
import { execFileSync } from 'node:child_process'
import { describe, expect, test } from '@jest/globals'
import { Inputs, mapJobs, packageOfJob, signalOf } from '@contribs-actions/shared'
import { DEFAULT_LEASE_POLICY, leaseStatus, newHolder } from '@contribs-actions/shared/github'
import { applyEvent, claimWork, completeWork, Policy, SmokeEvent } from '../src/lifecycle.js'
import { parseOptions } from '../src/options.js'
import {
  CLEAN_SHA,
  CLEAN_TEXT,
  emptyState,
  parseState,
  serializeState,
  SmokeState
} from '../src/state.js'
import { issueTitle, timelineText } from '../src/texts.js'
import { rejectedAssignees } from '../src/issues.js'

const policy: Policy = { threshold: 2, lease: DEFAULT_LEASE_POLICY }
const T = Date.parse('2026-01-05T03:30:00Z')
const MIN = 60_000
const red = (runId: number, attempt = 1): SmokeEvent => ({
  outcome: 'failure',
  runId,
  attempt,
  runUrl: `u/${runId}`
})
const green = (runId: number, attempt = 1): SmokeEvent => ({
  outcome: 'success',
  runId,
  attempt,
  runUrl: `u/${runId}`,
  sha: 'abc1234'
})

function play(events: SmokeEvent[], start = emptyState(), now = T) {
  let s: SmokeState = start
  return events.map((ev) => {
    const a = applyEvent(s, ev, policy, now)
    s = a.state
    return a
  })
}

const kinds = (s: SmokeState) => s.pending.map((e) => `${e.kind}:${e.run}`)

describe('lifecycle', () => {
  test('red, red (open pending), the open done records the issue, red comments, green recovers, clean bytes', () => {
    const [a1, a2] = play([red(1), red(2)])
    expect(a1.transition).toEqual({ kind: 'count', failures: 1 })
    expect(a1.state.red_since).toBe('2026-01-05')
    expect(a1.state.pending).toEqual([])
    expect(a2.transition).toEqual({ kind: 'open', failures: 2 })
    expect(a2.added).toMatchObject({ kind: 'open', run: '2/1', failure: 2, since: '2026-01-05' })
    const me = newHolder(2, 1)
    const held = claimWork(a2.state, me, T, policy.lease)
    expect(held.holds).toBe(true)
    const fin = completeWork(
      held.state,
      me,
      [{ effect: a2.added!, issue: 7 }],
      false,
      T,
      policy.lease
    )
    expect(fin).toMatchObject({ holds: false, lost: false })
    expect(fin.state.open_issue_number).toBe(7)
    expect(fin.state.lease).toBeUndefined()
    const [a3, a4] = play([red(3), green(4)], fin.state)
    expect(a3.transition).toEqual({ kind: 'comment', issue: 7, failures: 3 })
    expect(a3.added).toMatchObject({ kind: 'comment', issue: 7, failure: 3 })
    expect(a4.transition).toEqual({ kind: 'recover', issue: 7 })
    // The comment still pending when the green came is kept: the holder posts it, then the recovery.
    expect(kinds(a4.state)).toEqual(['comment:3/1', 'recover:4/1'])
    const done = a4.state.pending.map((effect) => ({ effect }))
    const g = newHolder(4, 1)
    const after = completeWork(
      claimWork(a4.state, g, T, policy.lease).state,
      g,
      done,
      false,
      T,
      policy.lease
    )
    expect(serializeState(after.state)).toBe(CLEAN_TEXT)
  })

  test('green on a clean state changes nothing; green after one red resets silently', () => {
    expect(play([green(1)])[0]).toMatchObject({ changed: false, transition: { kind: 'unchanged' } })
    const [, b] = play([red(1), green(2)])
    expect(b).toMatchObject({ changed: true, transition: { kind: 'reset' } })
  })

  test('the same run and attempt is counted once; a later attempt of a counted run does not grow the streak', () => {
    const [, dup, rerun, rerunGreen] = play([red(1), red(1), red(1, 2), green(1, 3)])
    expect(dup).toMatchObject({ changed: false, transition: { kind: 'duplicate' } })
    expect(rerun.transition).toEqual({ kind: 'rerun', failures: 1 })
    expect(rerun.state.counted_runs).toEqual(['1/1', '1/2'])
    expect(rerunGreen.transition).toEqual({ kind: 'reset' })
  })

  test('reds while the issue is being opened queue comments behind the open, with the committed numbers', () => {
    const [, , q3, q4] = play([red(1), red(2), red(3), red(4)])
    expect(q3.transition).toEqual({ kind: 'comment', failures: 3, issue: undefined })
    expect(kinds(q4.state)).toEqual(['open:2/1', 'comment:3/1', 'comment:4/1'])
    expect(q4.state.pending.map((e) => (e.kind === 'comment' ? e.failure : 0))).toEqual([0, 3, 4])
  })

  test('green while the issue is being opened: the open and its comments are dropped, the recovery finds the issue by its marker', () => {
    const [, , , g] = play([red(1), red(2), red(3), green(4)])
    expect(g.transition).toEqual({ kind: 'recover', issue: undefined })
    expect(kinds(g.state)).toEqual(['recover:4/1'])
    expect(g.state.consecutive_failures).toBe(0)
  })

  test('a pending recovery survives a green re-run and a green next run (nothing to count, work still there)', () => {
    const [, , , g] = play([red(1), red(2), red(3), green(4)])
    const [again, next] = play([green(4, 2), green(5)], g.state)
    expect(again.transition.kind).toBe('unchanged')
    expect(next.transition.kind).toBe('unchanged')
    expect(kinds(next.state)).toEqual(['recover:4/1'])
    expect(claimWork(next.state, newHolder(5, 1), T, policy.lease).holds).toBe(true)
  })

  test('a reference-bot state is read and continued', () => {
    const s = parseState(
      '{"consecutive_failures": 3, "last_failure_run_url": "x", "label_applied_days": 4, "milestones_posted": [7], "open_issue_number": 12, "note": "kept"}'
    )
    const [a, b] = play([red(9), green(10)], s)
    expect(a.transition).toEqual({ kind: 'comment', issue: 12, failures: 4 })
    expect(b.transition).toEqual({ kind: 'recover', issue: 12 })
    expect(JSON.parse(serializeState(b.state))).toMatchObject({
      ...JSON.parse(CLEAN_TEXT),
      note: 'kept'
    })
  })

  test("an earlier version's issue claim is dropped; the next red at the threshold opens (or adopts) the issue", () => {
    const s = parseState(
      '{"consecutive_failures": 2, "open_issue_number": null, "issue_claim": {"run": "2/1", "at": "2026-01-05T03:30:00Z"}, "pending_comments": []}'
    )
    expect(s.extra).toEqual({})
    const [a] = play([red(3)], s)
    expect(a.transition).toEqual({ kind: 'open', failures: 3 })
  })
})

describe('the lease on pending work', () => {
  const s = play([red(1), red(2)])[1].state
  const a = newHolder(2, 1)
  const b = newHolder(3, 1)

  test('one holder at a time; the other leaves its work for it', () => {
    const held = claimWork(s, a, T, policy.lease)
    expect(held.holds).toBe(true)
    expect(claimWork(held.state, b, T + 14 * MIN, policy.lease).holds).toBe(false)
    // Not renewed for the whole lease: the holder is gone, the next run takes over.
    const taken = claimWork(held.state, b, T + 15 * MIN, policy.lease)
    expect(taken.holds).toBe(true)
    // The first holder then can record nothing: its work is the new holder's now.
    const late = completeWork(
      taken.state,
      a,
      [{ effect: s.pending[0], issue: 4 }],
      false,
      T + 16 * MIN,
      policy.lease
    )
    expect(late).toMatchObject({ lost: true, holds: false })
    expect(late.state).toBe(taken.state)
  })

  test('a re-run takes over the lease of the attempt before it at once', () => {
    const held = claimWork(s, a, T, policy.lease).state
    expect(leaseStatus(held.lease, newHolder(2, 2), T, policy.lease)).toMatchObject({
      kind: 'stale',
      why: 'attempt 1 of this run has ended'
    })
    // Another leg of the same run and attempt is a live holder.
    expect(leaseStatus(held.lease, newHolder(2, 1), T, policy.lease).kind).toBe('held')
  })

  test('a failed holder releases the lease and leaves its work pending', () => {
    const held = claimWork(s, a, T, policy.lease).state
    const stopped = completeWork(held, a, [], true, T, policy.lease)
    expect(stopped.state.lease).toBeUndefined()
    expect(kinds(stopped.state)).toEqual(['open:2/1'])
  })

  test('work added meanwhile keeps the lease (renewed); none left releases it', () => {
    const held = claimWork(s, a, T, policy.lease).state
    const more = applyEvent(held, red(3), policy, T).state
    const r = completeWork(
      more,
      a,
      [{ effect: s.pending[0], issue: 4 }],
      false,
      T + MIN,
      policy.lease
    )
    expect(r.holds).toBe(true)
    expect(r.state.lease?.at).toBe(new Date(T + MIN).toISOString())
    expect(kinds(r.state)).toEqual(['comment:3/1'])
  })
})

describe('state file', () => {
  test('the clean blob id is git’s', () => {
    const sha = execFileSync('git', ['hash-object', '--stdin'], {
      input: CLEAN_TEXT,
      encoding: 'utf8'
    }).trim()
    expect(CLEAN_SHA).toBe(sha)
  })

  test.each([
    ['{', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"consecutive_failures": "2"}', /consecutive_failures` must be an integer >= 0 \(got "2"\)/],
    ['{"open_issue_number": 0}', /open_issue_number/],
    ['{"milestones_posted": {}}', /milestones_posted/],
    ['{"pending": [{"kind": "comment", "run": "1/1"}]}', /`pending` must be a list of effects/],
    ['{"lease": {"run": "1/1"}}', /`lease` must be an object/]
  ])('%s is rejected', (text, message) => {
    expect(() => parseState(text)).toThrow(message)
  })

  test('unknown fields survive a round trip, after the known ones', () => {
    const text = serializeState(
      parseState('{"zeta": 1, "consecutive_failures": 1, "alpha": {"x": [1]}}')
    )
    expect(Object.keys(JSON.parse(text))).toEqual([
      'consecutive_failures',
      'last_failure_run_url',
      'label_applied_days',
      'milestones_posted',
      'open_issue_number',
      'zeta',
      'alpha'
    ])
  })
})

describe('jobs to packages', () => {
  test('the first value in the first parentheses, or a pattern', () => {
    expect(packageOfJob('smoke (dspy) / package-ci')).toBe('dspy')
    expect(packageOfJob('smoke (dspy, 3.12)')).toBe('dspy')
    expect(packageOfJob('smoke (dspy) py3.12 / package-ci')).toBe('dspy')
    expect(packageOfJob('report')).toBeUndefined()
    expect(packageOfJob('nightly [3.12] dspy', /\] (?<package>\S+)$/)).toBe('dspy')
  })

  test('red wins, all-success is green, anything else is no signal', () => {
    const legs = (...c: (string | null)[]) => c.map((conclusion) => ({ name: 'x', conclusion }))
    expect(signalOf(legs('success', 'failure'))).toBe('red')
    expect(signalOf(legs('timed_out', 'cancelled'))).toBe('red')
    expect(signalOf(legs('success', 'success'))).toBe('green')
    expect(signalOf(legs('success', 'cancelled'))).toBe('none')
    expect(signalOf(legs('skipped'))).toBe('none')
  })

  test('unfinished jobs and names that are not subpackages are left out', () => {
    const m = mapJobs(
      [
        { name: 'smoke (dspy, 3.11)', status: 'completed', conclusion: 'success' },
        { name: 'smoke (dspy, 3.12)', status: 'completed', conclusion: 'failure' },
        { name: 'lint (3.12)', status: 'completed', conclusion: 'failure' },
        { name: 'report (x)', status: 'in_progress', conclusion: null }
      ],
      undefined,
      new Set(['dspy', 'x'])
    )
    expect(m.signals).toEqual([{ package: 'dspy', signal: 'red', legs: expect.any(Array) }])
    expect(m.ignored.map((i) => i.reason)).toEqual([
      '`3.12` is not a subpackage folder',
      'still in_progress'
    ])
  })
})

describe('inputs', () => {
  const ctx = { workspace: '/w', runId: '42', runAttempt: '2', sha: undefined }
  const opts = (values: Record<string, string>, c: Partial<typeof ctx> = {}) =>
    parseOptions(new Inputs((n) => values[n] ?? ''), { ...ctx, ...c })

  test('defaults: aggregate over the jobs of GITHUB_RUN_ID, attempt GITHUB_RUN_ATTEMPT', () => {
    expect(opts({})).toMatchObject({
      mode: 'aggregate',
      source: { kind: 'jobs' },
      runId: 42,
      attempt: 2
    })
  })

  test('results: conclusions or lists of them', () => {
    const o = opts({
      results: '{"dspy": "failure", "crewai": ["success", "cancelled"], "x": null}'
    })
    expect(o.source).toEqual({
      kind: 'results',
      signals: [
        expect.objectContaining({ package: 'crewai', signal: 'none' }),
        expect.objectContaining({ package: 'dspy', signal: 'red' }),
        expect.objectContaining({ package: 'x', signal: 'none' })
      ]
    })
  })

  test.each([
    [{ results: '{"dspy": "broken"}' }, 'a conclusion is one of success, failure'],
    [{ results: '["dspy"]' }, 'must be a JSON object'],
    [{ results: '{"../x": "failure"}' }, 'is not a package name'],
    [{ 'job-pattern': '(' }, 'not a valid regular expression'],
    [{ 'job-pattern': '\\((\\w+)' }, 'named group `package`'],
    [{ mode: 'record', outcome: 'failure' }, 'needs input `package`'],
    [{ mode: 'record', package: 'dspy' }, 'needs input `outcome`'],
    [{ mode: 'record', package: 'dspy', outcome: 'red' }, 'must be one of success, failure'],
    [{ package: 'dspy', outcome: 'failure' }, 'are for `mode: record`'],
    [{ 'run-id': 'abc' }, 'input `run-id` must be a positive integer'],
    [{ 'run-id': '99999999999999999999' }, 'up to 9007199254740991 (got "99999999999999999999")'],
    [{ 'run-attempt': '0' }, 'input `run-attempt` must be a positive integer'],
    [{ threshold: '0' }, 'input `threshold` must be an integer >= 1'],
    [{ sha: 'main' }, 'input `sha` must be a commit sha']
  ])('%j fails: %s', (values, message) => {
    expect(() => opts(values)).toThrow(message)
  })

  test('no run id anywhere is a clear error', () => {
    expect(() => opts({}, { runId: undefined })).toThrow('no run id')
  })
})

describe('texts', () => {
  test('title and timeline', () => {
    expect(issueTitle('contribs-broken', 'dspy', '2026-01-05')).toBe(
      '[contribs-broken] dspy: smoke red since 2026-01-05'
    )
    expect(timelineText([7, 14, 21], 'contribs-broken', 'archived')).toContain(
      'on day 7 a reminder; on day 14 a notice that the package will be named in the next release notes; on day 21 the package is labelled `archived`'
    )
  })

  test('rejected assignees are read from the 422', () => {
    const e = Object.assign(new Error('Validation Failed'), {
      status: 422,
      response: {
        data: {
          errors: [{ value: ['Bob'], resource: 'Issue', field: 'assignees', code: 'invalid' }]
        }
      }
    })
    expect(rejectedAssignees(e, ['alice', 'bob'])).toEqual(['bob'])
    expect(rejectedAssignees(Object.assign(new Error('x'), { status: 500 }), ['a'])).toBeUndefined()
  })
})
