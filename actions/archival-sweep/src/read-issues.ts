/**
 * The sweep's reads: open issues by label (the issues list, paginated, never the search API whose
 * index lags), each issue's events for the label episode, and its comments for posted markers.
 * Reads are not counted against `max-operations`.
 */
import { parseTrackingMarker } from '@contribs-actions/shared'
import type { Octokit } from '@contribs-actions/shared/github'
import type { SweptIssue } from './plan.js'
import type { IssueKind } from './texts.js'
import { currentEpisode, DAY_MS, IssueEventLike, postedDays } from './timeline.js'

export interface ListedIssue {
  number: number
  title: string
  body: string
  url: string
  labels: string[]
}

export interface Listing {
  issues: ListedIssue[]
}

/** Every open issue (not pull request) carrying `label`, oldest first. */
export async function listOpenLabelled(
  octokit: Octokit,
  owner: string,
  repo: string,
  label: string
): Promise<Listing> {
  const issues: ListedIssue[] = []
  const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    labels: label,
    state: 'open',
    sort: 'created',
    direction: 'asc',
    per_page: 100
  })
  for await (const page of pages) {
    for (const i of page.data) {
      if (i.pull_request) continue
      issues.push({
        number: i.number,
        title: i.title,
        body: i.body ?? '',
        url: i.html_url,
        labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? '')))
      })
    }
  }
  return { issues }
}

/** `[<label>] <package>: ...`, the title smoke-reporter gives its issues. */
export function packageFromTitle(title: string, label: string): string | undefined {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const m = new RegExp(`^\\s*\\[${escaped}\\]\\s*([^\\s:]+)\\s*:`, 'i').exec(title)
  return m?.[1]
}

/** The package an issue is about: the hidden marker first, else the title. */
export function packageOf(issue: ListedIssue, kind: IssueKind, label: string): string | undefined {
  const marker = parseTrackingMarker(issue.body)
  if (marker && marker.kind === kind) return marker.package
  return packageFromTitle(issue.title, label)
}

/**
 * Reads one issue's label episode and the milestones posted for it. Comments are read only once
 * the episode is `firstDay` days old (at `nowMs`): no marker of it can exist before, and most
 * tracked issues are young, so this saves a request per issue against the 1,000/h of GITHUB_TOKEN.
 */
export async function readSweptIssue(
  octokit: Octokit,
  owner: string,
  repo: string,
  issue: ListedIssue,
  kind: IssueKind,
  label: string,
  clock: { nowMs: number; firstDay: number }
): Promise<SweptIssue> {
  const events = (await octokit.paginate(octokit.rest.issues.listEvents, {
    owner,
    repo,
    issue_number: issue.number,
    per_page: 100
  })) as unknown as IssueEventLike[]
  const episode = currentEpisode(events, label)
  let posted = new Set<number>()
  if (episode && clock.nowMs >= Date.parse(episode.since) + clock.firstDay * DAY_MS) {
    // Markers of this episode can only be on comments made since it started.
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issue.number,
      since: episode.since,
      per_page: 100
    })
    posted = postedDays(comments, episode.id)
  }
  return {
    number: issue.number,
    title: issue.title,
    url: issue.url,
    kind,
    package: packageOf(issue, kind, label),
    labels: issue.labels,
    episode,
    posted
  }
}
