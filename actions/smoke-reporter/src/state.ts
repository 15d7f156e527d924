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
export function effectId(e: Effect): string {
  return `${e.kind}:${e.run}`
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
function parseEffect(v: unknown): Effect | undefined {
  const e = v as Record<string, unknown>
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
function readReferenceFields(d: Record<string, unknown>, s: SmokeState, bad: Bad): void {
  if (d.consecutive_failures !== undefined) {
    if (!isInt(d.consecutive_failures, 0)) throw bad('consecutive_failures', 'an integer >= 0')
    s.consecutive_failures = d.consecutive_failures as number
  }
  if (d.last_failure_run_url !== undefined && d.last_failure_run_url !== null) {
    if (typeof d.last_failure_run_url !== 'string')
      throw bad('last_failure_run_url', 'a URL or null')
    s.last_failure_run_url = d.last_failure_run_url
  }
  if (d.label_applied_days !== undefined) {
    if (typeof d.label_applied_days !== 'number' || d.label_applied_days < 0)
      throw bad('label_applied_days', 'a number >= 0')
    s.label_applied_days = d.label_applied_days
  }
  if (d.milestones_posted !== undefined) {
    if (!Array.isArray(d.milestones_posted)) throw bad('milestones_posted', 'a list')
    s.milestones_posted = d.milestones_posted
  }
  if (d.open_issue_number !== undefined && d.open_issue_number !== null) {
    if (!isIssue(d.open_issue_number)) throw bad('open_issue_number', 'an issue number or null')
    s.open_issue_number = d.open_issue_number as number
  }
}

/** The fields this action adds. */
function readOwnFields(d: Record<string, unknown>, s: SmokeState, bad: Bad): void {
  if (d.red_since !== undefined) {
    if (typeof d.red_since !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d.red_since))
      throw bad('red_since', 'a YYYY-MM-DD date')
    s.red_since = d.red_since
  }
  if (d.last_counted_run !== undefined) {
    if (typeof d.last_counted_run !== 'string') throw bad('last_counted_run', 'a "run/attempt"')
    s.last_counted_run = d.last_counted_run
  }
  if (d.counted_runs !== undefined) {
    if (!Array.isArray(d.counted_runs) || !d.counted_runs.every((r) => typeof r === 'string'))
      throw bad('counted_runs', 'a list of "run/attempt" strings')
    s.counted_runs = d.counted_runs as string[]
  }
  if (d.pending !== undefined) {
    const list = Array.isArray(d.pending) ? d.pending.map(parseEffect) : [undefined]
    if (list.some((e) => e === undefined))
      throw bad('pending', 'a list of effects {kind: open, comment or recover, run, ...}')
    s.pending = list as Effect[]
  }
  if (d.lease !== undefined && d.lease !== null) {
    const lease = parseLease(d.lease)
    if (!lease) throw bad('lease', 'an object {run, token, at}')
    s.lease = lease
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
export function serializeState(s: SmokeState): string {
  const out: Record<string, unknown> = {
    consecutive_failures: s.consecutive_failures,
    last_failure_run_url: s.last_failure_run_url,
    label_applied_days: s.label_applied_days,
    milestones_posted: s.milestones_posted,
    open_issue_number: s.open_issue_number
  }
  if (s.red_since !== undefined) out.red_since = s.red_since
  if (s.last_counted_run !== undefined) out.last_counted_run = s.last_counted_run
  if (s.counted_runs !== undefined) out.counted_runs = s.counted_runs
  if (s.pending.length) out.pending = s.pending
  if (s.lease !== undefined) out.lease = s.lease
  for (const [k, v] of Object.entries(s.extra)) if (!(k in out)) out[k] = v
  return JSON.stringify(out, null, 2) + '\n'
}

export function cloneState(s: SmokeState): SmokeState {
  return parseState(serializeState(s))
}

export function sameState(a: SmokeState, b: SmokeState): boolean {
  return serializeState(a) === serializeState(b)
}

/** The counters reset and the issue forgotten; the pending work, its lease and unknown fields kept. */
export function resetCounters(s: SmokeState): SmokeState {
  return { ...emptyState(), pending: [...s.pending], lease: s.lease, extra: { ...s.extra } }
}

/**
 * The bytes of a clean state (no streak, no issue, no pending work, no unknown fields). Every
 * finished reset writes exactly these, so a reader that sees this blob id in a directory listing knows the content without
 * fetching it: a run over many green packages costs no request per package.
 */
export const CLEAN_TEXT = serializeState(emptyState())
export const CLEAN_SHA = blobSha(CLEAN_TEXT)
