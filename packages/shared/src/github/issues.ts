import type { IssueEventLike } from '../archival-timeline.js'
import type { Octokit } from './client.js'

/** An open issue as listed by label: what the callers match markers, titles and labels on. */
export interface LabelledIssue {
  number: number
  title: string
  body: string
  url: string
  labels: string[]
}

export interface LabelledListing {
  issues: LabelledIssue[]
}

/**
 * Every open issue (not pull request) carrying `label`, oldest first. Listed through the issues
 * API, paginated, never the search API: its index lags, so a lookup right after a create (or a
 * lost response) would miss the issue and open a duplicate.
 */
export async function listOpenLabelled(
  octokit: Octokit,
  owner: string,
  repo: string,
  label: string
): Promise<LabelledListing> {
  const issues: LabelledIssue[] = []
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

/**
 * Every event of an issue or pull request, oldest first as GitHub lists them, every page: the
 * labels put on and taken off that the archival clock is read from, and review requests.
 */
export async function issueEvents(
  octokit: Octokit,
  owner: string,
  repo: string,
  issue: number
): Promise<IssueEventLike[]> {
  const events = await octokit.paginate(octokit.rest.issues.listEvents, {
    owner,
    repo,
    issue_number: issue,
    per_page: 100
  })
  return events as unknown as IssueEventLike[]
}
