/**
 * The per-package lifecycle as pure functions of (stored state, this run). Every write path (a
 * per-file compare-and-swap in record mode, one commit in aggregate mode) calls them again on a
 * conflict with the state it re-read, so a lost race re-applies this run's event instead of
 * overwriting another run's, and the failure number in an effect is always the committed one.
 *
 * A run's event changes the counters and appends what GitHub must see (`pending`: open, comment,
 * recover). Which run carries the pending work out is the lease's business (`claimWork`); what it
 * finished is taken out again by `completeWork`.
 */
import {
  Holder,
  holderRun,
  leaseFor,
  LeasePolicy,
  leaseStatus,
  mayHold
} from '@contribs-actions/shared/github'
import {
  cloneState,
  CommentEffect,
  Effect,
  effectId,
  MAX_COUNTED_RUNS,
  resetCounters,
  sameState,
  SmokeState
} from './state.js'

export interface SmokeEvent {
  outcome: 'success' | 'failure'
  runId: number
  attempt: number
  runUrl: string
  /** The commit the green run tested (the recovery comment names it). */
  sha?: string
  /** The upstream tested (the issue names it). */
  upstreamRef?: string
  upstreamSha?: string
}

export interface Policy {
  threshold: number
  lease: LeasePolicy
}

export type Transition =
  /** This run and attempt was counted already (a second leg, or the same run reported twice). */
  | { kind: 'duplicate' }
  /** Green on a clean state: nothing to count. */
  | { kind: 'unchanged' }
  /** Green after reds below the threshold: counters reset silently. */
  | { kind: 'reset' }
  /** Green with a tracking issue (`issue` undefined: not recorded yet, found by its marker). */
  | { kind: 'recover'; issue?: number }
  | { kind: 'count'; failures: number }
  /** Red again in a later attempt of a run already counted: the streak does not grow. */
  | { kind: 'rerun'; failures: number }
  /** Red at the threshold with no issue: open one (or adopt the one carrying the marker). */
  | { kind: 'open'; failures: number }
  /** Red with an issue open or being opened. */
  | { kind: 'comment'; failures: number; issue?: number }

export interface Applied {
  state: SmokeState
  changed: boolean
  transition: Transition
  /** The effect this event appended to `pending`, if any. */
  added?: Effect
  /** Why this transition, in words, for the debug log. */
  why: string
}

export function runKey(runId: number, attempt: number): string {
  return `${runId}/${attempt}`
}

/** YYYY-MM-DD of an epoch-ms time, UTC. */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

function counted(state: SmokeState): string[] {
  const list = [...(state.counted_runs ?? [])]
  if (state.last_counted_run && !list.includes(state.last_counted_run))
    list.push(state.last_counted_run)
  return list
}

const failures = (n: number) => `${n} consecutive failure${n === 1 ? '' : 's'}`
const hasOpen = (s: SmokeState) => s.pending.some((e) => e.kind === 'open')

type Result = (state: SmokeState, transition: Transition, why: string, added?: Effect) => Applied

export function applyEvent(
  stored: SmokeState,
  ev: SmokeEvent,
  policy: Policy,
  nowMs: number
): Applied {
  const key = runKey(ev.runId, ev.attempt)
  const seen = counted(stored)
  if (seen.includes(key))
    return {
      state: stored,
      changed: false,
      transition: { kind: 'duplicate' },
      why: `run ${key} was counted already`
    }
  const result: Result = (state, transition, why, added) => {
    if (added) state.pending = [...state.pending, added]
    return { state, changed: !sameState(state, stored), transition, why, added }
  }
  if (ev.outcome === 'success') return applyGreen(stored, ev, policy, nowMs, result)
  return applyRed(stored, ev, policy, nowMs, seen, result)
}

function applyGreen(
  stored: SmokeState,
  ev: SmokeEvent,
  policy: Policy,
  nowMs: number,
  result: Result
): Applied {
  const reset = resetCounters(stored)
  const issue = stored.open_issue_number ?? undefined
  // An issue is open, being opened, or (past the threshold) may have been opened by a run that
  // died before recording it: recover whichever is open.
  if (issue || hasOpen(stored) || stored.consecutive_failures >= policy.threshold) {
    // Work that only made sense while red: the issue not opened yet, comments waiting for it.
    if (!issue) reset.pending = reset.pending.filter((e) => e.kind !== 'open' && e.issue)
    const recover: Effect = {
      kind: 'recover',
      run: runKey(ev.runId, ev.attempt),
      date: day(nowMs),
      ...(ev.sha ? { sha: ev.sha } : {}),
      ...(issue ? { issue } : {})
    }
    return result(
      reset,
      { kind: 'recover', issue },
      issue
        ? `green after ${failures(stored.consecutive_failures)} with tracking issue #${issue} open`
        : `green after ${failures(stored.consecutive_failures)}; no issue recorded yet: the open one is found by its marker`,
      recover
    )
  }
  if (sameState(reset, stored))
    return {
      state: stored,
      changed: false,
      transition: { kind: 'unchanged' },
      why: stored.pending.length ? 'green; nothing more to count' : 'green on a clean state'
    }
  return result(
    reset,
    { kind: 'reset' },
    `green after ${failures(stored.consecutive_failures)}, below the threshold of ${policy.threshold}: counters reset`
  )
}

