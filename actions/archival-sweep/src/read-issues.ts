/**
 * The sweep's reads of one listed issue: its events for the label episode, and its comments for
 * the markers of what earlier sweeps posted. Issues are listed by the shared listOpenLabelled.
 * Reads are not counted against `max-operations`.
 */
import {
  currentEpisode,
  currentPause,
  DAY_MS,
  IssueEventLike,
  packageFromTitle,
  parseTrackingMarker,
  Pause,
  pausePeriods,
  postedDays,
  postedPauses
} from '@contribs-actions/shared'
import {
  issueEvents,
  mayBeOurs,
  type LabelledIssue,
  type Octokit
} from '@contribs-actions/shared/github'
import type { SweptIssue } from './plan.js'
import { IssueKind, staleCloseMarker } from './texts.js'

/** The package an issue is about: the hidden marker first, else the title. */
export function packageOf(
  issue: Pick<LabelledIssue, 'title' | 'body'>,
  kind: IssueKind,
  label: string
): string | undefined {
  const marker = parseTrackingMarker(issue.body)
  if (marker && marker.kind === kind) return marker.package
  return packageFromTitle(issue.title, label)
}

/** When the issue was last reopened (ISO), from its events; undefined when never. */
function lastReopened(events: readonly IssueEventLike[]): string | undefined {
  let at: string | undefined
  for (const e of events) {
    if (e.event === 'reopened' && (at === undefined || Date.parse(e.created_at) >= Date.parse(at)))
      at = e.created_at
  }
  return at
}

/**
 * Where to start reading comments, or null when none can matter yet. A tracking issue's comments
 * are read only once its episode is `firstDay` days old, or paused (the pause notice's marker is
 * looked for): no marker can exist before, and most tracked issues are young, so this saves a
 * request per issue against the 1,000/h of GITHUB_TOKEN. A stale issue's are always read (there
 * are few), from its last reopening: a closing comment before that belongs to an earlier close.
 */
function commentsSince(
  kind: IssueKind,
  events: readonly IssueEventLike[],
  episodeSince: string | undefined,
  paused: boolean,
  clock: { nowMs: number; firstDay: number }
): string | undefined | null {
  if (kind === 'stale') return lastReopened(events)
  if (!episodeSince) return null
  if (!paused && clock.nowMs < Date.parse(episodeSince) + clock.firstDay * DAY_MS) return null
  return episodeSince
}

/** Which labels an issue is swept under: its own (tracking or stale) and the pause label. */
export interface SweepTarget {
  kind: IssueKind
  label: string
  pauseLabel: string
}

/**
 * Reads one issue's label episode, the pauses, the milestones and pause notices posted for it,
 * and whether its closing comment is there.
 */
export async function readSweptIssue(
  octokit: Octokit,
  owner: string,
  repo: string,
  issue: LabelledIssue,
  target: SweepTarget,
  clock: { nowMs: number; firstDay: number }
): Promise<SweptIssue> {
  const { kind, label } = target
  const events = await issueEvents(octokit, owner, repo, issue.number)
  const episode = currentEpisode(events, label)
  const pauses: Pause[] = episode ? pausePeriods(events, target.pauseLabel) : []
  const pkg = packageOf(issue, kind, label)
  const paused = currentPause(pauses) !== undefined
  const since = commentsSince(kind, events, episode?.since, paused, clock)
  let posted = new Set<number>()
  let pauseNoticed = new Set<string>()
  let closingPosted = false
  if (since !== null) {
    const listed = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issue.number,
      ...(since ? { since } : {}),
      per_page: 100
    })
    // Markers count only where this suite may have written them.
    const comments = listed.filter(mayBeOurs)
    if (episode) {
      posted = postedDays(comments, episode.id)
      pauseNoticed = postedPauses(comments, episode.id)
    }
    closingPosted =
      pkg !== undefined && comments.some((c) => (c.body ?? '').includes(staleCloseMarker(pkg)))
  }
  return {
    number: issue.number,
    title: issue.title,
    url: issue.url,
    kind,
    package: pkg,
    labels: issue.labels,
    episode,
    pauses,
    posted,
    pauseNoticed,
    closingPosted
  }
}
