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
export function milestoneAction(m: Milestone): string {
  return `day-${m.day}-${m.kind === 'archive' ? 'archived' : m.kind}`
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
  // Events come oldest first; a stable sort by time keeps the API's order within one second.
  const ordered = events
    .map((e, i) => ({ e, i, t: Date.parse(e.created_at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
  for (const { e } of ordered) {
    if (e.label?.name.toLowerCase() !== name) continue
    if (e.event === 'labeled')
      current = { id: String(e.id), since: e.created_at, actor: e.actor?.login }
    else if (e.event === 'unlabeled') current = undefined
  }
  return current
}

/** Whole days elapsed since the episode started (a milestone is due once this reaches its day). */
export function ageDays(since: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(since)) / DAY_MS))
}

/** When a milestone of an episode falls due, in epoch ms. */
export function dueAt(episode: Episode, m: Milestone): number {
  return Date.parse(episode.since) + m.day * DAY_MS
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
  const days = new Set<number>()
  for (const c of comments) {
    for (const m of (c.body ?? '').matchAll(MARKER)) {
      if (m[2] === episode) days.add(Number(m[1]))
    }
  }
  return days
}
