import { blobSha } from '@contribs-actions/shared'
import { Lease, parseLease } from '@contribs-actions/shared/github'

/**
 * One package's smoke state, as stored in `<state_dir>/<package>.json` on the state branch.
 * The first five fields are the reference bot's, read and written under their names so a
 * repository that already has state keeps it. `label_applied_days` and `milestones_posted` are
 * kept for compatibility and reset on recovery; archival-sweep times its milestones by the label
 * event, not by them. Fields this action does not know are kept as they were, in `extra`.
 */
export interface SmokeState {
  consecutive_failures: number
  last_failure_run_url: string | null
  label_applied_days: number
  milestones_posted: unknown[]
  open_issue_number: number | null
  /** Day (YYYY-MM-DD, GitHub's clock) of the first red of the current streak: the issue title's date. */
  red_since?: string
  /** `run_id/attempt` of the last run counted. */
  last_counted_run?: string
  /** The recent runs counted in this streak (`run_id/attempt`, newest last, at most 20). */
  counted_runs?: string[]
  /**
   * What is still to be done on GitHub for this package, oldest first (see README "Exactly
   * once"). A run records its effect here in the same write that counts it, and removes it once
   * GitHub has it; whatever a failed run leaves here, the next run carries out.
   */
  pending: Effect[]
  /** The run carrying out `pending` right now (the shared state lease). */
  lease?: Lease
  extra: Record<string, unknown>
}

/** Open the tracking issue (or adopt the one carrying the package's marker). */
export interface OpenEffect {
  kind: 'open'
  /** `run_id/attempt` of the red run that reached the threshold. */
  run: string
  run_url: string
  failure: number
  /** The issue title's date. */
  since: string
  upstream_ref?: string
  upstream_sha?: string
}

/** "Still red" on the tracking issue (`issue` unset: the one the `open` ahead of it opens). */
export interface CommentEffect {
  kind: 'comment'
  run: string
  run_url: string
  failure: number
  issue?: number
}

/** The recovery comment and the label off (`issue` unset: the open issue found by its marker). */
export interface RecoverEffect {
  kind: 'recover'
  run: string
  date: string
  sha?: string
  issue?: number
}

export type Effect = OpenEffect | CommentEffect | RecoverEffect

/** One effect per kind and run: its identity in `pending` and in the marker of what it writes. */
export function effectId(effect: Effect): string {
  return `${effect.kind}:${effect.run}`
}

const KNOWN = [
  'consecutive_failures',
  'last_failure_run_url',
  'label_applied_days',
  'milestones_posted',
  'open_issue_number',
  'red_since',
  'last_counted_run',
  'counted_runs',
  'pending',
  'lease'
]

/**
 * Written by earlier versions while an issue was being opened. Dropped when read: a red run at
 * the threshold with no issue recorded opens one, or adopts the one such a run left open.
 */
const LEGACY = ['issue_claim', 'pending_comments']

export const MAX_COUNTED_RUNS = 20

export function emptyState(): SmokeState {
  return {
    consecutive_failures: 0,
    last_failure_run_url: null,
    label_applied_days: 0,
    milestones_posted: [],
    open_issue_number: null,
    pending: [],
    extra: {}
  }
}

/** A state file that cannot be trusted; the action stops rather than overwrite it. */
export class StateFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StateFormatError'
  }
}

const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min
const isText = (v: unknown) => typeof v === 'string' && v.length > 0
const isOptional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v)
const isIssue = (v: unknown) => isInt(v, 1)

/** One entry of `pending`, checked field by field; undefined when it is not an effect. */
function parseEffect(value: unknown): Effect | undefined {
  const e = value as Record<string, unknown>
  if (typeof e !== 'object' || e === null || !isText(e.run)) return undefined
  let ok = false
  if (e.kind === 'open')
    ok =
      isText(e.run_url) &&
      isInt(e.failure, 1) &&
      isText(e.since) &&
      isOptional(e.upstream_ref, isText) &&
      isOptional(e.upstream_sha, isText)
  else if (e.kind === 'comment')
    ok = isText(e.run_url) && isInt(e.failure, 1) && isOptional(e.issue, isIssue)
  else if (e.kind === 'recover')
    ok = isText(e.date) && isOptional(e.sha, isText) && isOptional(e.issue, isIssue)
  return ok ? (e as unknown as Effect) : undefined
}

type Bad = (field: string, want: string) => StateFormatError

