// The pure parts: the lifecycle state machine, job mapping, the state file format, inputs, texts.
import { execFileSync } from 'node:child_process'
import { describe, expect, test } from '@jest/globals'
import { Inputs } from '@contribs-actions/shared'
import { applyEvent, finalizeClaim, Policy, SmokeEvent } from '../src/lifecycle.js'
import { parseOptions } from '../src/options.js'
import { mapJobs, packageOfJob, signalOf } from '../src/signals.js'
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

const policy: Policy = { threshold: 2, claimLeaseMs: 600_000 }
const T = Date.parse('2026-01-05T03:30:00Z')
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

describe('lifecycle', () => {
  test('red, red opens (claim), finalize records the issue, red comments, green recovers, clean bytes', () => {
    const [a1, a2] = play([red(1), red(2)])
    expect(a1.transition).toEqual({ kind: 'count', failures: 1 })
    expect(a1.state.red_since).toBe('2026-01-05')
    expect(a2.transition).toMatchObject({ kind: 'open', failures: 2, claim: { run: '2/1' } })
    const fin = finalizeClaim(a2.state, '2/1', 7)
    expect(fin).toMatchObject({ changed: true, lost: false, pending: [] })
    expect(fin.state.open_issue_number).toBe(7)
    const [a3, a4] = play([red(3), green(4)], fin.state)
    expect(a3.transition).toEqual({ kind: 'comment', issue: 7, failures: 3 })
    expect(a4.transition).toEqual({ kind: 'recover', issue: 7 })
    expect(serializeState(a4.state)).toBe(CLEAN_TEXT)
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

  test('reds while the claim is pending are queued and handed to the claimant', () => {
    const [, open, q3, q4] = play([red(1), red(2), red(3), red(4)])
    expect(open.transition.kind).toBe('open')
    expect(q3.transition).toEqual({ kind: 'queued', failures: 3 })
    expect(q4.state.pending_comments).toEqual([
      { run_url: 'u/3', failure: 3 },
      { run_url: 'u/4', failure: 4 }
    ])
    const fin = finalizeClaim(q4.state, '2/1', 9)
    expect(fin.pending.map((p) => p.failure)).toEqual([3, 4])
    expect(fin.state.pending_comments).toBeUndefined()
    expect(fin.state.consecutive_failures).toBe(4)
  })

  test('green while the claim is pending: counters reset, the claimant posts the recovery', () => {
    const [, open, g] = play([red(1), red(2), green(3)])
    expect(g.transition).toEqual({ kind: 'recover-pending' })
    expect(g.state.consecutive_failures).toBe(0)
    const fin = finalizeClaim(g.state, (open.transition as { claim: { run: string } }).claim.run, 5)
    expect(fin.recovered).toEqual({ date: '2026-01-05', sha: 'abc1234' })
    expect(fin.state.open_issue_number).toBeNull()
    expect(serializeState(fin.state)).toBe(CLEAN_TEXT)
  })

  test('an abandoned claim (older than the lease) is taken over; the old claimant then loses', () => {
    const [, open] = play([red(1), red(2)])
    const later = applyEvent(open.state, red(3), policy, T + 11 * 60_000)
    expect(later.transition).toMatchObject({ kind: 'open', claim: { run: '3/1' } })
    expect(finalizeClaim(later.state, '2/1', 4)).toMatchObject({ lost: true, changed: false })
  })

  test('a reference-bot state is read and continued', () => {
    const s = parseState(
      '{"consecutive_failures": 3, "last_failure_run_url": "x", "label_applied_days": 4, "milestones_posted": [7], "open_issue_number": 12, "note": "kept"}'
    )
    const [a, b] = play([red(9), green(10)], s)
    expect(a.transition).toEqual({ kind: 'comment', issue: 12, failures: 4 })
    expect(b.transition).toEqual({ kind: 'recover', issue: 12 })
    expect(JSON.parse(serializeState(b.state))).toEqual({ ...JSON.parse(CLEAN_TEXT), note: 'kept' })
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
    ['{"milestones_posted": {}}', /milestones_posted/]
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
