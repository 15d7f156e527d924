/**
 * The per-package lifecycle as a pure function of (stored state, this run's signal). Every write
 * path (per-file compare-and-swap in record mode, one commit in aggregate mode) calls it again on
 * a conflict with the state it re-read, so a lost race re-applies this run's event instead of
 * overwriting another run's.
 */
import { plural } from '@contribs-actions/shared'
import {
  cloneState,
  IssueClaim,
  MAX_COUNTED_RUNS,
  PendingComment,
  resetState,
  serializeState,
  SmokeState
} from './state.js'

export interface SmokeEvent {
  outcome: 'success' | 'failure'
  runId: number
  attempt: number
  runUrl: string
  /** The commit the green run tested (the recovery comment names it). */
  sha?: string
}

export interface Policy {
  threshold: number
  /** A claim older than this (ms) belongs to a run that died before opening the issue. */
  claimLeaseMs: number
}

export const DEFAULT_CLAIM_LEASE_MS = 10 * 60_000

export type Transition =
  /** This run and attempt was counted already (a second leg, or the same run reported twice). */
  | { kind: 'duplicate' }
  /** Green on a clean state: nothing to do, nothing to write. */
  | { kind: 'unchanged' }
  /** Green after reds below the threshold: counters reset silently. */
  | { kind: 'reset' }
  /** Green with a tracking issue: comment, remove the label, forget the issue. `issue` undefined: find it by its marker (a claimant died). */
  | { kind: 'recover'; issue?: number }
  /** Green while another run is opening the issue: that run posts the recovery. */
  | { kind: 'recover-pending' }
  | { kind: 'count'; failures: number }
  /** Red again in a later attempt of a run already counted: the streak does not grow. */
  | { kind: 'rerun'; failures: number }
  /** This run claimed the issue: find one by its marker or open it, then finalize. */
  | { kind: 'open'; failures: number; claim: IssueClaim }
  | { kind: 'comment'; issue: number; failures: number }
  /** Red while another run opens the issue: queued in the state, that run posts the comment. */
  | { kind: 'queued'; failures: number }

export interface Applied {
  state: SmokeState
  changed: boolean
  transition: Transition
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

function claimFresh(claim: IssueClaim | undefined, nowMs: number, policy: Policy): boolean {
  if (!claim) return false
  const at = Date.parse(claim.at)
  return Number.isFinite(at) && nowMs - at < policy.claimLeaseMs
}

function counted(s: SmokeState): string[] {
  const list = [...(s.counted_runs ?? [])]
  if (s.last_counted_run && !list.includes(s.last_counted_run)) list.push(s.last_counted_run)
  return list
}

const failures = (n: number) => plural(n, 'consecutive failure')

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
  const result = (state: SmokeState, transition: Transition, why: string): Applied => ({
    state,
    changed: serializeState(state) !== serializeState(stored),
    transition,
    why
  })
  if (ev.outcome === 'success') return applyGreen(stored, ev, policy, nowMs, result)
  return applyRed(stored, ev, policy, nowMs, seen, result)
}

type Result = (state: SmokeState, transition: Transition, why: string) => Applied

function applyGreen(
  stored: SmokeState,
  ev: SmokeEvent,
  policy: Policy,
  nowMs: number,
  result: Result
): Applied {
  const reset = resetState(stored)
  if (serializeState(reset) === serializeState(stored))
    return {
      state: stored,
      changed: false,
      transition: { kind: 'unchanged' },
      why: 'green on a clean state'
    }
  const issue = stored.open_issue_number
  if (issue !== null)
    return result(
      reset,
      { kind: 'recover', issue },
      `green after ${failures(stored.consecutive_failures)} with tracking issue #${issue} open`
    )
  const claim = stored.issue_claim
  if (claim && claimFresh(claim, nowMs, policy)) {
    reset.issue_claim = {
      ...claim,
      recovered: { date: day(nowMs), ...(ev.sha ? { sha: ev.sha } : {}) }
    }
    return result(
      reset,
      { kind: 'recover-pending' },
      `green while run ${claim.run} opens the issue (claimed ${claim.at}, within the lease): that run posts the recovery`
    )
  }
  // An abandoned claim may have left an issue behind: recover it too, found by its marker.
  if (claim)
    return result(
      reset,
      { kind: 'recover' },
      `green; the issue claim of run ${claim.run} (${claim.at}) is past the lease and may have left an issue: found by its marker`
    )
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
  const rerun = () =>
    result(
      s,
      { kind: 'rerun', failures: n },
      `red again in attempt ${ev.attempt} of run ${ev.runId}, which was counted: the streak stays at ${n}`
    )
  if (n < policy.threshold)
    return sameRun
      ? rerun()
      : result(
          s,
          { kind: 'count', failures: n },
          `red: ${failures(n)}, below the threshold of ${policy.threshold}`
        )
  if (s.open_issue_number !== null) {
    if (sameRun) return rerun()
    return result(
      s,
      { kind: 'comment', issue: s.open_issue_number, failures: n },
      `red: ${failures(n)} and tracking issue #${s.open_issue_number} is open`
    )
  }
  const held = s.issue_claim
  if (held && claimFresh(held, nowMs, policy) && !held.recovered) {
    if (sameRun) return rerun()
    s.pending_comments = [...(s.pending_comments ?? []), { run_url: ev.runUrl, failure: n }]
    return result(
      s,
      { kind: 'queued', failures: n },
      `red while run ${held.run} opens the issue (claimed ${held.at}): its comment is queued for that run`
    )
  }
  const claim: IssueClaim = { run: key, at: new Date(nowMs).toISOString() }
  s.issue_claim = claim
  s.pending_comments = undefined
  return result(
    s,
    { kind: 'open', failures: n, claim },
    `red: ${failures(n)} reached the threshold of ${policy.threshold} with no issue open` +
      (held ? ` (the claim of run ${held.run} is past the lease or recovered)` : '') +
      ': this run claims the issue'
  )
}

export interface Finalized {
  state: SmokeState
  changed: boolean
  /** The claim is no longer this run's (taken over after the lease, or a recovery came first and was finalized). */
  lost: boolean
  /** Reds counted while the issue was being opened: post their comments now. */
  pending: PendingComment[]
  /** A green run came while the issue was being opened: post the recovery now. */
  recovered?: { date: string; sha?: string }
}

/** Records the issue the claimant opened (or found), and hands over what was queued for it. */
export function finalizeClaim(stored: SmokeState, claimRun: string, issue: number): Finalized {
  const claim = stored.issue_claim
  if (!claim || claim.run !== claimRun)
    return { state: stored, changed: false, lost: true, pending: [] }
  const s = cloneState(stored)
  s.issue_claim = undefined
  s.pending_comments = undefined
  if (claim.recovered)
    return { state: s, changed: true, lost: false, pending: [], recovered: claim.recovered }
  s.open_issue_number = issue
  return { state: s, changed: true, lost: false, pending: stored.pending_comments ?? [] }
}
