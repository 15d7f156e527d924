/**
 * The sweep's writes through octokit (the Writer seam of apply.ts). Every create (a comment, a
 * stale issue) goes through createOnce: after a 5xx or a dropped connection the object is looked
 * up by its marker, and adopted when the lost attempt made it, so a re-run or a retry never makes
 * a second one.
 */
import { trackedByPackage } from '@contribs-actions/shared'
import {
  Base,
  Connection,
  createOnce,
  Created,
  ensureLabel,
  fencedRequest,
  findMarkedComment,
  LabelSpec,
  listOpenLabelled
} from '@contribs-actions/shared/github'
import type { Writer } from './apply.js'
import { commitRegistryChange, openRegistryPull } from './registry-writer.js'

/** Colours and descriptions for the labels the sweep creates when they are missing. */
function labelSpec(name: string, labels: { archive: string; stale: string }): LabelSpec {
  if (name.toLowerCase() === labels.archive.toLowerCase())
    return {
      name,
      color: '6a737d',
      description: 'Archived by contribs-actions: broken past the archival timeline'
    }
  if (name.toLowerCase() === labels.stale.toLowerCase())
    return {
      name,
      color: 'fbca04',
      description: 'Upstream floor below minimum_upstream_version (contribs-actions)'
    }
  return { name, color: 'ededed' }
}

/**
 * `base` is the default branch as read before planning (registry changes are made on it); a
 * run without registry changes has none. `fence`, when this run holds the sweep's lease, is
 * checked before every attempt of a comment, label, close or issue create (retries and
 * rate-limit waits included), so nothing is sent once another sweep has taken the lease over.
 */
export function octokitWriter(
  conn: Connection,
  labels: { archive: string; stale: string },
  base?: Base,
  fence?: () => Promise<void>
): Writer {
  const { octokit, owner, repo } = conn
  const fencing = fence ? fencedRequest(octokit, fence) : undefined
  const fenced = fencing ? { request: fencing.request } : {}
  // A request the fence refused throws the fence's own error (the lease lost), not its 412.
  const unlessFenced = <T>(call: () => Promise<T>): Promise<T> =>
    fencing ? fencing.unlessRefused(call) : call()
  return {
    async registry(change, mode, label) {
      if (!base) throw new Error('no default branch read for a registry change')
      return mode === 'commit'
        ? commitRegistryChange(conn, base, change)
        : openRegistryPull(conn, base, change, label)
    },
    async ensureLabel(name) {
      await ensureLabel(octokit, owner, repo, labelSpec(name, labels))
    },
    async comment(issue, body, marker) {
      const made = await unlessFenced(() => commentMadeOnce(conn, { issue, body, marker }, fenced))
      return { adopted: made.adopted }
    },
    async addLabel(issue, label) {
      await unlessFenced(() =>
        octokit.rest.issues.addLabels({
          owner,
          repo,
          issue_number: issue,
          labels: [label],
          ...fenced
        })
      )
    },
    async close(issue) {
      await unlessFenced(() =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: issue,
          state: 'closed',
          state_reason: 'completed',
          ...fenced
        })
      )
    },
    async createIssue(title, body, issueLabels, pkg) {
      const spec = { title, body, labels: issueLabels, pkg, staleLabel: labels.stale }
      const made = await unlessFenced(() => staleIssueOpenedOnce(conn, spec, fenced))
      return { number: made.value.number, url: made.value.url, adopted: made.adopted }
    }
  }
}

/** A comment posted once: a create whose answer was lost is found by its marker and adopted. */
function commentMadeOnce(
  { octokit, owner, repo }: Connection,
  comment: { issue: number; body: string; marker: string },
  request: Record<string, unknown>
): Promise<Created<{ id: number; url: string }>> {
  const { issue, body, marker } = comment
  return createOnce({
    create: async () => {
      const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issue,
        body,
        ...request
      })
      return { id: data.id, url: data.html_url }
    },
    find: () => findMarkedComment({ octokit, owner, repo, issue }, marker)
  })
}

/**
 * A stale issue opened once, with its label in the same request, so that an issue a lost answer
 * made is found among the open issues with the stale label (by its package) and lacks nothing.
 */
function staleIssueOpenedOnce(
  { octokit, owner, repo }: Connection,
  issue: { title: string; body: string; labels: string[]; pkg: string; staleLabel: string },
  request: Record<string, unknown>
): Promise<Created<{ number: number; url: string }>> {
  return createOnce({
    create: async () => {
      const { data } = await octokit.rest.issues.create({
        owner,
        repo,
        title: issue.title,
        body: issue.body,
        labels: issue.labels,
        ...request
      })
      return { number: data.number, url: data.html_url }
    },
    find: async () => {
      const listing = await listOpenLabelled(octokit, owner, repo, issue.staleLabel)
      return trackedByPackage(listing.issues, 'stale').get(issue.pkg)
    }
  })
}
