/** Tracking issues on GitHub: find by label and marker, open with owners assigned, comment, recover. */
import { trackedByPackage } from '@contribs-actions/shared'
import type { Octokit } from '@contribs-actions/shared/github'
import {
  ensureLabel,
  listOpenLabelled,
  removeIssueLabel,
  statusOf
} from '@contribs-actions/shared/github'
import { apiError } from './clock.js'

export interface IssueRef {
  number: number
  url: string
}

export interface IssueApi {
  octokit: Octokit
  owner: string
  repo: string
  label: string
}

/** GitHub accepts at most 10 assignees on an issue. */
export const MAX_ASSIGNEES = 10
const SCOPE = 'issues: write'

/**
 * Open issues carrying the label, by the package their marker names (the oldest wins). Listed by
 * label through the issues API, never search: the search index lags, and a lagging lookup opens
 * duplicates.
 */
export async function findTracked(
  api: IssueApi,
  packages: Set<string>
): Promise<Map<string, IssueRef>> {
  try {
    const { issues } = await listOpenLabelled(api.octokit, api.owner, api.repo, api.label)
    const found = new Map<string, IssueRef>()
    for (const [pkg, issue] of trackedByPackage(issues, 'tracking')) {
      if (packages.has(pkg)) found.set(pkg, { number: issue.number, url: issue.url })
    }
    return found
  } catch (e) {
    throw apiError(`could not list the open \`${api.label}\` issues`, e, SCOPE)
  }
}

export function issueUrl(serverUrl: string, owner: string, repo: string, n: number): string {
  return `${serverUrl.replace(/\/+$/, '')}/${owner}/${repo}/issues/${n}`
}

/** The logins GitHub refused in a 422 `assignees invalid` error; all of them when it does not say. */
export function rejectedAssignees(e: unknown, tried: string[]): string[] | undefined {
  if (statusOf(e) !== 422) return undefined
  const errors = (e as { response?: { data?: { errors?: unknown[] } } }).response?.data?.errors
  const item = errors?.find(
    (x) => typeof x === 'object' && x !== null && (x as { field?: string }).field === 'assignees'
  ) as { value?: unknown } | undefined
  if (!item) return undefined
  const lower = new Set(
    (Array.isArray(item.value) ? item.value : [item.value])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.toLowerCase())
  )
  const named = tried.filter((t) => lower.has(t.toLowerCase()))
  return named.length ? named : tried
}

export interface Opened extends IssueRef {
  assigned: string[]
  rejected: string[]
}

/**
 * Opens the issue with the owners assigned. When GitHub rejects assignees (no access, unknown
 * login), the issue is opened without them and the body, built by `body(rejected)`, says so.
 */
export async function openIssue(
  api: IssueApi,
  title: string,
  assignees: string[],
  body: (rejected: string[]) => string,
  labelColor: string,
  labelDescription: string
): Promise<Opened> {
  const { octokit, owner, repo, label } = api
  try {
    await ensureLabel(octokit, owner, repo, {
      name: label,
      color: labelColor,
      description: labelDescription
    })
  } catch (e) {
    throw apiError(`could not create the label \`${label}\``, e, SCOPE)
  }
  let tryAssign = assignees
  const rejected: string[] = []
  for (;;) {
    try {
      const { data } = await octokit.rest.issues.create({
        owner,
        repo,
        title,
        body: body(rejected),
        labels: [label],
        assignees: tryAssign
      })
      return { number: data.number, url: data.html_url, assigned: tryAssign, rejected }
    } catch (e) {
      const bad = tryAssign.length ? rejectedAssignees(e, tryAssign) : undefined
      if (!bad) throw apiError(`could not open the tracking issue "${title}"`, e, SCOPE)
      rejected.push(...bad)
      tryAssign = tryAssign.filter((a) => !bad.includes(a))
    }
  }
}

export async function comment(api: IssueApi, issue: number, body: string): Promise<void> {
  try {
    await api.octokit.rest.issues.createComment({
      owner: api.owner,
      repo: api.repo,
      issue_number: issue,
      body
    })
  } catch (e) {
    throw apiError(`could not comment on issue #${issue}`, e, SCOPE)
  }
}

/** Recovery: the comment, then the label off (already gone is fine); the issue stays open. */
export async function recover(api: IssueApi, issue: number, body: string): Promise<void> {
  await comment(api, issue, body)
  try {
    await removeIssueLabel(api.octokit, api.owner, api.repo, issue, api.label)
  } catch (e) {
    throw apiError(`could not remove \`${api.label}\` from issue #${issue}`, e, SCOPE)
  }
}
