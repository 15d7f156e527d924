import { blobSha } from '@contribs-actions/shared'

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
  /** A run that is opening the tracking issue right now (see README: "No duplicate issues"). */
  issue_claim?: IssueClaim
  /** Reds counted while the issue was being opened; the claimant posts their comments. */
  pending_comments?: PendingComment[]
  extra: Record<string, unknown>
}

export interface IssueClaim {
  /** `run_id/attempt` of the claimant. */
  run: string
  /** When the claim was made (GitHub's clock, ISO). A claim older than the lease is abandoned. */
  at: string
  /** Set when a green run reset the state while the issue was being opened. */
  recovered?: { date: string; sha?: string }
}

export interface PendingComment {
  run_url: string
  failure: number
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
  'issue_claim',
  'pending_comments'
]

export const MAX_COUNTED_RUNS = 20

export function emptyState(): SmokeState {
  return {
    consecutive_failures: 0,
    last_failure_run_url: null,
    label_applied_days: 0,
    milestones_posted: [],
    open_issue_number: null,
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
  const bad = (field: string, want: string) =>
    new StateFormatError(`\`${field}\` must be ${want} (got ${JSON.stringify(d[field])})`)
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
    if (!isInt(d.open_issue_number, 1)) throw bad('open_issue_number', 'an issue number or null')
    s.open_issue_number = d.open_issue_number as number
  }
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
  if (d.issue_claim !== undefined && d.issue_claim !== null) {
    const c = d.issue_claim as Record<string, unknown>
    if (typeof c !== 'object' || typeof c.run !== 'string' || typeof c.at !== 'string')
      throw bad('issue_claim', 'an object {run, at}')
    s.issue_claim = { run: c.run, at: c.at }
    const r = c.recovered as Record<string, unknown> | undefined
    if (r && typeof r === 'object' && typeof r.date === 'string')
      s.issue_claim.recovered = {
        date: r.date,
        ...(typeof r.sha === 'string' ? { sha: r.sha } : {})
      }
  }
  if (d.pending_comments !== undefined) {
    const list = d.pending_comments
    if (
      !Array.isArray(list) ||
      !list.every(
        (p: unknown) =>
          typeof (p as PendingComment)?.run_url === 'string' &&
          isInt((p as PendingComment)?.failure, 1)
      )
    )
      throw bad('pending_comments', 'a list of {run_url, failure}')
    s.pending_comments = list as PendingComment[]
  }
  for (const [k, v] of Object.entries(d)) if (!KNOWN.includes(k)) s.extra[k] = v
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
  if (s.issue_claim !== undefined) out.issue_claim = s.issue_claim
  if (s.pending_comments !== undefined && s.pending_comments.length)
    out.pending_comments = s.pending_comments
  for (const [k, v] of Object.entries(s.extra)) if (!(k in out)) out[k] = v
  return JSON.stringify(out, null, 2) + '\n'
}

export function cloneState(s: SmokeState): SmokeState {
  return { ...parseState(serializeState(s)) }
}

/** The counters reset, the issue forgotten; unknown fields kept. */
export function resetState(s: SmokeState): SmokeState {
  return { ...emptyState(), extra: { ...s.extra } }
}

/**
 * The bytes of a clean state (no streak, no issue, no unknown fields). Every reset writes exactly
 * these, so a reader that sees this blob id in a directory listing knows the content without
 * fetching it: a run over many green packages costs no request per package.
 */
export const CLEAN_TEXT = serializeState(emptyState())
export const CLEAN_SHA = blobSha(CLEAN_TEXT)
