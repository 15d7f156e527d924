/**
 * The archival clock, as pure functions over what GitHub returns. The clock starts when the
 * tracking label was last applied (an issue event), never from a run counter or from the issue's
 * `updated_at`: scheduled runs are late or dropped, and bot comments bump `updated_at`. Which
 * milestones were posted is read back from hidden markers in the issue's comments, so the sweep
 * keeps no state of its own and a re-run posts nothing twice.
 */

export const DAY_MS = 86_400_000

export type MilestoneKind = 'reminder' | 'notice' | 'archive'

export interface Milestone {
  day: number
  kind: MilestoneKind
}

/**
 * The milestones for `archival_days`: the last day archives, the one before it announces the
 * release-notes mention, every earlier day is a reminder. `[7, 14, 21]` is the reference's
 * reminder / notice / archive; `[21]` archives with no warning; `[3, 7, 14, 21]` reminds twice.
 */
export function milestonesFor(days: readonly number[]): Milestone[] {
  const sorted = [...new Set(days)].sort((a, b) => a - b)
  return sorted.map((day, i) => ({
    day,
    kind: i === sorted.length - 1 ? 'archive' : i === sorted.length - 2 ? 'notice' : 'reminder'
  }))
}

/** The name of a milestone in outputs and logs, e.g. `day-7-reminder`. */
export function milestoneAction(milestone: Milestone): string {
  return `day-${milestone.day}-${milestone.kind === 'archive' ? 'archived' : milestone.kind}`
}

/** A label episode: one application of the label, identified by its `labeled` event. */
export interface Episode {
  /** The `labeled` event's id: the milestone markers name it. */
  id: string
  /** When the label was applied (ISO 8601). */
  since: string
  /** Who applied it. */
  actor?: string
}

/** The fields of an issue event (GET /issues/{n}/events) this module reads. */
export interface IssueEventLike {
  id: number | string
  event: string
  created_at: string
  label?: { name: string } | null
  actor?: { login: string } | null
}

/** Events oldest first; a stable sort by time keeps the API's order within one second. */
function chronological(events: readonly IssueEventLike[]): { e: IssueEventLike }[] {
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.created_at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
}

/**
 * The current episode of `label` on an issue: its most recent `labeled` event with no later
 * `unlabeled` for the same label (names compare case-insensitively, as GitHub matches labels).
 * Undefined when the label is not on the issue by its events: the clock is stopped.
 */
export function currentEpisode(
  events: readonly IssueEventLike[],
  label: string
): Episode | undefined {
  const name = label.toLowerCase()
  let current: Episode | undefined
  for (const { e } of chronological(events)) {
    if (e.label?.name.toLowerCase() !== name) continue
    if (e.event === 'labeled')
      current = { id: String(e.id), since: e.created_at, actor: e.actor?.login }
    else if (e.event === 'unlabeled') current = undefined
  }
  return current
}

/**
 * One application of the pause label: from its `labeled` event to its `unlabeled` event (none
 * while it is still on). Wall-clock time inside a pause is not counted by the archival clock.
 */
export interface Pause {
  /** The `labeled` event's id: the pause notice's marker names it. */
  id: string
  since: string
  /** When the label was removed; undefined while it is on. */
  until?: string
  actor?: string
}

/**
 * Every period the pause label was on, oldest first, from the issue's events (names compare
 * case-insensitively). A second `labeled` while on, which GitHub does not emit, changes nothing.
 */
export function pausePeriods(events: readonly IssueEventLike[], label: string): Pause[] {
  const name = label.toLowerCase()
  const out: Pause[] = []
  let open: Pause | undefined
  for (const { e } of chronological(events)) {
    if (e.label?.name.toLowerCase() !== name) continue
    if (e.event === 'labeled' && !open) {
      open = { id: String(e.id), since: e.created_at, actor: e.actor?.login }
      out.push(open)
    } else if (e.event === 'unlabeled' && open) {
      open.until = e.created_at
      open = undefined
    }
  }
  return out
}

/** The pause on now (the last period, when its label is still on). */
export function currentPause(pauses: readonly Pause[]): Pause | undefined {
  const last = pauses[pauses.length - 1]
  return last && last.until === undefined ? last : undefined
}

/** Milliseconds of `[fromMs, toMs]` that fall inside a pause. */
export function pausedMs(pauses: readonly Pause[], fromMs: number, toMs: number): number {
  let total = 0
  for (const p of pauses) {
    const start = Math.max(fromMs, Date.parse(p.since))
    const end = Math.min(toMs, p.until === undefined ? toMs : Date.parse(p.until))
    if (end > start) total += end - start
  }
  return total
}

/** Whole days the clock has run since the episode started: wall time minus paused time. */
export function ageDays(since: string, nowMs: number, pauses: readonly Pause[] = []): number {
  const start = Date.parse(since)
  const running = nowMs - start - pausedMs(pauses, start, nowMs)
  return Math.max(0, Math.floor(running / DAY_MS))
}

/**
 * When a milestone of an episode falls due, in epoch ms (wall clock): `day` days of running
 * clock after the label was applied, each pause pushing it back by its length. Infinity when a
 * pause still on stops the clock before it is reached.
 */
export function dueAt(
  episode: Episode,
  milestone: Milestone,
  pauses: readonly Pause[] = []
): number {
  let cursor = Date.parse(episode.since)
  let left = milestone.day * DAY_MS
  const ordered = [...pauses].sort((a, b) => Date.parse(a.since) - Date.parse(b.since))
  for (const p of ordered) {
    const start = Date.parse(p.since)
    const end = p.until === undefined ? Infinity : Date.parse(p.until)
    if (end <= cursor) continue
    if (start > cursor) {
      if (start - cursor >= left) return cursor + left
      left -= start - cursor
    }
    cursor = end
  }
  return cursor + left
}

/** The hidden marker a milestone comment carries. Part of the contract with existing issues. */
export function milestoneMarker(day: number, episode: string): string {
  return `<!-- contribs-actions:milestone day=${day} episode=${episode} -->`
}

const MARKER = /<!--\s*contribs-actions:milestone\s+day=(\d+)\s+episode=([^\s>]+)\s*-->/g

/** The milestone days already posted for `episode`, read from comment bodies. */
export function postedDays(
  comments: readonly { body?: string | null }[],
  episode: string
): Set<number> {
  return new Set(
    markedValues(comments, MARKER, (m) => (m[2] === episode ? m[1] : undefined)).map(Number)
  )
}

/** What `pick` takes from every match of a marker `pattern` (global) in the comments' bodies. */
function markedValues(
  comments: readonly { body?: string | null }[],
  pattern: RegExp,
  pick: (match: RegExpMatchArray) => string | undefined
): string[] {
  const out: string[] = []
  for (const c of comments)
    for (const m of (c.body ?? '').matchAll(pattern)) {
      const value = pick(m)
      if (value !== undefined) out.push(value)
    }
  return out
}

/**
 * The hidden marker of the comment saying the timeline is paused: one per pause of an episode,
 * so a re-run finds it and does not post it again.
 */
export function pauseMarker(episode: string, pause: string): string {
  return `<!-- contribs-actions:paused episode=${episode} pause=${pause} -->`
}

const PAUSE_MARKER = /<!--\s*contribs-actions:paused\s+episode=([^\s>]+)\s+pause=([^\s>]+)\s*-->/g

/** The pauses of `episode` whose notice is posted, by pause id. */
export function postedPauses(
  comments: readonly { body?: string | null }[],
  episode: string
): Set<string> {
  return new Set(markedValues(comments, PAUSE_MARKER, (m) => (m[1] === episode ? m[2] : undefined)))
}
