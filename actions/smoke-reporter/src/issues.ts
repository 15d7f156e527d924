/** Tracking issues on GitHub: find by label and marker, open with owners assigned, comment, recover. */
import { trackedByPackage } from '@contribs-actions/shared'
import type { Octokit } from '@contribs-actions/shared/github'
import {
  apiError,
  createOnce,
  ensureLabel,
  listOpenLabelled,
  removeIssueLabel,
  statusOf
} from '@contribs-actions/shared/github'

export interface IssueRef {
  number: number
  url: string
}

export interface TrackedIssue extends IssueRef {
  body: string
}

export interface IssueApi {
  octokit: Octokit
  owner: string
  repo: string
  label: string
}

/** GitHub accepts at most 10 assignees on an issue. */
export const MAX_ASSIGNEES = 10
export const SCOPE = 'issues: write'

/**
 * Open issues carrying the label, by the package their marker names (the oldest wins). Listed by
 * label through the issues API, never search: the search index lags, and a lagging lookup opens
 * duplicates.
 */
export async function findTracked(
  api: IssueApi,
  packages: Set<string>
): Promise<Map<string, TrackedIssue>> {
  try {
    const { issues } = await listOpenLabelled(api.octokit, api.owner, api.repo, api.label)
    const found = new Map<string, TrackedIssue>()
    for (const [pkg, issue] of trackedByPackage(issues, 'tracking')) {
      if (packages.has(pkg))
        found.set(pkg, { number: issue.number, url: issue.url, body: issue.body })
    }
    return found
  } catch (e) {
    throw apiError(`could not list the open \`${api.label}\` issues`, e, SCOPE)
  }
}

export function issueUrl(serverUrl: string, owner: string, repo: string, issue: number): string {
  return `${serverUrl.replace(/\/+$/, '')}/${owner}/${repo}/issues/${issue}`
}

/** The logins GitHub refused in a 422 `assignees invalid` error; all of them when it does not say. */
export function rejectedAssignees(error: unknown, tried: string[]): string[] | undefined {
  if (statusOf(error) !== 422) return undefined
  const errors = (error as { response?: { data?: { errors?: unknown[] } } }).response?.data?.errors
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
  /** Found by its marker after a create whose answer was lost: made by this run's own request. */
  adopted: boolean
}

export interface OpenSpec {
  title: string
  assignees: string[]
  /** The body, saying whom GitHub refused as assignees. */
  body: (rejected: string[]) => string
  label: { color: string; description: string }
  /** Looks the issue up by its marker (after a failed or lost create). */
  find: () => Promise<IssueRef | undefined>
  /** Per-request options of the create, e.g. a lease fence. */
  request?: Record<string, unknown>
}

/**
 * The label the issue carries, created with its colour unless it exists (ensureLabel: a create
 * whose answer was lost is looked up by name, not sent again).
 */
async function labelFor(api: IssueApi, spec: OpenSpec): Promise<void> {
  const { octokit, owner, repo, label } = api
  try {
    await ensureLabel(octokit, owner, repo, { name: label, ...spec.label })
  } catch (e) {
    throw apiError(`could not create the label \`${label}\``, e, SCOPE)
  }
}

/**
 * Opens the issue with the owners assigned, exactly once (createOnce: a lost answer is looked up
 * by the marker, never sent again). When GitHub rejects assignees (no access, unknown login), the
 * issue is opened without them and the body, built by `body(rejected)`, says so.
 */
export async function openIssue(api: IssueApi, spec: OpenSpec): Promise<Opened> {
  const { octokit, owner, repo, label } = api
  await labelFor(api, spec)
  let tryAssign = spec.assignees
  const rejected: string[] = []
  const create = async (): Promise<IssueRef> => {
    for (;;) {
      try {
        const { data } = await octokit.rest.issues.create({
          owner,
          repo,
          title: spec.title,
          body: spec.body(rejected),
          labels: [label],
          assignees: tryAssign,
          ...(spec.request ? { request: spec.request } : {})
        })
        return { number: data.number, url: data.html_url }
      } catch (e) {
        const bad = tryAssign.length ? rejectedAssignees(e, tryAssign) : undefined
        if (!bad) throw e
        rejected.push(...bad)
        tryAssign = tryAssign.filter((a) => !bad.includes(a))
      }
    }
  }
  try {
    const made = await createOnce({ create, find: spec.find })
    return { ...made.value, assigned: tryAssign, rejected, adopted: made.adopted }
  } catch (e) {
    throw apiError(`could not open the tracking issue "${spec.title}"`, e, SCOPE)
  }
}

/** Removes the label (already gone is fine); the issue stays open. */
export async function unlabel(api: IssueApi, issue: number): Promise<void> {
  try {
    await removeIssueLabel(api.octokit, api.owner, api.repo, issue, api.label)
  } catch (e) {
    throw apiError(`could not remove \`${api.label}\` from issue #${issue}`, e, SCOPE)
  }
}
