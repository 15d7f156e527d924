import type { Octokit } from './client.js'
import { createOnce } from './create-once.js'

/**
 * A hidden line that names what a comment (or an issue body) is for, so the bot can find what it
 * wrote before: `<!-- contribs-actions:<kind> key=value ... -->`. Values are single words (no
 * spaces, no `>`); the same kind and fields always give the same text.
 */
export function hiddenMarker(kind: string, fields: Record<string, string | number>): string {
  const parts = Object.entries(fields).map(([k, v]) => {
    const text = String(v)
    if (!/^[^\s>]+$/.test(text)) throw new Error(`marker field ${k}=${JSON.stringify(text)}`)
    return `${k}=${text}`
  })
  return `<!-- contribs-actions:${[kind, ...parts].join(' ')} -->`
}

export interface IssueTarget {
  octokit: Octokit
  owner: string
  repo: string
  issue: number
}

/** The fields of a listed comment that say who wrote it. */
export interface CommentAuthor {
  user?: { type?: string } | null
  author_association?: string
}

/** Authors with write access or membership: a maintainer's token writes as one of them. */
const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR'])

/**
 * Whether a comment may be one this suite wrote, so that a hidden marker in it counts: written by
 * a bot account (a GitHub App's or the workflow token's) or by an owner, member or collaborator of
 * the repository (a maintainer's personal token). Anyone can comment on a public repository's
 * issues; a marker copied into a stranger's comment must never stand for a milestone, a notice or
 * a recovery that was not posted, which would stop the real one.
 */
export function mayBeOurs(comment: CommentAuthor): boolean {
  return comment.user?.type === 'Bot' || TRUSTED_ASSOCIATIONS.has(comment.author_association ?? '')
}

/**
 * The first comment on the issue whose body carries `marker` (and that mayBeOurs), every page
 * read: how a comment whose create was lost (created, then 5xx or a dropped connection) is found
 * and adopted.
 */
export async function findMarkedComment(
  target: IssueTarget,
  marker: string
): Promise<{ id: number; url: string } | undefined> {
  const pages = target.octokit.paginate.iterator(target.octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issue,
    per_page: 100
  })
  for await (const page of pages) {
    const hit = page.data.find((c) => c.body?.includes(marker) && mayBeOurs(c))
    if (hit) return { id: hit.id, url: hit.html_url }
  }
  return undefined
}

export interface CommentOnce extends IssueTarget {
  /** The comment's text; `marker` is appended to it as its last line. */
  body: string
  /** A hiddenMarker unique to this comment. */
  marker: string
  /**
   * Look the comment up before posting. Needed when an earlier run may have posted it and died
   * before recording that (work taken over from another run, a re-run after a failure).
   */
  lookFirst: boolean
  /** Per-request options for the POST, e.g. a lease fence. */
  request?: Record<string, unknown>
}

/**
 * Posts a comment exactly once: found by its marker (when `lookFirst`, and after a POST whose
 * answer was lost), never posted twice. `posted` is false when it was there already.
 */
export async function commentOnce(comment: CommentOnce): Promise<{ url: string; posted: boolean }> {
  const find = () => findMarkedComment(comment, comment.marker)
  if (comment.lookFirst) {
    const there = await find()
    if (there) return { url: there.url, posted: false }
  }
  const made = await createOnce({
    create: async () => {
      const { data } = await comment.octokit.rest.issues.createComment({
        owner: comment.owner,
        repo: comment.repo,
        issue_number: comment.issue,
        body: `${comment.body}\n\n${comment.marker}`,
        ...(comment.request ? { request: comment.request } : {})
      })
      return { id: data.id, url: data.html_url }
    },
    find
  })
  return { url: made.value.url, posted: true }
}