/** The fields the reference bot writes. */
function readReferenceFields(record: Record<string, unknown>, state: SmokeState, bad: Bad): void {
  if (record.consecutive_failures !== undefined) {
    if (!isInt(record.consecutive_failures, 0)) throw bad('consecutive_failures', 'an integer >= 0')
    state.consecutive_failures = record.consecutive_failures as number
  }
  if (record.last_failure_run_url !== undefined && record.last_failure_run_url !== null) {
    if (typeof record.last_failure_run_url !== 'string')
      throw bad('last_failure_run_url', 'a URL or null')
    state.last_failure_run_url = record.last_failure_run_url
  }
  if (record.label_applied_days !== undefined) {
    if (typeof record.label_applied_days !== 'number' || record.label_applied_days < 0)
      throw bad('label_applied_days', 'a number >= 0')
    state.label_applied_days = record.label_applied_days
  }
  if (record.milestones_posted !== undefined) {
    if (!Array.isArray(record.milestones_posted)) throw bad('milestones_posted', 'a list')
    state.milestones_posted = record.milestones_posted
  }
  if (record.open_issue_number !== undefined && record.open_issue_number !== null) {
    if (!isIssue(record.open_issue_number))
      throw bad('open_issue_number', 'an issue number or null')
    state.open_issue_number = record.open_issue_number as number
  }
}

/** The fields this action adds. */
function readOwnFields(record: Record<string, unknown>, state: SmokeState, bad: Bad): void {
  if (record.red_since !== undefined) {
    if (typeof record.red_since !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(record.red_since))
      throw bad('red_since', 'a YYYY-MM-DD date')
    state.red_since = record.red_since
  }
  if (record.last_counted_run !== undefined) {
    if (typeof record.last_counted_run !== 'string')
      throw bad('last_counted_run', 'a "run/attempt"')
    state.last_counted_run = record.last_counted_run
  }
  if (record.counted_runs !== undefined) {
    if (
      !Array.isArray(record.counted_runs) ||
      !record.counted_runs.every((r) => typeof r === 'string')
    )
      throw bad('counted_runs', 'a list of "run/attempt" strings')
    state.counted_runs = record.counted_runs as string[]
  }
  if (record.pending !== undefined) {
    const list = Array.isArray(record.pending) ? record.pending.map(parseEffect) : [undefined]
    if (list.some((e) => e === undefined))
      throw bad('pending', 'a list of effects {kind: open, comment or recover, run, ...}')
    state.pending = list as Effect[]
  }
  if (record.lease !== undefined && record.lease !== null) {
    const lease = parseLease(record.lease)
    if (!lease) throw bad('lease', 'an object {run, token, at}')
    state.lease = lease
  }
}

/** Parses a state file. Missing reference fields take their defaults; a wrong type is an error. */
export function parseState(text: string): SmokeState {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new StateFormatError(`not valid JSON (${(e as Error).message})`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new StateFormatError('not a JSON object')
  const d = data as Record<string, unknown>
  const s = emptyState()
  const bad: Bad = (field, want) =>
    new StateFormatError(`\`${field}\` must be ${want} (got ${JSON.stringify(d[field])})`)
  readReferenceFields(d, s, bad)
  readOwnFields(d, s, bad)
  for (const [k, v] of Object.entries(d))
    if (!KNOWN.includes(k) && !LEGACY.includes(k)) s.extra[k] = v
  return s
}

/** The file's text: reference fields first, then ours, then unknown fields; a stable order, so equal states are equal bytes. */
export function serializeState(state: SmokeState): string {
  const out: Record<string, unknown> = {
    consecutive_failures: state.consecutive_failures,
    last_failure_run_url: state.last_failure_run_url,
    label_applied_days: state.label_applied_days,
    milestones_posted: state.milestones_posted,
    open_issue_number: state.open_issue_number
  }
  if (state.red_since !== undefined) out.red_since = state.red_since
  if (state.last_counted_run !== undefined) out.last_counted_run = state.last_counted_run
  if (state.counted_runs !== undefined) out.counted_runs = state.counted_runs
  if (state.pending.length) out.pending = state.pending
  if (state.lease !== undefined) out.lease = state.lease
  for (const [k, v] of Object.entries(state.extra)) if (!(k in out)) out[k] = v
  return JSON.stringify(out, null, 2) + '\n'
}

export function cloneState(state: SmokeState): SmokeState {
  return parseState(serializeState(state))
}

export function sameState(a: SmokeState, b: SmokeState): boolean {
  return serializeState(a) === serializeState(b)
}

/** The counters reset and the issue forgotten; the pending work, its lease and unknown fields kept. */
export function resetCounters(state: SmokeState): SmokeState {
  return {
    ...emptyState(),
    pending: [...state.pending],
    lease: state.lease,
    extra: { ...state.extra }
  }
}

/**
 * The bytes of a clean state (no streak, no issue, no pending work, no unknown fields). Every
 * finished reset writes exactly these, so a reader that sees this blob id in a directory listing knows the content without
 * fetching it: a run over many green packages costs no request per package.
 */
export const CLEAN_TEXT = serializeState(emptyState())
export const CLEAN_SHA = blobSha(CLEAN_TEXT)
