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
      const made = await unlessFenced(() =>
        createOnce({
          create: async () => {
            const { data } = await octokit.rest.issues.createComment({
              owner,
              repo,
              issue_number: issue,
              body,
              ...fenced
            })
            return { id: data.id, url: data.html_url }
          },
          find: () => findMarkedComment({ octokit, owner, repo, issue }, marker)
        })
      )
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
      const made = await unlessFenced(() =>
        createOnce({
          create: async () => {
            const { data } = await octokit.rest.issues.create({
              owner,
              repo,
              title,
              body,
              labels: issueLabels,
              ...fenced
            })
            return { number: data.number, url: data.html_url }
          },
          // Opened with its label in the same request, so an adopted issue lacks nothing.
          find: async () => {
            const listing = await listOpenLabelled(octokit, owner, repo, labels.stale)
            return trackedByPackage(listing.issues, 'stale').get(pkg)
          }
        })
      )
      return { number: made.value.number, url: made.value.url, adopted: made.adopted }
    }
  }
}