function applyRed(
  stored: SmokeState,
  ev: SmokeEvent,
  policy: Policy,
  nowMs: number,
  seen: string[],
  result: Result
): Applied {
  const key = runKey(ev.runId, ev.attempt)
  const sameRun = seen.some((k) => k.startsWith(`${ev.runId}/`))
  const s = cloneState(stored)
  if (!sameRun) {
    s.consecutive_failures += 1
    if (!s.red_since || stored.consecutive_failures === 0) s.red_since = day(nowMs)
  }
  s.last_failure_run_url = ev.runUrl
  s.last_counted_run = key
  s.counted_runs = [...seen, key].slice(-MAX_COUNTED_RUNS)
  const n = s.consecutive_failures
  const rerun = `red again in attempt ${ev.attempt} of run ${ev.runId}, which was counted: the streak stays at ${n}`
  if (n < policy.threshold)
    return sameRun
      ? result(s, { kind: 'rerun', failures: n }, rerun)
      : result(
          s,
          { kind: 'count', failures: n },
          `red: ${failures(n)}, below the threshold of ${policy.threshold}`
        )
  const issue = s.open_issue_number ?? undefined
  if (issue || hasOpen(s)) {
    if (sameRun) return result(s, { kind: 'rerun', failures: n }, rerun)
    const comment: CommentEffect = {
      kind: 'comment',
      run: key,
      run_url: ev.runUrl,
      failure: n,
      ...(issue ? { issue } : {})
    }
    return result(
      s,
      { kind: 'comment', failures: n, issue },
      issue
        ? `red: ${failures(n)} and tracking issue #${issue} is open`
        : `red: ${failures(n)} while the tracking issue is being opened`,
      comment
    )
  }
  return result(
    s,
    { kind: 'open', failures: n },
    `red: ${failures(n)} reached the threshold of ${policy.threshold} with no issue open`,
    {
      kind: 'open',
      run: key,
      run_url: ev.runUrl,
      failure: n,
      since: s.red_since ?? day(nowMs),
      ...(ev.upstreamRef ? { upstream_ref: ev.upstreamRef } : {}),
      ...(ev.upstreamSha ? { upstream_sha: ev.upstreamSha } : {})
    }
  )
}

/**
 * Takes, renews or releases the lease on the package's pending work: held while there is work
 * and nobody else holds it, released when there is none. `holds`: this run carries the work out.
 */
export function claimWork(
  stored: SmokeState,
  me: Holder,
  nowMs: number,
  policy: LeasePolicy
): { state: SmokeState; holds: boolean } {
  const status = leaseStatus(stored.lease, me, nowMs, policy)
  if (!stored.pending.length) {
    if (status.kind !== 'mine' && status.kind !== 'stale') return { state: stored, holds: false }
    const s = cloneState(stored)
    s.lease = undefined
    return { state: s, holds: false }
  }
  if (!mayHold(status)) return { state: stored, holds: false }
  const s = cloneState(stored)
  s.lease = leaseFor(me, nowMs)
  return { state: s, holds: true }
}

export interface Done {
  effect: Effect
  /** The issue an `open` opened or adopted. */
  issue?: number
}

/**
 * Takes what this holder finished out of `pending` (an `open` records its issue), then renews or
 * releases the lease (`stop`: release it whatever is left, after a failure). Nothing changes when
 * the lease is no longer this holder's: whoever holds it now carries the work out.
 */
export function completeWork(
  stored: SmokeState,
  me: Holder,
  done: Done[],
  stop: boolean,
  nowMs: number,
  policy: LeasePolicy
): { state: SmokeState; holds: boolean; lost: boolean } {
  const status = leaseStatus(stored.lease, me, nowMs, policy)
  if (status.kind !== 'mine') {
    const ids = new Set(done.map((d) => effectId(d.effect)))
    // Our own earlier write (its answer lost) released the lease and took the work out.
    const lost = stored.pending.some((e) => ids.has(effectId(e)))
    return { state: stored, holds: false, lost }
  }
  const s = cloneState(stored)
  for (const d of done) {
    const id = effectId(d.effect)
    if (!s.pending.some((e) => effectId(e) === id)) continue
    s.pending = s.pending.filter((e) => effectId(e) !== id)
    if (d.effect.kind === 'open' && d.issue) s.open_issue_number = d.issue
  }
  if (stop) {
    s.lease = undefined
    return { state: s, holds: false, lost: false }
  }
  const next = claimWork(s, me, nowMs, policy)
  return { ...next, lost: false }
}

/** Whether `effect` was appended by this holder's own event (so nobody can have tried it before). */
export function addedBy(effect: Effect, me: Holder, added: Effect | undefined): boolean {
  return !!added && effectId(added) === effectId(effect) && effect.run === holderRun(me)
}
